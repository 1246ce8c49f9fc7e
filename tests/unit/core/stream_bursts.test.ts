import assert from "node:assert/strict";
import { Stream } from "../../../src/core/stream.ts";
import { parseSdp } from "../../../src/wire/sdp/mod.ts";
import type { FanOutBurst, FanOutPacket, ReaderSink } from "../../../src/server/stream_port.ts";
import { rtpPacket } from "../../integration/_raw_rtsp.ts";
import { FakeClock } from "../../_helpers/fake_clock.ts";

const SDP = parseSdp(
  "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=x\r\nt=0 0\r\n" +
    "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:streamid=0\r\n" +
    "m=audio 0 RTP/AVP 97\r\na=rtpmap:97 opus/48000/2\r\na=control:streamid=1\r\n",
);

const idr = new Uint8Array([0x65, 0x88, 0x84]); // NAL type 5
const slice = new Uint8Array([0x41, 0x9a, 0x02]); // NAL type 1

/** A TCP reader as the stream sees it: packets one by one (GOP replay) and bursts. */
class BurstReader implements ReaderSink {
  packets: [number, FanOutPacket][] = [];
  bursts: FanOutBurst[] = [];
  writeRtp(i: number, p: FanOutPacket) {
    this.packets.push([i, p]);
  }
  writeBurst(b: FanOutBurst) {
    this.bursts.push(b);
  }
  runs: [number, readonly FanOutPacket[]][] = [];
  writeRun(i: number, packets: readonly FanOutPacket[]) {
    this.runs.push([i, packets]);
  }
  closeByPath() {}

  /** [channel, seq] of everything received, in order: single packets as channel 2i, then the bursts' frames. */
  received(): [number, number][] {
    const out: [number, number][] = this.packets.map(([i, p]) => [2 * i, (p.data[2] << 8) | p.data[3]]);
    for (const b of this.bursts) {
      out.push(...frames(b.bytes).map(([ch, pkt]): [number, number] => [ch, seq(pkt)]));
    }
    return out;
  }
}

const seq = (pkt: Uint8Array) => (pkt[2] << 8) | pkt[3];

/** Interleaved frames (RFC 2326 §10.12) of a burst: [channel, packet]. */
function frames(bytes: Uint8Array): [number, Uint8Array][] {
  const out: [number, Uint8Array][] = [];
  for (let at = 0; at < bytes.length;) {
    assert.equal(bytes[at], 0x24, "each frame starts with $");
    const len = (bytes[at + 2] << 8) | bytes[at + 3];
    out.push([bytes[at + 1], bytes.subarray(at + 4, at + 4 + len)]);
    at += 4 + len;
  }
  return out;
}

/** The end of the current turn: the stream hands out its bursts in a microtask. */
const turnEnd = () => new Promise((r) => setTimeout(r, 0));

Deno.test("stream bursts: a TCP reader of every media gets one turn's packets as one burst, shared by all", async () => {
  const stream = new Stream(SDP.medias, "x", { gopCache: false });
  const a = new BurstReader();
  const b = new BurstReader();
  stream.attach(a, [0, 1], { bursts: true });
  stream.attach(b, [0, 1], { bursts: true });
  stream.writeRtp(0, rtpPacket(10, 1000, slice));
  stream.writeRtp(0, rtpPacket(11, 1000, new Uint8Array(1400)));
  stream.writeRtp(1, rtpPacket(50, 2000, new Uint8Array([1, 2]), 1, 97));
  stream.writeRtp(0, rtpPacket(12, 1000, slice));
  assert.equal(a.bursts.length, 0, "nothing before the end of the turn");
  await turnEnd();
  assert.equal(a.bursts.length, 1);
  assert.equal(a.packets.length, 0, "no packet one by one");
  assert.equal(a.bursts[0], b.bursts[0], "one burst object (one copy of the bytes) for every reader");
  const burst = a.bursts[0];
  assert.deepEqual(a.received(), [[0, 10], [0, 11], [2, 50], [0, 12]], "channels 2i, publisher order");
  assert.equal(burst.count, 4);
  assert.deepEqual(burst.packets, [3, 1]);
  assert.deepEqual(burst.rtpBytes, [12 + 3 + 12 + 1400 + 12 + 3, 12 + 2]);
  const ssrc = new DataView(frames(burst.bytes)[0][1].buffer, frames(burst.bytes)[0][1].byteOffset).getUint32(
    8,
  );
  assert.equal(ssrc, stream.medias[0].ssrc, "the stream's packets, SSRC rewritten");
  assert.equal(stream.outboundBytes, 2 * (burst.rtpBytes[0] + burst.rtpBytes[1]), "counted for both readers");
  stream.writeRtp(0, rtpPacket(13, 4000, slice));
  await turnEnd();
  assert.equal(a.bursts.length, 2, "the next turn is the next burst");
  assert.equal(a.bursts[1].bytes.length, 4 + 12 + 3, "a lone packet's frame");
});

