import assert from "node:assert/strict";
import {
  buildCompound,
  buildReceiverReport,
  buildSdesCname,
  parseBye,
  parseRtcpCompound,
  parseSdes,
} from "../../../../src/wire/rtcp/mod.ts";
import { fuzzLoop, prng } from "../../../_helpers/fuzz.ts";

function check(buf: Uint8Array): void {
  try {
    for (const p of parseRtcpCompound(buf)) {
      if (p.type === "sdes") parseSdes(p.raw);
      if (p.type === "bye") parseBye(p.raw);
      if (p.type === "sr") assert.ok(p.sr.ntpTime >= 0n && p.sr.ntpTime < 2n ** 64n);
    }
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
  }
}

Deno.test("fuzz: parseRtcpCompound() and the SDES/BYE parsers throw only RangeError", () => {
  fuzzLoop({
    corpus: "rtcp_compound",
    seed: 0xbeef,
    iterations: 20_000,
    generate: (rand) => {
      const buf = Uint8Array.from({ length: Math.floor(rand() * 80) }, () => Math.floor(rand() * 256));
      if (buf.length > 1 && rand() < 0.8) {
        buf[0] = (buf[0] & 0x3f) | 0x80;
        buf[1] = 200 + Math.floor(rand() * 6);
        if (buf.length > 3 && rand() < 0.6) {
          buf[2] = 0;
          buf[3] = Math.floor(rand() * (buf.length / 4));
        }
      }
      return buf;
    },
    check,
  });
});

Deno.test("fuzz: bit flips in a valid compound packet throw only RangeError", () => {
  const rand = prng(3);
  const valid = buildCompound(
    buildReceiverReport({
      ssrc: 1,
      reports: [{
        ssrc: 2,
        fractionLost: 3,
        cumulativeLost: 4,
        highestSequence: 5,
        jitter: 6,
        lastSr: 7,
        delaySinceLastSr: 8,
      }],
    }),
    buildSdesCname(1, "reader@example"),
  );
  for (let i = 0; i < 10_000; i++) {
    const buf = valid.slice();
    for (let n = 0; n < 1 + Math.floor(rand() * 3); n++) {
      buf[Math.floor(rand() * buf.length)] ^= 1 << Math.floor(rand() * 8);
    }
    check(buf);
  }
});
