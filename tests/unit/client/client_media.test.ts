/** Receiver Reports built from what a UDP media received (RFC 3550 §6.4.2, §A.3). */
import assert from "node:assert/strict";
import { ClientMedia, natPunchRtp } from "../../../src/client/client_media.ts";
import { ntpFromUnixMs, ntpMiddle32 } from "../../../src/wire/ntp.ts";
import { buildSenderReport, parseRtcpCompound } from "../../../src/wire/rtcp/packet.ts";
import { buildRtpPacket, parseRtpHeader } from "../../../src/wire/rtp/packet.ts";
import { parseSdp } from "../../../src/wire/sdp/parse.ts";

const MEDIA = parseSdp("v=0\r\ns=x\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n").medias[0];

function rtp(seq: number, ssrc = 0xabcdef01): Uint8Array {
  return buildRtpPacket({
    marker: false,
    payloadType: 96,
    sequenceNumber: seq,
    timestamp: seq * 3000,
    ssrc,
    payload: Uint8Array.of(1, 2, 3),
  });
}

function media(): ClientMedia {
  return new ClientMedia(0, MEDIA, "rtsp://h/p/trackID=0", { channels: [0, 1] });
}

Deno.test("receiverReport: empty RR + SDES before any packet", () => {
  const m = media();
  const packets = parseRtcpCompound(m.receiverReport());
  assert.equal(packets.length, 2);
  assert.ok(packets[0].type === "rr");
  assert.equal(packets[0].rr.ssrc, m.localSsrc);
  assert.deepEqual(packets[0].rr.reports, []);
  assert.equal(packets[1].type, "sdes", "RFC 3550 §6.1: CNAME in every compound packet");
});

Deno.test("receiverReport: loss, extended highest sequence across the wrap, LSR from the last SR", () => {
  const m = media();
  // 65534, 65535, 0, (1 lost), 2 → 5 expected, 4 received.
  for (const seq of [65534, 65535, 0, 2]) m.countRtp(rtp(seq));
  const ntp = ntpFromUnixMs(Date.now());
  m.countRtcp(
    buildSenderReport({
      ssrc: 0xabcdef01,
      ntpTime: ntp,
      rtpTime: 0,
      packetCount: 4,
      octetCount: 12,
      reports: [],
    }),
  );
  assert.equal(m.udpPackets, 5);
  const [rr] = parseRtcpCompound(m.receiverReport());
  assert.ok(rr.type === "rr");
  const block = rr.rr.reports[0];
  assert.equal(block.ssrc, 0xabcdef01);
  assert.equal(block.highestSequence, 0x1_0002);
  assert.equal(block.cumulativeLost, 1);
  assert.equal(block.fractionLost, Math.floor(256 / 5));
  assert.equal(block.lastSr, ntpMiddle32(ntp));
  // The next interval starts from here: nothing new, nothing lost.
  const [again] = parseRtcpCompound(m.receiverReport());
  assert.ok(again.type === "rr");
  assert.equal(again.rr.reports[0].fractionLost, 0);
});

Deno.test("receiverReport: a new sender SSRC restarts the statistics", () => {
  const m = media();
  for (const seq of [10, 11, 12]) m.countRtp(rtp(seq));
  for (const seq of [500, 501]) m.countRtp(rtp(seq, 0x1234));
  const [rr] = parseRtcpCompound(m.receiverReport());
  assert.ok(rr.type === "rr");
  assert.equal(rr.rr.reports[0].ssrc, 0x1234);
  assert.equal(rr.rr.reports[0].highestSequence, 501);
  assert.equal(rr.rr.reports[0].cumulativeLost, 0);
});

Deno.test("natPunchRtp is a valid RTP header with no payload", () => {
  const h = parseRtpHeader(natPunchRtp(0x01020304));
  assert.equal(h.version, 2);
  assert.equal(h.ssrc, 0x01020304);
  assert.equal(h.payloadLength, 0);
});
