import assert from "node:assert/strict";
import { Stream } from "../../../src/core/stream.ts";
import { parseSdp } from "../../../src/wire/sdp/mod.ts";
import type { OutboundPacket } from "../../../src/core/outbound_packet.ts";
import type { ReaderSink } from "../../../src/server/stream_port.ts";
import { rtpPacket } from "../../integration/_raw_rtsp.ts";
import { SrtpContext } from "../../../src/wire/srtp/mod.ts";
import type { MikeyMessage } from "../../../src/wire/mikey/mod.ts";

const SDP = parseSdp(
  "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=x\r\nt=0 0\r\n" +
    "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:streamid=0\r\n" +
    "m=audio 0 RTP/AVP 97\r\na=rtpmap:97 opus/48000/2\r\na=control:streamid=1\r\n",
);

class Collect implements ReaderSink {
  packets: [number, OutboundPacket][] = [];
  closed: string | undefined;
  writeRtp(i: number, p: OutboundPacket) {
    this.packets.push([i, p]);
  }
  closeByPath(reason: string) {
    this.closed = reason;
  }
}

const idr = new Uint8Array([0x65, 0x88, 0x84]); // NAL type 5
const slice = new Uint8Array([0x41, 0x9a, 0x02]); // NAL type 1
const seqOf = (p: OutboundPacket) => (p.data[2] << 8) | p.data[3];

Deno.test("stream: SSRC rewritten once, the same buffer shared by every reader", () => {
  const stream = new Stream(SDP.medias, "x", { gopCache: false });
  const a = new Collect();
  const b = new Collect();
  stream.attach(a, [0, 1]);
  stream.attach(b, [0]);
  const input = rtpPacket(10, 1000, slice, 0xdeadbeef);
  stream.writeRtp(0, input);
  stream.writeRtp(1, rtpPacket(20, 2000, new Uint8Array([1]), 0xdeadbeef, 97));
  assert.equal(a.packets.length, 2);
  assert.equal(b.packets.length, 1, "b only set up media 0");
  assert.equal(a.packets[0][1], b.packets[0][1], "one OutboundPacket for all readers");
  const view = new DataView(a.packets[0][1].data.buffer, a.packets[0][1].data.byteOffset);
  assert.equal(view.getUint32(8), stream.medias[0].ssrc);
  assert.notEqual(stream.medias[0].ssrc, stream.medias[1].ssrc);
  assert.equal(new DataView(input.buffer).getUint32(8), 0xdeadbeef, "the publisher's buffer is not modified");
});

Deno.test("stream: a late reader first gets the cached GOP, starting at the last keyframe", () => {
  const stream = new Stream(SDP.medias, undefined, { gopCache: true });
  stream.writeRtp(0, rtpPacket(1, 0, slice)); // before any keyframe: not cached
  stream.writeRtp(0, rtpPacket(2, 3000, idr));
  stream.writeRtp(1, rtpPacket(50, 100, new Uint8Array([1]), 1, 97));
  stream.writeRtp(0, rtpPacket(3, 6000, slice));
  stream.writeRtp(0, rtpPacket(4, 9000, idr)); // a new GOP starts
  stream.writeRtp(0, rtpPacket(5, 12000, slice));
  const late = new Collect();
  const starts = stream.attach(late, [0, 1]);
  assert.deepEqual(late.packets.map(([i, p]) => [i, seqOf(p)]), [[0, 4], [0, 5]]);
  assert.deepEqual(starts[0], { seq: 4, rtptime: 9000 }, "RTP-Info points at the first cached packet");
  stream.writeRtp(0, rtpPacket(6, 15000, slice));
  assert.deepEqual(late.packets.map(([, p]) => seqOf(p)), [4, 5, 6], "then live packets");
});

Deno.test("stream: without a GOP cache a reader starts with the next packet", () => {
  const stream = new Stream(SDP.medias, undefined, { gopCache: false });
  stream.writeRtp(0, rtpPacket(2, 3000, idr));
  const r = new Collect();
  const starts = stream.attach(r, [0]);
  assert.equal(r.packets.length, 0);
  assert.equal(starts[0]!.seq, 3);
  assert.equal(starts[1], undefined, "nothing sent yet on media 1");
});

