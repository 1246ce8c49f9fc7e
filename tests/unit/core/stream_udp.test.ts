import assert from "node:assert/strict";
import { Stream } from "../../../src/core/stream.ts";
import { parseSdp } from "../../../src/wire/sdp/mod.ts";
import { Logger } from "../../../src/log/logger.ts";
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
  writeRtp(i: number, p: OutboundPacket) {
    this.packets.push([i, p]);
  }
  closeByPath() {}
  seqs(media = 0) {
    return this.packets.filter(([i]) => i === media).map(([, p]) => (p.data[2] << 8) | p.data[3]);
  }
}

/** A NAL unit of `size` bytes. */
const nal = (type: number, size: number) =>
  Uint8Array.from({ length: size }, (_, i) => (i === 0 ? type : i & 0xff));
const small = nal(0x41, 100);
const big = nal(0x65, 4000);

function newStream(logs: string[] = [], gopCache = false): Stream {
  return new Stream(SDP.medias, "x", {
    gopCache,
    udpMaxPacketSize: 1452,
    log: new Logger("info", (l) => logs.push(l)),
  });
}

Deno.test("stream/udp: an oversized packet is split once for all UDP readers; TCP readers get the original", () => {
  const logs: string[] = [];
  const stream = newStream(logs);
  const tcp = new Collect();
  const udpA = new Collect();
  const udpB = new Collect();
  stream.attach(tcp, [0]);
  stream.attach(udpA, [0], { udpCopy: true });
  stream.attach(udpB, [0], { udpCopy: true });
  stream.writeRtp(0, rtpPacket(100, 3000, small));
  assert.equal(udpA.packets[0][1], tcp.packets[0][1], "before any split, UDP readers share the original");
  stream.writeRtp(0, rtpPacket(101, 6000, big));
  stream.writeRtp(0, rtpPacket(102, 9000, small));
  assert.deepEqual(tcp.seqs(), [100, 101, 102]);
  assert.equal(tcp.packets[1][1].byteLength, 4012, "TCP: the original packet");
  assert.deepEqual(udpA.seqs(), [100, 101, 102, 103, 104], "UDP: its own continuous numbering");
  assert.ok(udpA.packets.every(([, p]) => p.byteLength <= 1452));
  for (let i = 0; i < udpA.packets.length; i++) {
    assert.equal(udpA.packets[i][1], udpB.packets[i][1], "shared");
  }
  const marks = udpA.packets.map(([, p]) => (p.data[1] & 0x80) !== 0);
  assert.deepEqual(marks, [true, false, false, true, true], "the marker moves to the last fragment");
  const ts = udpA.packets.map(([, p]) => new DataView(p.data.buffer, p.data.byteOffset).getUint32(4));
  assert.deepEqual(ts, [3000, 6000, 6000, 6000, 9000], "timestamps untouched");
  assert.equal(logs.filter((l) => l.includes("too big for UDP (4012 > 1452), splitting")).length, 1);
  stream.writeRtp(0, rtpPacket(103, 12000, big));
  assert.equal(logs.filter((l) => l.includes("splitting")).length, 1, "warned once");
});

Deno.test("stream/udp: no UDP reader, no work: packets are not split", () => {
  const logs: string[] = [];
  const stream = newStream(logs);
  const tcp = new Collect();
  stream.attach(tcp, [0]);
  stream.writeRtp(0, rtpPacket(1, 0, big));
  assert.equal(logs.length, 0);
  assert.equal(stream.medias[0].udp.diverged, false);
});

