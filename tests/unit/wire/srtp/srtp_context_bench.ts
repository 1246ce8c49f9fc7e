/**
 * Micro-benchmark of the SRTP hot path: `deno bench tests/unit/wire/srtp/`.
 * The figures quoted in src/wire/srtp/srtp_context.ts come from this file.
 */
import { createCipheriv, createHmac } from "node:crypto";
import { SrtpContext } from "../../../../src/wire/srtp/srtp_context.ts";
import { RFC_MASTER, rtcpSr, rtp } from "./_helpers.ts";

const PAYLOAD = Uint8Array.from({ length: 1400 }, (_, i) => (i * 13) & 0xff);
const BATCH = 4096;

const sender = new SrtpContext(RFC_MASTER);
const plain = Array.from({ length: BATCH }, (_, i) => rtp({ seq: i, payload: PAYLOAD }));
let seq = 0;
Deno.bench("encryptRtp, 1400-byte payload", { group: "rtp", baseline: true }, () => {
  sender.encryptRtp(plain[seq++ % BATCH]);
});

const source = new SrtpContext(RFC_MASTER);
const batch = Array.from({ length: BATCH }, (_, i) => source.encryptRtp(rtp({ seq: i, payload: PAYLOAD })));
let receiver = new SrtpContext(RFC_MASTER);
let next = 0;
Deno.bench("decryptRtp, 1400-byte payload", { group: "rtp" }, () => {
  if (next === BATCH) {
    receiver = new SrtpContext(RFC_MASTER); // replay protection: a fresh receiver per batch
    next = 0;
  }
  receiver.decryptRtp(batch[next++]);
});

const key = RFC_MASTER.subarray(0, 16);
const iv = new Uint8Array(16);
Deno.bench("naive: createCipheriv(aes-128-ctr) + createHmac per packet", { group: "rtp" }, () => {
  const packet = plain[seq++ % BATCH];
  const out = new Uint8Array(packet.length + 10);
  out.set(packet.subarray(0, 12));
  out.set(createCipheriv("aes-128-ctr", key, iv).update(packet.subarray(12)), 12);
  out.set(
    createHmac("sha1", key).update(out.subarray(0, packet.length)).digest().subarray(0, 10),
    packet.length,
  );
});

const rtcpSender = new SrtpContext(RFC_MASTER);
const report = rtcpSr(1, 1);
Deno.bench("encryptRtcp, SR + SDES", () => {
  rtcpSender.encryptRtcp(report);
});