Deno.test("stream bursts: a reader of some medias, or not asking for bursts, gets packets one by one", async () => {
  const stream = new Stream(SDP.medias, "x", { gopCache: false });
  const some = new BurstReader();
  const plain = new BurstReader();
  stream.attach(some, [0], { bursts: true });
  stream.attach(plain, [0, 1]);
  stream.writeRtp(0, rtpPacket(10, 1000, slice));
  stream.writeRtp(1, rtpPacket(50, 2000, new Uint8Array([1]), 1, 97));
  await turnEnd();
  for (const r of [some, plain]) assert.equal(r.bursts.length + r.runs.length, 0);
  assert.deepEqual(some.received(), [[0, 10]]);
  assert.deepEqual(plain.received(), [[0, 10], [2, 50]]);
});

Deno.test("stream bursts: a reader joining mid-turn gets the cached GOP, then bursts, no packet twice or missing", async () => {
  const stream = new Stream(SDP.medias, "x", { gopCache: true });
  const early = new BurstReader();
  stream.attach(early, [0, 1], { bursts: true });
  stream.writeRtp(0, rtpPacket(1, 0, idr));
  stream.writeRtp(0, rtpPacket(2, 0, slice));
  const late = new BurstReader();
  stream.attach(late, [0, 1], { bursts: true }); // same turn: packets 1 and 2 are in the pending burst
  stream.writeRtp(0, rtpPacket(3, 3000, slice));
  await turnEnd();
  stream.writeRtp(0, rtpPacket(4, 6000, slice));
  await turnEnd();
  const seqs = (r: BurstReader) => r.received().map(([, s]) => s);
  assert.deepEqual(seqs(early), [1, 2, 3, 4]);
  assert.deepEqual(seqs(late), [1, 2, 3, 4], "replay 1-2, then bursts 3 and 4");
  assert.equal(late.packets.length, 2, "the replay comes one by one");
});

Deno.test("stream bursts: detach and close stop them; a very large turn is split, in order", async () => {
  const stream = new Stream(SDP.medias, "x", { gopCache: false });
  const r = new BurstReader();
  const gone = new BurstReader();
  stream.attach(r, [0, 1], { bursts: true });
  stream.attach(gone, [0, 1], { bursts: true });
  stream.detach(gone);
  for (let s = 0; s < 250; s++) stream.writeRtp(0, rtpPacket(s, 0, new Uint8Array(1400)));
  await turnEnd();
  assert.ok(r.bursts.length >= 2, `a 350 KB turn leaves in several bursts (${r.bursts.length})`);
  assert.deepEqual(r.received().map(([, s]) => s), Array.from({ length: 250 }, (_, s) => s));
  assert.equal(gone.bursts.length, 0);
  stream.writeRtp(0, rtpPacket(250, 0, slice));
  stream.close();
  await turnEnd();
  assert.equal(r.received().length, 250, "the pending burst of a closed stream is dropped");
});

