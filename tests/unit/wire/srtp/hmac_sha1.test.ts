import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { HmacSha1 } from "../../../../src/wire/srtp/_hmac_sha1.ts";
import { prng, randInt } from "../../../_helpers/fuzz.ts";
import { fromHex, toHex } from "./_helpers.ts";

const text = (s: string) => new TextEncoder().encode(s);

Deno.test("HmacSha1: RFC 2202 test cases 1 and 2", () => {
  assert.equal(
    toHex(new HmacSha1(new Uint8Array(20).fill(0x0b)).digest(text("Hi There"))),
    "B617318655057264E28BC0B6FB378C8EF146BE00",
  );
  assert.equal(
    toHex(new HmacSha1(text("Jefe")).digest(text("what do ya "), text("want for nothing?"))),
    "EFFCDF6AE5EB2FA2D27416D5F184DF9C259A7C79",
  );
});

Deno.test("HmacSha1: sign/verify agree with node:crypto createHmac on random keys and messages", () => {
  const rand = prng(2202);
  for (let i = 0; i < 300; i++) {
    const key = Uint8Array.from({ length: 1 + randInt(rand, 64) }, () => randInt(rand, 256));
    const message = Uint8Array.from({ length: randInt(rand, 3000) }, () => randInt(rand, 256));
    const trailer = Uint8Array.from({ length: 4 }, () => randInt(rand, 256));
    const expected = createHmac("sha1", key).update(message).update(trailer).digest();
    const hmac = new HmacSha1(key);
    const out = new Uint8Array(12);
    hmac.sign(message, trailer, out, 2, 10);
    assert.equal(toHex(out.subarray(2)), toHex(expected.subarray(0, 10)));
    assert.ok(hmac.verify(message, trailer, expected.subarray(0, 10)));
    assert.ok(hmac.verify(message, trailer, expected.subarray(0, 4)));
    const wrong = expected.slice(0, 10);
    wrong[randInt(rand, 10)] ^= 1 << randInt(rand, 8);
    assert.ok(!hmac.verify(message, trailer, wrong));
  }
  assert.throws(() => new HmacSha1(new Uint8Array(65)), RangeError);
  assert.deepEqual(new HmacSha1(fromHex("00")).digest(new Uint8Array(0)).length, 20);
});
