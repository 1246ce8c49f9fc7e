/**
 * Micro-benchmark of a TCP publisher's packets from the RTSP framer into the stream, with the
 * framer's interleaved payloads copied (its default) or handed out as views (`payloadViews`, what
 * the server uses: the stream copies each packet anyway). Prints ns per packet, best and median
 * of 15 rounds, three times each, alternating.
 *
 * Usage: `deno run scripts/bench/framer_copy.ts [payloadBytes=1400] [readers=1]`
 *
 * @module
 */
import { RtspFramer } from "../../src/wire/rtsp/mod.ts";
import { Stream } from "../../src/core/stream.ts";
import { parseSdp } from "../../src/wire/sdp/mod.ts";

const SDP = parseSdp(
  "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=x\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n",
);
const PAYLOAD = Number(Deno.args[0] ?? 1400);
const READERS = Number(Deno.args[1] ?? 1);

/** 64 reads of 64 KiB, each holding as many interleaved RTP frames as fit. */
function socketReads(): Uint8Array[] {
  const size = 4 + 12 + PAYLOAD;
  const reads: Uint8Array[] = [];
  let seq = 0;
  for (let r = 0; r < 64; r++) {
    const buf = new Uint8Array(65536);
    let o = 0;
    for (; o + size <= buf.length; o += size, seq = (seq + 1) & 0xffff) {
      buf.set([0x24, 0, (12 + PAYLOAD) >> 8, (12 + PAYLOAD) & 0xff, 0x80, 96, seq >> 8, seq & 0xff], o);
      buf[o + 16] = 0x41;
    }
    reads.push(buf.subarray(0, o));
  }
  return reads;
}

const reads = socketReads();

function relay(framer: RtspFramer, stream: Stream): number {
  let packets = 0;
  for (const chunk of reads) {
    framer.push(chunk);
    for (let f = framer.next(); f !== undefined; f = framer.next()) {
      if (f.kind !== "interleaved") continue;
      stream.writeRtp(0, f.payload);
      packets++;
    }
  }
  return packets;
}

function measure(name: string, payloadViews: boolean): void {
  const stream = new Stream(SDP.medias, "x", { gopCache: false });
  for (let r = 0; r < READERS; r++) stream.attach({ writeRtp() {}, closeByPath() {} }, [0]);
  const framer = new RtspFramer(undefined, { payloadViews });
  for (let i = 0; i < 5; i++) relay(framer, stream); // warm-up
  const perPacket: number[] = [];
  for (let round = 0; round < 15; round++) {
    const t0 = performance.now();
    let n = 0;
    for (let i = 0; i < 5; i++) n += relay(framer, stream);
    perPacket.push(((performance.now() - t0) * 1e6) / n);
  }
  perPacket.sort((a, b) => a - b);
  console.log(`${name}: ${perPacket[0].toFixed(0)} ns/packet best, ${perPacket[7].toFixed(0)} median`);
}

for (let i = 0; i < 3; i++) {
  measure("payload copied (framer default)", false);
  measure("payload view (payloadViews)    ", true);
}