Deno.test("stream runs: a UDP reader gets one turn's packets of each media in one call, the same array for all", async () => {
  const stream = new Stream(SDP.medias, "x", { gopCache: false });
  const a = new BurstReader();
  const b = new BurstReader();
  const video = new BurstReader();
  stream.attach(a, [0, 1], { bursts: true, udpCopy: true });
  stream.attach(b, [0, 1], { bursts: true, udpCopy: true });
  stream.attach(video, [0], { bursts: true, udpCopy: true });
  stream.writeRtp(0, rtpPacket(10, 1000, slice));
  stream.writeRtp(1, rtpPacket(50, 2000, new Uint8Array([1]), 1, 97));
  stream.writeRtp(0, rtpPacket(11, 1000, slice));
  assert.equal(a.runs.length, 0, "nothing before the end of the turn");
  await turnEnd();
  const seqs = (r: BurstReader) => r.runs.map(([i, ps]) => [i, ps.map((p) => seq(p.data))]);
  assert.deepEqual(seqs(a), [[0, [10, 11]], [1, [50]]]);
  assert.deepEqual(seqs(video), [[0, [10, 11]]], "a reader of one media gets its runs only");
  assert.equal(a.runs[0][1], b.runs[0][1], "one array for every reader");
  assert.equal(a.packets.length + a.bursts.length, 0);
  assert.equal(stream.outboundBytes, 3 * 2 * (12 + 3) + 2 * (12 + 1), "counted per reader");
});

Deno.test("stream runs: SRTP readers get the run encrypted once for all; a late reader: GOP replay, then runs", async () => {
  const stream = new Stream(SDP.medias, "x", { gopCache: true });
  const s1 = new BurstReader();
  const s2 = new BurstReader();
  stream.attach(s1, [0, 1], { bursts: true, secure: true });
  stream.attach(s2, [0, 1], { bursts: true, secure: true });
  stream.writeRtp(0, rtpPacket(1, 0, idr));
  stream.writeRtp(0, rtpPacket(2, 0, slice));
  const late = new BurstReader();
  stream.attach(late, [0, 1], { bursts: true, udpCopy: true }); // same turn: 1 and 2 are pending
  stream.writeRtp(0, rtpPacket(3, 3000, slice));
  await turnEnd();
  assert.equal(s1.runs.length, 2, "the pending run left when the late reader joined, then the rest");
  assert.equal(s1.runs[0][1], s2.runs[0][1], "one encrypted run for both");
  assert.notDeepEqual([...s1.runs[0][1][0].data.subarray(12)], [...idr], "the payload is encrypted");
  const lateSeqs = [
    ...late.packets.map(([, p]) => seq(p.data)),
    ...late.runs.flatMap(([, ps]) => ps.map((p) => seq(p.data))),
  ];
  assert.deepEqual(lateSeqs, [1, 2, 3], "no packet twice or missing");
  stream.detach(s1);
  stream.writeRtp(0, rtpPacket(4, 6000, slice));
  stream.close();
  await turnEnd();
  assert.equal(s1.runs.length, 2, "detached");
  assert.equal(s2.runs.length, 2, "the pending run of a closed stream is dropped");
});

Deno.test("stream bursts and runs with a hold (rtspFanOutHold): packets of several turns within it leave together", async () => {
  const clock = new FakeClock();
  const stream = new Stream(SDP.medias, "x", { gopCache: false, holdMs: 1, clock });
  const tcp = new BurstReader();
  const udp = new BurstReader();
  stream.attach(tcp, [0, 1], { bursts: true });
  stream.attach(udp, [0, 1], { bursts: true, udpCopy: true });
  stream.writeRtp(0, rtpPacket(10, 1000, slice));
  await turnEnd();
  stream.writeRtp(1, rtpPacket(50, 2000, new Uint8Array([1]), 1, 97)); // the audio of a later read
  await turnEnd();
  assert.equal(tcp.bursts.length + udp.runs.length, 0, "held: nothing at the end of the turns");
  clock.advance(1);
  assert.equal(tcp.bursts.length, 1, "one burst for the video and the audio");
  assert.deepEqual(tcp.received(), [[0, 10], [2, 50]]);
  assert.deepEqual(udp.runs.map(([i, ps]) => [i, ps.length]), [[0, 1], [1, 1]], "one run per media, at once");
  stream.writeRtp(0, rtpPacket(11, 4000, slice));
  clock.advance(1);
  assert.equal(tcp.bursts.length, 2, "the hold starts again with the next packet");
});
