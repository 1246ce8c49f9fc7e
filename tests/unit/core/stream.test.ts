import assert from "node:assert/strict";
import { Stream } from "../../../src/core/stream.ts";
import { parseSdp } from "../../../src/wire/sdp/mod.ts";
import type { OutboundPacket } from "../../../src/core/outbound_packet.ts";
import type { ReaderSink } from "../../../src/server/stream_port.ts";
import { rtpPacket } from "../../integration/_raw_rtsp.ts";

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
