import assert from "node:assert/strict";
import { buildMikey } from "../../../../src/wire/mikey/build.ts";
import { parseMikey } from "../../../../src/wire/mikey/parse.ts";
import { DEFAULT_SRTP_POLICY } from "../../../../src/wire/mikey/srtp_policy.ts";
import { fromHex, sampleMessage, toHex } from "./_helpers.ts";

Deno.test("buildMikey: exactly the layout gortsplib sends (RFC 3830 §3.1), byte by byte", () => {
  const expected = fromHex(`
    01 00 05 00 11223344 01 00            HDR: v1, PSK init, next T, V0/PRF0, CSB ID, #CS 1, SRTP-ID
    00 decafbad 00000007                  CS: policy 0, SSRC, ROC 7
    0b 00 eb1f040000000000                T: next RAND, NTP-UTC, 2025-01-01
    0a 10 a0a1a2a3a4a5a6a7a8a9aaabacadaeaf RAND: next SP, 16 bytes
    01 00 00 0018                         SP: next KEMAC, policy 0, SRTP, 24 bytes of parameters
    000101 010110 020101 030114 070101 080101 0a0101 0b010a
    00 00 0022                            KEMAC: last, NULL encryption, 34 bytes of key data
    00 20 001e                            Key data: last, TEK / KV NULL, 30 bytes
    000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d
    00                                    MAC: NULL
  `.replace(/[A-Z][^\n]*/g, ""));
  assert.equal(toHex(buildMikey(sampleMessage())), toHex(expected));
});

Deno.test("buildMikey: an MKI is sent as key validity SPI", () => {
  const bytes = buildMikey({ ...sampleMessage(), mki: fromHex("01020304") });
  const kemac = bytes.subarray(76);
  assert.equal(
    toHex(kemac),
    toHex(fromHex(`
    00 00 0027  00 21 001e 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d  04 01020304  00`)),
  );
  assert.deepEqual(parseMikey(bytes).mki, fromHex("01020304"));
});

Deno.test("buildMikey → parseMikey round trip, with 0, 1 and 3 streams and the policy left out", () => {
  for (
    const streams of [[], [{ ssrc: 1, roc: 0 }], [{ ssrc: 0xffff_ffff, roc: 0xffff_ffff }, {
      ssrc: 2,
      roc: 3,
    }, {
      ssrc: 4,
      roc: 5,
    }]]
  ) {
    const { policy: _, ...init } = { ...sampleMessage(), srtpStreams: streams };
    const parsed = parseMikey(buildMikey(init));
    assert.deepEqual(parsed, { ...sampleMessage(), srtpStreams: streams });
  }
});

Deno.test("buildMikey: a given policy is encoded, other parameters after the named ones", () => {
  const policy = {
    ...DEFAULT_SRTP_POLICY,
    authenticationTagLength: 4,
    otherParameters: [{ type: 4, value: Uint8Array.of(14) }, { type: 20, value: Uint8Array.of(16) }],
  };
  const bytes = buildMikey({ ...sampleMessage(), policy });
  assert.equal(
    toHex(bytes.subarray(47, 82)),
    toHex(fromHex(`
    01 00 00 001e 000101 010110 020101 030114 070101 080101 0a0101 0b0104 04010e 140110`)),
  );
  assert.deepEqual(parseMikey(bytes).policy, policy);
});

Deno.test("buildMikey: policy values above 255 take the bytes they need, and parse back", () => {
  const policy = { ...DEFAULT_SRTP_POLICY, authenticationKeyLength: 0x1234 };
  const bytes = buildMikey({ ...sampleMessage(), policy });
  assert.equal(toHex(bytes.subarray(61, 65)), "03021234");
  assert.deepEqual(parseMikey(bytes).policy, policy);
});

Deno.test("buildMikey: values that do not fit are RangeErrors", () => {
  const bad: [string, Record<string, unknown>][] = [
    ["key of 16 bytes", { key: new Uint8Array(16) }],
    ["RAND of 8 bytes", { rand: new Uint8Array(8) }],
    ["RAND of 256 bytes", { rand: new Uint8Array(256) }],
    ["negative CSB ID", { csbId: -1 }],
    ["SSRC over 32 bits", { srtpStreams: [{ ssrc: 2 ** 32, roc: 0 }] }],
    ["fractional ROC", { srtpStreams: [{ ssrc: 1, roc: 0.5 }] }],
    ["256 streams", { srtpStreams: Array.from({ length: 256 }, () => ({ ssrc: 1, roc: 0 })) }],
    ["timestamp over 64 bits", { timestamp: 1n << 64n }],
    ["empty MKI", { mki: new Uint8Array(0) }],
    ["policy value over 32 bits", { policy: { ...DEFAULT_SRTP_POLICY, encryptionKeyLength: 2 ** 32 } }],
    ["negative policy value", { policy: { ...DEFAULT_SRTP_POLICY, authenticationKeyLength: -1 } }],
  ];
  for (const [name, change] of bad) {
    assert.throws(() => buildMikey({ ...sampleMessage(), ...change }), RangeError, name);
  }
});
