/**
 * Hot reload in-process: App.applyConfig and the /v3/config handler against the real App, with our own
 * RTSP client publishing and reading on loopback.
 */
import assert from "node:assert/strict";
import { RtspClient } from "../../src/client/mod.ts";
import { parseConfig } from "../../src/config/mod.ts";
import { handleConfigApi } from "../../src/api/config_api.ts";
import { rtpSequenceNumber } from "../../src/wire/rtp/packet.ts";
import { allocatePorts, type ServerPorts } from "../_helpers/ports.ts";
import { makeTestCert } from "../_helpers/certs.ts";
import { waitFor } from "../_helpers/wait.ts";
import { FFMPEG_VIDEO_SDP, rtpPacket } from "./_raw_rtsp.ts";
import { startTestServer, type TestServer } from "./_server.ts";

/** The same loopback listeners as startTestServer, with other top-level keys (which win). */
function configFor(ports: ServerPorts, extra: string) {
  const own = new Set([...extra.matchAll(/^([A-Za-z]+):/gm)].map((m) => m[1]));
  const yaml = [
    "logLevel: debug",
    `rtspAddress: 127.0.0.1:${ports.rtsp}`,
    `rtpAddress: 127.0.0.1:${ports.rtp}`,
    `rtcpAddress: 127.0.0.1:${ports.rtcp}`,
    `rtspsAddress: 127.0.0.1:${ports.rtsps}`,
    `srtpAddress: 127.0.0.1:${ports.srtp}`,
    `srtcpAddress: 127.0.0.1:${ports.srtcp}`,
    "rtspTransports: [udp, tcp]",
  ].filter((line) => !own.has(line.split(":")[0])).concat(extra).join("\n");
  return parseConfig(yaml, "test.yml").config;
}

/** A publisher on `path` sending one video packet every 5 ms until disposed. */
async function pumpingPublisher(srv: TestServer, path: string) {
  const client = await RtspClient.connect(srv.url(path), { transport: "tcp" });
  await client.announce(FFMPEG_VIDEO_SDP);
  await client.setupAll();
  await client.record();
  let seq = 0;
  let closed = false;
  let ended = false;
  const timer = setInterval(() => {
    if (closed) return;
    try {
      const p = client.writeRtp(
        0,
        rtpPacket(seq & 0xffff, seq * 3600, new Uint8Array([0x41, 0xab, seq & 0xff])),
      );
      seq++;
      // A recording client notices the server's close when a write fails.
      if (p instanceof Promise) p.catch(() => (closed = ended = true));
    } catch {
      closed = ended = true;
    }
  }, 5);
  client.closed.then(() => (closed = ended = true));
  return {
    client,
    /** Whether the server ended the session. */
    get ended() {
      return ended;
    },
    get sent() {
      return seq;
    },
    async [Symbol.asyncDispose]() {
      clearInterval(timer);
      await client.close();
    },
  };
}

/** A reader of `path` over TCP recording sequence numbers. */
async function seqReader(url: string) {
  const client = await RtspClient.connect(url, { transport: "tcp" });
  const seqs: number[] = [];
  client.onRtp = (_m, p) => seqs.push(rtpSequenceNumber(p));
  await client.describe();
  await client.setupAll();
  await client.play();
  let ended: Error | undefined | "running" = "running";
  client.closed.then((e) => (ended = e));
  return {
    client,
    seqs,
    get ended() {
      return ended;
    },
    async [Symbol.asyncDispose]() {
      await client.close();
    },
  };
}

function assertContinuous(seqs: number[]): void {
  for (let i = 1; i < seqs.length; i++) {
    assert.equal(
      seqs[i],
      (seqs[i - 1] + 1) & 0xffff,
      `gap after packet ${i - 1}: ${seqs[i - 1]} -> ${seqs[i]}`,
    );
  }
}

Deno.test("hot reload: an unchanged path keeps its publisher and reader without a gap; a changed path's publisher is closed; a new path starts", async () => {
  await using srv = await startTestServer("paths:\n  a:\n  b:\n");
  await using pubA = await pumpingPublisher(srv, "a");
  await using pubB = await pumpingPublisher(srv, "b");
  await using reader = await seqReader(srv.url("a"));
  await waitFor(() => reader.seqs.length > 20, { timeoutMs: 5000, message: "reader of a receives" });

  const next = configFor(
    srv.ports,
    `paths:
  a:
  b:
    maxReaders: 1
  c:
    source: rtsp://127.0.0.1:${srv.ports.rtsp}/a
`,
  );
  const diff = await srv.app.applyConfig(next, "file changed");
  assert.deepEqual(diff.paths, { changed: ["b"], removed: [], added: ["c"] });
  assert.ok(srv.logs.some((l) => l.includes("INF reloading configuration (file changed)")));

  // b's publisher is disconnected; c pulls a.
  await waitFor(() => pubB.ended, { timeoutMs: 5000, message: "publisher of b closed" });
  assert.equal(pubA.ended, false, "publisher of a still connected");

  await waitFor(() => srv.logs.some((l) => /\[path c\] \[RTSP source\] ready/.test(l)), {
    timeoutMs: 5000,
    message: "c pulls a",
  });
  await using readerC = await seqReader(srv.url("c"));
  await waitFor(() => readerC.seqs.length > 10, { timeoutMs: 5000, message: "reader of c receives" });

  const before = reader.seqs.length;
  await waitFor(() => reader.seqs.length > before + 20, { timeoutMs: 5000, message: "reader of a goes on" });
  assert.equal(reader.ended, "running", "the reader of a was not closed");
  assertContinuous(reader.seqs);
  assert.ok(srv.app.pathManager.paths.get("a")!.stream !== undefined, "a still has its publisher");
  assert.ok(pubA.sent > before, "a's publisher kept sending");
});