Deno.test("stream/udp: a codec that cannot be split is not sent to UDP readers, with one warning", () => {
  const logs: string[] = [];
  const stream = newStream(logs);
  const tcp = new Collect();
  const udp = new Collect();
  stream.attach(tcp, [1]);
  stream.attach(udp, [1], { udpCopy: true });
  stream.writeRtp(1, rtpPacket(1, 0, new Uint8Array(2000), 1, 97));
  stream.writeRtp(1, rtpPacket(2, 960, new Uint8Array(20), 1, 97));
  stream.writeRtp(1, rtpPacket(3, 1920, new Uint8Array(2000), 1, 97));
  assert.deepEqual(tcp.seqs(1), [1, 2, 3]);
  assert.deepEqual(udp.seqs(1), [2], "UDP readers see the gap");
  const warnings = logs.filter((l) =>
    l.includes("OPUS RTP packets are too big for UDP (2012 > 1452) and cannot be split")
  );
  assert.equal(warnings.length, 1);
});

Deno.test("stream/udp: a UDP reader joining later starts at the copy's numbering, GOP replay split and contiguous", () => {
  const stream = newStream([], true);
  const early = new Collect();
  stream.attach(early, [0], { udpCopy: true });
  stream.writeRtp(0, rtpPacket(10, 0, big)); // IDR in 3 fragments: copy = orig + 2 afterwards
  stream.writeRtp(0, rtpPacket(11, 3000, small));
  assert.deepEqual(early.seqs(), [10, 11, 12, 13]);
  const late = new Collect();
  const starts = stream.attach(late, [0], { udpCopy: true });
  // The cached GOP (the IDR and the slice) is replayed split, ending right before the next live packet.
  assert.deepEqual(late.seqs(), [10, 11, 12, 13]);
  assert.equal(starts[0]?.seq, 10, "RTP-Info points at the first replayed packet");
  assert.ok(late.packets.every(([, p]) => p.byteLength <= 1452));
  const tcp = new Collect();
  const tcpStarts = stream.attach(tcp, [0]);
  assert.deepEqual(tcp.seqs(), [10, 11], "TCP readers replay the originals");
  assert.equal(tcpStarts[0]?.seq, 10);
  stream.writeRtp(0, rtpPacket(12, 6000, small));
  assert.deepEqual(late.seqs().slice(-2), [13, 14], "live continues the replay");
  assert.deepEqual(early.seqs().slice(-1), [14]);
  assert.deepEqual(tcp.seqs().slice(-1), [12]);
  // Without a GOP to replay, a UDP reader's RTP-Info start is the copy's next number.
  const noGop = newStream();
  const u = new Collect();
  noGop.attach(u, [0], { udpCopy: true });
  noGop.writeRtp(0, rtpPacket(50, 0, big));
  assert.equal(noGop.attach(new Collect(), [0], { udpCopy: true })[0]?.seq, 53);
  assert.equal(noGop.attach(new Collect(), [0])[0]?.seq, 51);
  // SRTP readers do not get a re-numbered replay (SRTP indexes must never carry other plaintext).
  const secure = new Collect();
  stream.attach(secure, [0], { udpCopy: true, secure: true });
  assert.equal(secure.packets.length, 0);
});

Deno.test("stream/udp: the copy's rollover counter follows its own numbering across 65535", () => {
  const stream = newStream();
  const udp = new Collect();
  stream.attach(udp, [0], { udpCopy: true });
  stream.writeRtp(0, rtpPacket(0xfffe, 0, big));
  stream.writeRtp(0, rtpPacket(0xffff, 3000, small));
  stream.writeRtp(0, rtpPacket(0, 6000, small));
  assert.deepEqual(udp.seqs(), [0xfffe, 0xffff, 0, 1, 2]);
  const rocs = udp.packets.map(([, p]) => p.roc);
  assert.deepEqual(rocs, [0, 0, 1, 1, 1]);
  // SRTP: each copy packet is encrypted once with its own ROC, shared by every SAVP reader.
  const m = stream.medias[0];
  const enc = m.secure(udp.packets[2][1]);
  assert.equal(m.secure(udp.packets[2][1]), enc);
  assert.equal(enc.byteLength, udp.packets[2][1].byteLength + 10, "SRTP adds its 10-byte tag");
});
