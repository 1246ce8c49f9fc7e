/**
 * Issue 10 regressions over real sockets: slowloris, pending-connection caps, the brute-force
 * pause, secrets and control characters in the log, the public session log tag.
 */
import assert from "node:assert/strict";
import { FFMPEG_ANNOUNCE_SDP, RawRtsp } from "./_raw_rtsp.ts";
import { startTestServer, type TestServer } from "./_server.ts";
import { waitFor } from "../_helpers/wait.ts";
import type { RtspServer } from "../../src/server/rtsp_server.ts";

const enc = new TextEncoder();

function plainServer(srv: TestServer): RtspServer {
  const s = srv.app.servers.find((s) => s.options.label === "RTSP");
  assert.ok(s !== undefined);
  return s;
}

/** Whether `conn` is closed by the server within `ms` (EOF or reset). */
async function closedWithin(conn: Deno.Conn, ms: number): Promise<boolean> {
  const buf = new Uint8Array(4096);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((r) => timer = setTimeout(() => r(false), ms));
  const eof = (async () => {
    while ((await conn.read(buf).catch(() => null)) !== null) { /* answers */ }
    return true as const;
  })();
  try {
    return await Promise.race([eof, late]);
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("hardening: a request head trickled byte by byte is cut at the request deadline", async () => {
  await using srv = await startTestServer("", { quiet: true });
  plainServer(srv).limits.requestTimeoutMs = 600;
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: srv.ports.rtsp });
  let trickling = true;
  const trickle = (async () => {
    await conn.write(enc.encode("OPTIONS rtsp://127.0.0.1/x RTSP/1.0\r\n"));
    for (const ch of "CSeq: 1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaa") {
      if (!trickling) return;
      await new Promise((r) => setTimeout(r, 150)); // the pace of the attack, not synchronisation
      await conn.write(enc.encode(ch)).catch(() => trickling = false);
    }
  })();
  try {
    assert.ok(await closedWithin(conn, 3500), "slowloris connection still open");
    assert.ok(srv.logs.some((l) => l.includes("closed: request not completed in time")));
  } finally {
    trickling = false;
    conn.close();
    await trickle;
  }
});

Deno.test("hardening: connections without a session are capped per IP; the cap logs and lifts", async () => {
  await using srv = await startTestServer("", { quiet: true });
  plainServer(srv).limits.maxPendingPerIp = 4;
  const idle: Deno.Conn[] = [];
  try {
    for (let i = 0; i < 4; i++) {
      idle.push(await Deno.connect({ hostname: "127.0.0.1", port: srv.ports.rtsp }));
    }
    await waitFor(() => plainServer(srv).pendingCounts("127.0.0.1").fromHost === 4, {
      timeoutMs: 3000,
      message: "4 pending connections not seen",
    });
    const fifth = await Deno.connect({ hostname: "127.0.0.1", port: srv.ports.rtsp });
    assert.ok(await closedWithin(fifth, 2000), "the 5th pending connection was not refused");
    fifth.close();
    assert.ok(srv.logs.some((l) => /too many connections without a session from 127\.0\.0\.1 \(4\)/.test(l)));
    // A connection that got a session no longer counts.
    const pub = await RawRtsp.connect(srv.ports.rtsp).catch(() => undefined);
    assert.ok(pub !== undefined);
    pub.conn.close();
    idle.pop()!.close();
    await waitFor(() => plainServer(srv).pendingCounts("127.0.0.1").fromHost < 4, {
      timeoutMs: 3000,
      message: "a closed connection still counted",
    });
    await using c = await RawRtsp.connect(srv.ports.rtsp);
    assert.equal((await c.request("OPTIONS", srv.url("x"))).statusCode, 200);
  } finally {
    for (const c of idle) c.close();
  }
});