Deno.test("stream: detach and close stop delivery", () => {
  const stream = new Stream(SDP.medias, undefined, { gopCache: false });
  const r = new Collect();
  stream.attach(r, [0]);
  stream.detach(r);
  stream.writeRtp(0, rtpPacket(1, 0, slice));
  assert.equal(r.packets.length, 0);
  stream.attach(r, [0]);
  stream.close();
  stream.writeRtp(0, rtpPacket(2, 0, slice));
  assert.equal(r.packets.length, 0);
  assert.ok(stream.closed);
});

Deno.test("stream: packets shorter than an RTP header or for unknown medias are ignored", () => {
  const stream = new Stream(SDP.medias, undefined, { gopCache: true });
  const r = new Collect();
  stream.attach(r, [0, 1]);
  stream.writeRtp(0, new Uint8Array(5));
  stream.writeRtp(7, rtpPacket(1, 0, slice));
  assert.equal(r.packets.length, 0);
});

/** Counts the SRTP encryptions made while `fn` runs (a spy on every context). */
function countEncryptions(fn: () => void): number {
  const original = SrtpContext.prototype.encryptRtpAt;
  let calls = 0;
  SrtpContext.prototype.encryptRtpAt = function (this: SrtpContext, ...args) {
    calls++;
    return original.apply(this, args);
  };
  try {
    fn();
  } finally {
    SrtpContext.prototype.encryptRtpAt = original;
  }
  return calls;
}

/** A reader's decrypting context, keyed as a client is by the MIKEY message (key, SSRC, ROC). */
function receiverOf(mikey: MikeyMessage): SrtpContext {
  const ctx = new SrtpContext(mikey.key);
  for (const s of mikey.srtpStreams) ctx.setRoc(s.ssrc, s.roc);
  return ctx;
}

const payloadOf = (seq: number) => Uint8Array.from({ length: 40 }, (_, i) => (seq + i) & 0xff);

Deno.test("stream/srtp: one encryption per packet for every SRTP reader; plain readers get plaintext", () => {
  const stream = new Stream(SDP.medias, undefined, { gopCache: false });
  const secure = [new Collect(), new Collect(), new Collect(), new Collect()];
  const plainTcp = new Collect();
  const plainUdp = new Collect();
  for (const r of secure) stream.attach(r, [0], { udpCopy: true, secure: true });
  stream.attach(plainTcp, [0]);
  stream.attach(plainUdp, [0], { udpCopy: true });
  const receiver = receiverOf(stream.medias[0].srtpMikey());
  const calls = countEncryptions(() => {
    for (let seq = 100; seq < 110; seq++) stream.writeRtp(0, rtpPacket(seq, seq * 3000, payloadOf(seq)));
  });
  assert.equal(calls, 10, "10 packets, 4 SRTP readers: 10 encryptions");
  for (const r of secure) {
    assert.equal(r.packets.length, 10);
    r.packets.forEach(([, p], i) => assert.equal(p, secure[0].packets[i][1], "one buffer shared by all"));
  }
  for (const [i, [, p]] of secure[0].packets.entries()) {
    assert.equal(p.byteLength, plainTcp.packets[i][1].byteLength + 10, "the 10-byte SRTP tag");
    assert.notDeepEqual(p.data.subarray(12, 52), payloadOf(100 + i), "payload encrypted");
    assert.deepEqual(
      receiver.decryptRtp(p.data),
      plainTcp.packets[i][1].data,
      "decrypts to the plain packet",
    );
  }
  for (const r of [plainTcp, plainUdp]) {
    assert.deepEqual(
      r.packets.map(([, p]) => p.data.subarray(12)),
      secure[0].packets.map((_, i) => payloadOf(100 + i)),
    );
  }
  assert.equal(
    plainUdp.packets[0][1],
    plainTcp.packets[0][1],
    "nothing split: plain readers share the original",
  );
});

