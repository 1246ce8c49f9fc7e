/**
 * Hostile input over real sockets: random bytes, mutated real requests and half-open connections
 * from many clients at once. The server must answer or close each of them and keep serving a
 * well-behaved publisher and reader throughout.
 */
import assert from "node:assert/strict";
import { FFMPEG_VIDEO_SDP, RawRtsp, rtpPacket } from "./_raw_rtsp.ts";
import { startTestServer } from "./_server.ts";
import { waitFor } from "../_helpers/wait.ts";

const enc = new TextEncoder();

/** A small seeded PRNG (mulberry32) so failures can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEEDS = [
  "OPTIONS rtsp://h/x RTSP/1.0\r\nCSeq: 1\r\n\r\n",
  "DESCRIBE rtsp://h/x RTSP/1.0\r\nCSeq: 2\r\nAccept: application/sdp\r\n\r\n",
  "SETUP rtsp://h/x/trackID=0 RTSP/1.0\r\nCSeq: 3\r\nTransport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n\r\n",
  "SETUP rtsp://h/x/trackID=0 RTSP/1.0\r\nCSeq: 3\r\nTransport: RTP/AVP;unicast;client_port=5000-5001\r\n\r\n",
  `ANNOUNCE rtsp://h/y RTSP/1.0\r\nCSeq: 4\r\nContent-Type: application/sdp\r\nContent-Length: ${FFMPEG_VIDEO_SDP.length}\r\n\r\n${FFMPEG_VIDEO_SDP}`,
  "PLAY rtsp://h/x RTSP/1.0\r\nCSeq: 5\r\nSession: 12345678\r\n\r\n",
  "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
  "POST /x HTTP/1.0\r\nContent-Type: application/x-rtsp-tunnelled\r\nx-sessioncookie: abc\r\n\r\nT1BUSU9OUw==",
  "GET /x HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: x\r\n\r\n",
  "$\x00\x00\x05hello",
];

function mutate(rand: () => number, seed: string): Uint8Array {
  const bytes = enc.encode(seed.replaceAll("rtsp://h/", "rtsp://127.0.0.1/"));
  const out = Array.from(bytes);
  const n = 1 + Math.floor(rand() * 6);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(rand() * out.length);
    switch (Math.floor(rand() * 4)) {
      case 0:
        out[at] = Math.floor(rand() * 256);
        break;
      case 1:
        out.splice(at, Math.floor(rand() * 8));
        break;
      case 2:
        out.splice(at, 0, ...Array.from({ length: Math.floor(rand() * 16) }, () => Math.floor(rand() * 256)));
        break;
      default:
        out.splice(at, 0, ...out.slice(0, Math.floor(rand() * out.length)));
    }
  }
  return new Uint8Array(out);
}

Deno.test("fuzz: mutated requests and random bytes from many connections leave the server serving", async () => {
  await using srv = await startTestServer("readTimeout: 2s", { quiet: true });
  // A real publisher and reader stay up during the whole run.
  await using pub = await RawRtsp.connect(srv.ports.rtsp);
  const url = srv.url("steady");
  await pub.request("ANNOUNCE", url, { "Content-Type": "application/sdp" }, FFMPEG_VIDEO_SDP);
  let res = await pub.request("SETUP", `${url}/streamid=0`, {
    Transport: "RTP/AVP/TCP;interleaved=0-1;mode=record",
  });
  await pub.request("RECORD", url, { Session: res.headers.get("Session")!.split(";")[0] });
  await using reader = await RawRtsp.connect(srv.ports.rtsp);
  res = await reader.request("SETUP", `${url}/trackID=0`, { Transport: "RTP/AVP/TCP;interleaved=0-1" });
  await reader.request("PLAY", url, { Session: res.headers.get("Session")!.split(";")[0] });

  const rand = prng(20261124);
  const attackers: Promise<void>[] = [];
  for (let c = 0; c < 40; c++) {
    attackers.push((async () => {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: srv.ports.rtsp });
      try {
        for (let i = 0; i < 25; i++) {
          const payload = rand() < 0.2
            ? crypto.getRandomValues(new Uint8Array(1 + Math.floor(rand() * 3000)))
            : mutate(rand, SEEDS[Math.floor(rand() * SEEDS.length)]);
          await conn.write(payload);
        }
      } catch {
        // the server may close a hopeless connection: that is a valid answer
      } finally {
        conn.close();
      }
    })());
  }
  for (let i = 0; i < 50; i++) {
    await pub.writeInterleaved(0, rtpPacket(i, i * 3000, new Uint8Array([0x41, i])));
    const f = await reader.nextInterleaved();
    assert.equal(f.payload[3], i, "the steady reader keeps receiving in order during the attack");
  }
  await Promise.all(attackers);
  await using probe = await RawRtsp.connect(srv.ports.rtsp);
  assert.equal((await probe.request("OPTIONS", url)).statusCode, 200, "still serving after the attack");
  const sessions = srv.app.servers[0].sessions;
  await waitFor(() => sessions.size === 2, {
    timeoutMs: 5000,
    message: `${sessions.size} sessions left, expected 2`,
  });
  const conns = srv.app.servers[0].conns;
  await waitFor(() => conns.size === 3, {
    timeoutMs: 5000,
    message: `${conns.size} connections left, expected 3`,
  });
  assert.ok(
    srv.logs.some((l) => / 400 /.test(l) || /invalid data/.test(l)),
    "the attack was actually parsed",
  );
  assert.ok(
    !srv.logs.some((l) => / ERR /.test(l)),
    `errors logged:\n${srv.logs.filter((l) => / ERR /.test(l)).join("\n")}`,
  );
});
