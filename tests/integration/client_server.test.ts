/** Our RtspClient against our server over loopback: publish and read over TCP and UDP, fallback, keepalive. */
import assert from "node:assert/strict";
import { RtspClient } from "../../src/client/mod.ts";
import type { RtspClientOptions } from "../../src/client/mod.ts";
import { rtpPayloadType, rtpSequenceNumber, rtpTimestamp } from "../../src/wire/rtp/packet.ts";
import { FFMPEG_ANNOUNCE_SDP, rtpPacket } from "./_raw_rtsp.ts";
import { startTestServer } from "./_server.ts";
import type { TestServer } from "./_server.ts";
import { delay, waitFor } from "../_helpers/wait.ts";
import { FakeClock } from "../_helpers/fake_clock.ts";

type Transport = "tcp" | "udp";

/** What a reader saw of one media: `seq:timestamp:payload` per packet, in arrival order. */
type Seen = string[][];

function packetKey(p: Uint8Array): string {
  return `${rtpSequenceNumber(p)}:${rtpTimestamp(p)}:${Array.from(p.subarray(12)).join(",")}`;
}

/** The test packets of one media: distinct payloads, sequence numbers across the 16-bit wrap. */
function testPackets(media: number, count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => {
    const payload = Uint8Array.from({ length: 20 + i * 7 }, (_, j) => (media * 100 + i + j) & 0xff);
    return rtpPacket((65530 + i) & 0xffff, 90000 * i + media, payload, 0x11223344 + media, 96 + media);
  });
}

async function publish(srv: TestServer, path: string, transport: Transport): Promise<RtspClient> {
  const pub = await RtspClient.connect(srv.url(path), { transport });
  try {
    await pub.announce(FFMPEG_ANNOUNCE_SDP);
    await pub.setupAll();
    await pub.record();
    assert.equal(pub.transport, transport);
    return pub;
  } catch (e) {
    await pub.close();
    throw e;
  }
}

async function read(
  srv: TestServer,
  path: string,
  options: RtspClientOptions,
): Promise<{ reader: RtspClient; seen: Seen }> {
  const reader = await RtspClient.connect(srv.url(path), options);
  const seen: Seen = [[], []];
  // UDP packets are views into a reused buffer: keep a copy of what matters.
  reader.onRtp = (media, packet) => seen[media].push(packetKey(packet));
  try {
    await reader.options();
    const { sdp, baseUrl } = await reader.describe();
    assert.equal(sdp.medias.length, 2);
    assert.match(baseUrl, new RegExp(`/${path}/$`));
    await reader.setupAll();
    const res = await reader.play();
    assert.equal(res.statusCode, 200);
    assert.ok(reader.sessionId !== undefined && reader.sessionId.length > 0);
    return { reader, seen };
  } catch (e) {
    await reader.close();
    throw e;
  }
}

async function sendAll(pub: RtspClient, packets: Uint8Array[][]): Promise<void> {
  for (let i = 0; i < packets[0].length; i++) {
    for (let m = 0; m < packets.length; m++) await pub.writeRtp(m, packets[m][i]);
    // Pace UDP a little so loopback socket buffers never overflow.
    if (i % 10 === 9) await delay(2);
  }
}

for (const pubTransport of ["tcp", "udp"] as const) {
  for (const readTransport of ["tcp", "udp"] as const) {
    Deno.test(`publish over ${pubTransport}, read over ${readTransport}: payloads and sequence numbers intact`, async () => {
      await using srv = await startTestServer();
      await using pub = await publish(srv, "cam", pubTransport);
      const { reader, seen } = await read(srv, "cam", { transport: readTransport });
      await using _reader = reader;
      assert.equal(reader.transport, readTransport);
      const packets = [testPackets(0, 60), testPackets(1, 60)];
      await sendAll(pub, packets);
      await waitFor(() => seen[0].length >= 60 && seen[1].length >= 60, {
        timeoutMs: 5000,
        message: `reader got ${seen[0].length}/${seen[1].length} packets`,
      });
      for (let m = 0; m < 2; m++) assert.deepEqual(seen[m], packets[m].map(packetKey), `media ${m}`);
    });
  }
}