Deno.test("hot reload: a removed entry closes its live path", async () => {
  await using srv = await startTestServer("paths:\n  a:\n  gone:\n");
  await using pub = await pumpingPublisher(srv, "gone");
  await srv.app.applyConfig(configFor(srv.ports, "paths:\n  a:\n"), "file changed");
  await waitFor(() => pub.ended, { timeoutMs: 5000, message: "publisher of the removed path closed" });
  assert.equal(srv.app.pathManager.paths.has("gone"), false);
});

Deno.test("hot reload: authInternalUsers are swapped live; the existing reader keeps reading", async () => {
  await using srv = await startTestServer("paths:\n  a:\n");
  await using pub = await pumpingPublisher(srv, "a");
  await using reader = await seqReader(srv.url("a"));
  await srv.app.applyConfig(
    configFor(
      srv.ports,
      `authInternalUsers:
  - user: any
    permissions: [{action: publish}]
  - user: viewer
    pass: secret
    permissions: [{action: read}]
paths:
  a:
`,
    ),
    "API request",
  );
  assert.equal(srv.app.servers.length, 1, "no listener restarted");
  await using anonymous = await RtspClient.connect(srv.url("a"), { transport: "tcp" });
  await assert.rejects(() => anonymous.describe(), /401/);
  await using viewer = await seqReader(`rtsp://viewer:secret@127.0.0.1:${srv.ports.rtsp}/a`);
  await waitFor(() => viewer.seqs.length > 5, { timeoutMs: 5000, message: "the new user reads" });
  assert.equal(reader.ended, "running");
  assert.ok(pub.sent > 0);
});

Deno.test("hot reload: /v3/config/paths/add with a source, handled by the live App, is read at once", async () => {
  await using srv = await startTestServer("paths:\n  a:\n");
  await using pub = await pumpingPublisher(srv, "a");
  const res = await handleConfigApi({
    method: "POST",
    route: "paths/add/relay",
    query: new URLSearchParams(),
    body: JSON.stringify({ source: `rtsp://127.0.0.1:${srv.ports.rtsp}/a`, sourceOnDemand: true }),
  }, srv.app);
  assert.deepEqual(res, { status: 200, body: { status: "ok" } });
  assert.ok(srv.logs.some((l) => l.includes("INF reloading configuration (API request)")));
  await using relay = await seqReader(srv.url("relay"));
  await waitFor(() => relay.seqs.length > 10, { timeoutMs: 5000, message: "the relay delivers" });
  assert.ok(pub.sent > 0);
  const list = await handleConfigApi(
    { method: "GET", route: "paths/list", query: new URLSearchParams(), body: "" },
    srv.app,
  );
  assert.deepEqual((list.body as { items: { name: string }[] }).items.map((i) => i.name), ["a", "relay"]);
});

Deno.test("hot reload: a changed entry runs runOnInit again; an unchanged one keeps its command running", async () => {
  const dir = await Deno.makeTempDir({ prefix: "reload-init-" });
  try {
    const hook = (name: string) => `sh -c 'echo start >> ${dir}/${name}; exec sleep 60'`;
    const paths = (maxReaders: number) =>
      `paths:
  kept:
    runOnInit: ${hook("kept")}
  edited:
    runOnInit: ${hook("edited")}
    maxReaders: ${maxReaders}
`;
    await using srv = await startTestServer(paths(1));
    const starts = (name: string) => {
      try {
        return Deno.readTextFileSync(`${dir}/${name}`).split("\n").filter((l) => l === "start").length;
      } catch {
        return 0;
      }
    };
    await waitFor(() => starts("kept") === 1 && starts("edited") === 1, {
      timeoutMs: 5000,
      message: "runOnInit started",
    });
    await srv.app.applyConfig(configFor(srv.ports, paths(2)), "file changed");
    await waitFor(() => starts("edited") === 2, {
      timeoutMs: 5000,
      message: "runOnInit of edited restarted",
    });
    assert.equal(starts("kept"), 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("hot reload: a key of the RTSPS listener restarts only that listener; RTSP readers play on", async () => {
  const cert = await makeTestCert();
  const tls = `rtspEncryption: optional\nrtspServerCert: ${cert.certFile}\nrtspServerKey: ${cert.keyFile}\n`;
  await using srv = await startTestServer(`${tls}paths:\n  a:\n`);
  await using pub = await pumpingPublisher(srv, "a");
  await using reader = await seqReader(srv.url("a"));
  const [plain, secure] = srv.app.servers;
  const [port] = await allocatePorts(1);
  const diff = await srv.app.applyConfig(
    configFor(srv.ports, `${tls}rtspsAddress: 127.0.0.1:${port}\npaths:\n  a:\n`),
    "file changed",
  );
  assert.deepEqual([diff.rtsp, diff.rtsps, diff.allPaths], [false, true, false]);
  assert.equal(srv.app.servers[0], plain, "the RTSP server was kept");
  assert.notEqual(srv.app.servers[1], secure, "the RTSPS server was restarted");
  assert.equal(srv.app.servers[1].port, port);
  const before = reader.seqs.length;
  await waitFor(() => reader.seqs.length > before + 20, { timeoutMs: 5000, message: "the reader goes on" });
  assert.equal(reader.ended, "running");
  assertContinuous(reader.seqs);
  assert.ok(pub.sent > 0 && !pub.ended);
});
