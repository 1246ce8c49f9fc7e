import assert from "node:assert/strict";
import { SrtpContext } from "../../../../src/wire/srtp/srtp_context.ts";
import { SrtpError } from "../../../../src/wire/srtp/srtp_error.ts";
import { prng, randInt } from "../../../_helpers/fuzz.ts";
import { RFC_MASTER, rtcpSr, rtp } from "./_helpers.ts";

function randomBytes(rand: () => number, max: number): Uint8Array {
  return Uint8Array.from({ length: randInt(rand, max) }, () => randInt(rand, 256));
}

function onlySrtpErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof SrtpError)) throw e;
  }
}

Deno.test("fuzz: decryptRtp/decryptRtcp of random bytes throw only SrtpError and never succeed", () => {
  const rand = prng(0x5a7);
  const ctx = new SrtpContext(RFC_MASTER);
  for (let i = 0; i < 20_000; i++) {
    const bytes = randomBytes(rand, 120);
    if (rand() < 0.5 && bytes.length > 0) bytes[0] = (bytes[0] & 0x3f) | 0x80;
    assert.throws(() => ctx.decryptRtp(bytes), SrtpError);
    assert.throws(() => ctx.decryptRtcp(bytes), SrtpError);
  }
});

Deno.test("fuzz: mutated and truncated SRTP/SRTCP packets throw only SrtpError", () => {
  const rand = prng(77);
  const sender = new SrtpContext(RFC_MASTER);
  const receiver = new SrtpContext(RFC_MASTER);
  for (let i = 0; i < 5_000; i++) {
    const plain = rtp({
      seq: randInt(rand, 65_536),
      ssrc: randInt(rand, 4),
      csrcs: Array.from({ length: randInt(rand, 3) }, () => randInt(rand, 1000)),
      extension: rand() < 0.3 ? new Uint8Array(4 * randInt(rand, 3)) : undefined,
      payload: randomBytes(rand, 300),
    });
    const packets = [sender.encryptRtp(plain), sender.encryptRtcp(rtcpSr(randInt(rand, 4), i))];
    for (const [kind, packet] of packets.entries()) {
      const mutated = packet.slice(0, rand() < 0.3 ? randInt(rand, packet.length + 1) : packet.length);
      for (let flips = randInt(rand, 3); flips > 0 && mutated.length > 0; flips--) {
        mutated[randInt(rand, mutated.length)] ^= 1 << randInt(rand, 8);
      }
      onlySrtpErrors(() => kind === 0 ? receiver.decryptRtp(mutated) : receiver.decryptRtcp(mutated));
    }
  }
});