Deno.test("payload types and RTCP: the reader sees the announced payload types and server Sender Reports", async () => {
  await using srv = await startTestServer();
  await using pub = await publish(srv, "pt", "tcp");
  const { reader } = await read(srv, "pt", { transport: "udp" });
  await using _reader = reader;
  const types = new Set<number>();
  let rtcp = 0;
  reader.onRtp = (_m, p) => types.add(rtpPayloadType(p));
  reader.onRtcp = () => rtcp++;
  const packets = [testPackets(0, 5), testPackets(1, 5)];
  await sendAll(pub, packets);
  await waitFor(() => types.size === 2, { timeoutMs: 5000, message: "payload types" });
  assert.deepEqual([...types].sort(), [96, 97]);
  // The server sends its first Sender Report right after the first packet (gortsplib's behaviour; RFC 3550 §6.2).
  await waitFor(() => rtcp > 0, { timeoutMs: 5000, message: "no RTCP from the server" });
});

Deno.test("automatic transport falls back to TCP when the server answers 461 (rtspTransports: [tcp])", async () => {
  await using srv = await startTestServer("rtspTransports: [tcp]");
  await using pub = await RtspClient.connect(srv.url("auto"), { transport: "automatic" });
  await pub.announce(FFMPEG_ANNOUNCE_SDP);
  await pub.record();
  assert.equal(pub.transport, "tcp", "publisher fell back");
  // No transport option: automatic is the default.
  const { reader, seen } = await read(srv, "auto", {});
  await using _reader = reader;
  assert.equal(reader.transport, "tcp", "reader fell back");
  const packets = [testPackets(0, 10), testPackets(1, 10)];
  await sendAll(pub, packets);
  await waitFor(() => seen[0].length >= 10 && seen[1].length >= 10, { timeoutMs: 5000, message: "packets" });
  assert.deepEqual(seen[0], packets[0].map(packetKey));
});

Deno.test("a UDP reader outlives a short session timeout thanks to GET_PARAMETER keepalives", async () => {
  // One fake clock drives the server's session timeout and the client's keepalive ticker.
  const clock = new FakeClock();
  // The config key is rtspSessionTimeout; it must exceed 5 s (the Session header advertises it − 5 s).
  await using srv = await startTestServer("rtspSessionTimeout: 6s", { clock });
  await using pub = await publish(srv, "ka", "tcp");
  const { reader, seen } = await read(srv, "ka", { transport: "udp", clock });
  await using _reader = reader;
  let ended: Error | undefined | "open" = "open";
  reader.closed.then((e) => (ended = e));
  const packets = testPackets(0, 100);
  const keepalives = () => srv.logs.filter((l) => l.includes("[c->s] GET_PARAMETER")).length;
  for (let second = 1; second <= 9; second++) {
    const before = seen[0].length;
    await pub.writeRtp(0, packets[second]);
    await waitFor(() => seen[0].length > before, { timeoutMs: 2000, message: "reader stopped receiving" });
    const sent = keepalives();
    clock.advance(1000); // Session: timeout=1 → one keepalive per second (min 1 s)
    await waitFor(() => keepalives() > sent, {
      timeoutMs: 2000,
      message: `no keepalive in second ${second}`,
    });
  }
  assert.equal(ended, "open");
  assert.ok(!srv.logs.some((l) => l.includes("session timed out")), "the server timed the session out");
});

Deno.test("closed resolves with an error when the server drops the reader; close() is idempotent", async () => {
  await using srv = await startTestServer();
  const pub = await publish(srv, "drop", "tcp");
  const { reader } = await read(srv, "drop", { transport: "tcp" });
  await pub.close();
  assert.equal(await pub.closed, undefined, "a local close resolves with undefined");
  // When the publisher leaves, the server closes its readers (gortsplib's server behaviour).
  const error = await reader.closed;
  assert.ok(error instanceof Error);
  await reader.close();
  await reader.close();
  await assert.rejects(reader.request("OPTIONS"));
});

Deno.test("close() during PLAY over UDP releases every socket and timer", async () => {
  await using srv = await startTestServer();
  await using pub = await publish(srv, "bye", "udp");
  const { reader } = await read(srv, "bye", { transport: "udp" });
  await pub.writeRtp(0, testPackets(0, 1)[0]);
  await reader.teardown();
  assert.equal(reader.sessionId, undefined);
  await reader.close();
  assert.equal(await reader.closed, undefined);
  // The test sanitizers fail this test if a socket, timer or read op outlives close().
});