Deno.test("stream/srtp: the ROC follows the sequence wrap, a packet reordered across it keeps its cycle", () => {
  const stream = new Stream(SDP.medias, undefined, { gopCache: false });
  stream.writeRtp(0, rtpPacket(0xfff0, 0, payloadOf(0))); // before any SRTP reader
  const r = new Collect();
  stream.attach(r, [0], { udpCopy: true, secure: true });
  const receiver = receiverOf(stream.medias[0].srtpMikey());
  assert.equal(stream.medias[0].srtpMikey().srtpStreams[0].roc, 0);
  // 0xfffe arrives after 0 (reordered across the wrap): it belongs to cycle 0, not 1.
  const seqs = [0xfffd, 0xffff, 0, 0xfffe, 1, 2];
  for (const seq of seqs) stream.writeRtp(0, rtpPacket(seq, seq, payloadOf(seq)));
  assert.deepEqual(r.packets.map(([, p]) => seqOf(p)), seqs);
  const plain = r.packets.map(([, p]) => receiver.decryptRtp(p.data));
  assert.deepEqual(plain.map((p) => p.subarray(12)), seqs.map(payloadOf), "each decrypts under its own ROC");
  assert.equal(stream.medias[0].highestIndex, 0x10002);
  assert.equal(stream.medias[0].srtpMikey().srtpStreams[0].roc, 1, "a late joiner is told cycle 1");
  const late = new Collect();
  stream.attach(late, [0], { udpCopy: true, secure: true });
  stream.writeRtp(0, rtpPacket(3, 3, payloadOf(3)));
  const lateReceiver = receiverOf(stream.medias[0].srtpMikey());
  assert.deepEqual(lateReceiver.decryptRtp(late.packets[0][1].data).subarray(12), payloadOf(3));
});

Deno.test("stream/srtp: the copy split for udpMaxPayloadSize is encrypted once, fragment by fragment", () => {
  const stream = new Stream(SDP.medias, undefined, { gopCache: false, udpMaxPacketSize: 1000 });
  const a = new Collect();
  const b = new Collect();
  const tcp = new Collect();
  stream.attach(a, [0], { secure: true });
  stream.attach(b, [0], { udpCopy: true, secure: true });
  stream.attach(tcp, [0]);
  const receiver = receiverOf(stream.medias[0].srtpMikey());
  const bigIdr = Uint8Array.from({ length: 2500 }, (_, i) => (i === 0 ? 0x65 : i & 0xff));
  const calls = countEncryptions(() => {
    stream.writeRtp(0, rtpPacket(0xffff, 0, bigIdr)); // 3 fragments, numbered 0xffff, 0, 1
    stream.writeRtp(0, rtpPacket(0, 3000, slice)); // numbered 2 in the copy
  });
  assert.equal(calls, 4, "3 fragments + 1 packet, whatever the number of SRTP readers");
  assert.deepEqual(a.packets.map(([, p]) => seqOf(p)), [0xffff, 0, 1, 2]);
  assert.deepEqual(a.packets.map(([, p]) => p), b.packets.map(([, p]) => p), "shared by both readers");
  assert.ok(a.packets.every(([, p]) => p.byteLength <= 1000 + 10));
  const fragments = a.packets.map(([, p]) => receiver.decryptRtp(p.data));
  assert.equal(fragments[0][12] & 0x1f, 28, "FU-A fragments, decrypted across the copy's own wrap");
  assert.deepEqual(fragments[3].subarray(12), slice);
  assert.deepEqual(tcp.packets.map(([, p]) => p.byteLength), [2512, 15], "TCP plain readers: originals");
  assert.equal(stream.medias[0].srtpMikey().srtpStreams[0].roc, 1, "MIKEY announces the copy's ROC");
});

Deno.test("stream/srtp: a replayed GOP reaches an SRTP reader in the SRTP form live readers got", () => {
  const stream = new Stream(SDP.medias, undefined, { gopCache: true });
  const early = new Collect();
  stream.attach(early, [0], { secure: true });
  stream.writeRtp(0, rtpPacket(0xffff, 0, idr));
  stream.writeRtp(0, rtpPacket(0, 3000, slice));
  const late = new Collect();
  const calls = countEncryptions(() => stream.attach(late, [0], { secure: true }));
  assert.equal(calls, 0, "already encrypted");
  assert.deepEqual(late.packets.map(([, p]) => p), early.packets.map(([, p]) => p));
});