Deno.test("hardening: wrong credentials are answered after a pause that holds nobody else", async () => {
  await using srv = await startTestServer(
    "authInternalUsers:\n  - user: pub\n    pass: right\n    permissions: [{ action: publish }]\nrtspAuthMethods: [basic]",
    { quiet: true },
  );
  plainServer(srv).options.authFailureDelayMs = 1000;
  await using bad = await RawRtsp.connect(srv.ports.rtsp);
  await using other = await RawRtsp.connect(srv.ports.rtsp);
  const t0 = performance.now();
  const wrong = bad.request("ANNOUNCE", srv.url("cam"), {
    "Content-Type": "application/sdp",
    Authorization: `Basic ${btoa("pub:wrong")}`,
  }, FFMPEG_ANNOUNCE_SDP);
  assert.equal((await other.request("OPTIONS", srv.url("x"))).statusCode, 200);
  const otherMs = performance.now() - t0;
  assert.equal((await wrong).statusCode, 401);
  const wrongMs = performance.now() - t0;
  assert.ok(wrongMs >= 950, `wrong credentials answered after ${wrongMs} ms`);
  assert.ok(otherMs < 500, `another connection waited ${otherMs} ms`);
  await bad.waitClosed(3000);
  // No credentials at all: a challenge, at once.
  await using anon = await RawRtsp.connect(srv.ports.rtsp);
  const t1 = performance.now();
  const res = await anon.request(
    "ANNOUNCE",
    srv.url("cam"),
    { "Content-Type": "application/sdp" },
    FFMPEG_ANNOUNCE_SDP,
  );
  assert.equal(res.statusCode, 401);
  assert.ok(performance.now() - t1 < 500);
});

Deno.test("hardening: no password, Authorization value, session id or raw control character in the log", async () => {
  await using srv = await startTestServer("", { quiet: true });
  await using c = await RawRtsp.connect(srv.ports.rtsp);
  const port = srv.ports.rtsp;
  await c.request("DESCRIBE", `rtsp://alice:Secr3tPw@127.0.0.1:${port}/nothing`, {
    Authorization: `Basic ${btoa("alice:Secr3tPw")}`,
  });
  let res = await c.request("ANNOUNCE", `rtsp://bob:Pw2nd@127.0.0.1:${port}/cam`, {
    "Content-Type": "application/sdp",
  }, FFMPEG_ANNOUNCE_SDP);
  assert.equal(res.statusCode, 200);
  res = await c.request("SETUP", `rtsp://127.0.0.1:${port}/cam/streamid=0`, {
    Transport: "RTP/AVP/TCP;unicast;interleaved=0-1;mode=record",
  });
  assert.equal(res.statusCode, 200);
  const sessionId = res.headers.get("Session")!.split(";")[0];
  await c.writeRaw(`OPTIONS rtsp://127.0.0.1/a\x00b\x1b[31m RTSP/1.0\r\nCSeq: 9\r\nX-Evil: x\ry\r\n\r\n`);
  await c.nextResponse();
  await waitFor(() => srv.logs.some((l) => l.includes("[session ")), {
    timeoutMs: 3000,
    message: "no session log",
  });
  const all = srv.logs.join("\n");
  for (const secret of ["Secr3tPw", "Pw2nd", btoa("alice:Secr3tPw"), sessionId.slice(0, 8)]) {
    assert.ok(!all.includes(secret), `the log holds ${secret}`);
  }
  assert.ok(all.includes("rtsp://***@127.0.0.1"), "redacted URL not logged");
  assert.ok(!["\x00", "\r", "\x1b"].some((c) => all.includes(c)), "raw control characters in the log");
  assert.ok(all.includes("a\\0b\\x1b[31m"), "escaped request line not logged");
  const server = plainServer(srv);
  const session = server.sessions.get(sessionId)!;
  assert.match(session.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-/);
  assert.ok(all.includes(`[session ${session.uuid.slice(0, 8)}]`));
  const conn = [...server.conns][0];
  assert.match(conn.uuid, /^[0-9a-f-]{36}$/);
});
