import assert from "node:assert/strict";
import { ntpFromUnixMs, ntpMiddle32, unixMsFromNtp } from "../../../src/wire/ntp.ts";

Deno.test("ntpFromUnixMs() maps the Unix epoch to 2208988800 NTP seconds (RFC 5905 §6)", () => {
  assert.equal(ntpFromUnixMs(0), 0x83aa7e80_00000000n);
  assert.equal(unixMsFromNtp(0x83aa7e80_00000000n), 0);
});

Deno.test("ntpFromUnixMs() encodes the fraction in 1/2^32 s", () => {
  assert.equal(ntpFromUnixMs(500), 0x83aa7e80_80000000n);
  assert.equal(ntpFromUnixMs(250), 0x83aa7e80_40000000n);
  assert.equal(ntpFromUnixMs(1_700_000_000_123) >> 32n, BigInt(1_700_000_000 + 2_208_988_800));
});

Deno.test("ntp round-trips to within a microsecond", () => {
  for (const ms of [0, 1, 999.5, 1_700_000_000_123.25, 2_085_978_495_999, 4_000_000_000_000]) {
    assert.ok(Math.abs(unixMsFromNtp(ntpFromUnixMs(ms)) - ms) < 0.001, `${ms}`);
  }
});

Deno.test("ntp handles era 1: 2036-02-07T06:28:16Z wraps the seconds field to 0 (RFC 4330 §3)", () => {
  const wrapMs = Date.UTC(2036, 1, 7, 6, 28, 16);
  assert.equal(ntpFromUnixMs(wrapMs), 0n);
  assert.equal(unixMsFromNtp(0n), wrapMs);
  assert.equal(unixMsFromNtp(ntpFromUnixMs(wrapMs + 1500)), wrapMs + 1500);
});

Deno.test("ntpMiddle32() takes the low 16 bits of seconds and the high 16 bits of fraction", () => {
  assert.equal(ntpMiddle32(0xe8a1b2c3_80000000n), 0xb2c38000);
  assert.equal(ntpMiddle32(0xffffffff_ffffffffn), 0xffffffff);
  assert.equal(ntpMiddle32(0n), 0);
});

Deno.test("ntpFromUnixMs() rejects non-finite input", () => {
  assert.throws(() => ntpFromUnixMs(NaN), RangeError);
  assert.throws(() => ntpFromUnixMs(Infinity), RangeError);
});
