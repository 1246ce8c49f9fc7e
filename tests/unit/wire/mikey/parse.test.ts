import assert from "node:assert/strict";
import { buildMikey } from "../../../../src/wire/mikey/build.ts";
import { checkMikeyTime } from "../../../../src/wire/mikey/message.ts";
import { mikeyFromBase64 } from "../../../../src/wire/mikey/key_mgmt.ts";
import { parseMikey } from "../../../../src/wire/mikey/parse.ts";
import {
  assemble,
  fixture,
  fromHex,
  type Part,
  sampleBytes,
  sampleMessage,
  split,
  toHex,
} from "./_helpers.ts";

/** GStreamer 1.22 sends SessionAuthKeyLen = 10 (the tag length) and no AuthTagLen parameter. */
const GSTREAMER_POLICY = {
  encryptionAlgorithm: 1,
  encryptionKeyLength: 16,
  authenticationAlgorithm: 1,
  authenticationKeyLength: 10,
  srtpEncryption: true,
  srtcpEncryption: true,
  srtpAuthentication: true,
  authenticationTagLength: 10,
  otherParameters: [],
};

/** Real messages (tests/fixtures/mikey, see capture.ts) and what they must decode to. */
const REAL: {
  name: string;
  index?: number;
  csbId: number;
  streams: { ssrc: number; roc: number }[];
  capturedAt: string;
  keyHex: string;
}[] = [
  {
    name: "gstreamer-1.22-rtspclientsink-announce",
    csbId: 2617327675,
    streams: [{ ssrc: 606701901, roc: 0 }], // = a=ssrc of the ANNOUNCE SDP
    capturedAt: "2026-11-25T00:25:46.346Z",
    keyHex: "6241b9ae21107d7e305a397ee98821c2a56ab4d029a1333cb6b568ed15b6",
  },
  {
    name: "gstreamer-1.22-rtspclientsink-setup-keymgmt",
    csbId: 1936657290,
    // The media SSRC again, plus a second one (its RTCP SSRC), same key as in the ANNOUNCE.
    streams: [{ ssrc: 606701901, roc: 0 }, { ssrc: 4046685609, roc: 0 }],
    capturedAt: "2026-11-25T00:25:46.346Z",
    keyHex: "6241b9ae21107d7e305a397ee98821c2a56ab4d029a1333cb6b568ed15b6",
  },
  {
    name: "gstreamer-1.22-rtspsrc-setup-keymgmt",
    csbId: 3588641196,
    streams: [{ ssrc: 3085844230, roc: 0 }],
    capturedAt: "2026-11-25T00:25:46.384Z",
    keyHex: "8090b94c13a0bc0c59ab6c9d890d0b0f8dfda85ffb4b16c00bf0e31c6d38",
  },
  {
    name: "gst-rtsp-server-1.22-describe",
    index: 0,
    csbId: 2140651572,
    streams: [{ ssrc: 4178317259, roc: 0 }], // = a=ssrc of m=video
    capturedAt: "2026-11-25T00:25:46.609Z",
    keyHex: "f60fae02adc463bedda71e84716db84284c81d45ffb1f84fbfe7cc93d945",
  },
  {
    name: "gst-rtsp-server-1.22-describe",
    index: 1,
    csbId: 1128089865,
    streams: [{ ssrc: 1758516722, roc: 0 }], // = a=ssrc of m=audio
    capturedAt: "2026-11-25T00:25:46.609Z",
    keyHex: "049c40c7f39cd561aa18fc600da6d8b2d56c7212241343e46c89c5877197",
  },
  {
    name: "gst-rtsp-server-1.22-announce-keymgmt",
    csbId: 793296068,
    streams: [{ ssrc: 712378160, roc: 0 }],
    capturedAt: "2026-11-25T00:25:46.613Z",
    keyHex: "894a71a5c21b74ad2ec31535b0c46753f29b3e74edccb0c54f187acd080a",
  },
];

for (const real of REAL) {
  Deno.test(`real message: ${real.name}${real.index === undefined ? "" : ` #${real.index}`} parses`, async () => {
    const b64 = (await fixture(real.name))[real.index ?? 0];
    const m = mikeyFromBase64(b64);
    assert.equal(m.csbId, real.csbId);
    assert.deepEqual(m.srtpStreams, real.streams);
    assert.equal(toHex(m.key), real.keyHex);
    assert.equal(m.rand.length, 16);
    assert.equal(m.mki, undefined);
    assert.deepEqual(m.policy, GSTREAMER_POLICY);
    // Made within a second before the capture time written in the fixture.
    const captured = Date.parse(real.capturedAt);
    checkMikeyTime(m, captured);
    checkMikeyTime(m, captured + 3_599_000);
    assert.throws(() => checkMikeyTime(m, captured + 3_602_000), RangeError);
    // Our encoder writes the same fields back, which parse to the same message.
    assert.deepEqual(parseMikey(buildMikey(m)), m);
  });
}

Deno.test("real messages: GStreamer's encoding differs from ours only by the AuthTagLen parameter", async () => {
  const [b64] = await fixture("gstreamer-1.22-rtspclientsink-announce");
  const theirs = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const ours = buildMikey(mikeyFromBase64(b64));
  assert.equal(ours.length, theirs.length + 3);
  // SP parameter length 21 → 24, then "0b 01 0a" appended to the parameters.
  const spLength = 47;
  assert.equal(theirs[spLength + 3] << 8 | theirs[spLength + 4], 21);
  assert.equal(toHex(ours.subarray(0, 50)), toHex(theirs.subarray(0, 50)));
  assert.equal(toHex(ours.subarray(52, 73)), toHex(theirs.subarray(52, 73)));
  assert.equal(toHex(ours.subarray(73, 76)), "0b010a");
  assert.equal(toHex(ours.subarray(76)), toHex(theirs.subarray(73)));
});

Deno.test("quirk: one trailing 0x00 byte is tolerated (Milestone XProtect), two are not", () => {
  const padded = new Uint8Array([...sampleBytes(), 0]);
  assert.deepEqual(parseMikey(padded), sampleMessage());
  assert.throws(() => parseMikey(new Uint8Array([...sampleBytes(), 0, 0])), /2 trailing bytes/);
  assert.throws(() => parseMikey(new Uint8Array([...sampleBytes(), 1])), /1 trailing bytes/);
});

Deno.test("payloads are accepted in any order", () => {
  const { header, parts } = split(sampleBytes());
  const orders = [[0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1], [1, 3, 0, 2]];
  for (const order of orders) {
    assert.deepEqual(parseMikey(assemble(header, order.map((i) => parts[i]))), sampleMessage(), `${order}`);
  }
});

Deno.test("ID, CERT and General Extension payloads are skipped", () => {
  const { header, parts } = split(sampleBytes());
  const id: Part = { type: 6, body: fromHex("01 0005 6361 6d31 32") }; // URI "cam12"
  const cert: Part = { type: 7, body: fromHex("00 0002 abcd") };
  const ext: Part = { type: 21, body: fromHex("01 0003 010203") };
  const msg = assemble(header, [parts[0], id, parts[1], cert, parts[2], ext, parts[3]]);
  assert.deepEqual(parseMikey(msg), sampleMessage());
});

Deno.test("SP: missing SP takes the RFC 3711 defaults; unknown parameters are kept; absent ones default", () => {
  const { header, parts } = split(sampleBytes());
  assert.deepEqual(
    parseMikey(assemble(header, [parts[0], parts[1], parts[3]])).policy,
    sampleMessage().policy,
  );

  const sp = (params: string): Part => {
    const p = fromHex(params);
    return { type: 10, body: new Uint8Array([0, 0, p.length >> 8, p.length & 0xff, ...p]) };
  };
  // Only the three on/off flags, plus salt length 14, KDR 0 and an AEAD tag length (type 20).
  const m = parseMikey(
    assemble(header, [parts[0], parts[1], sp("070101 080101 0a0101 04010e 060100 140110"), parts[3]]),
  );
  assert.equal(m.policy.authenticationTagLength, 10);
  assert.equal(m.policy.encryptionKeyLength, 16);
  assert.deepEqual(m.policy.otherParameters, [
    { type: 4, value: Uint8Array.of(14) },
    { type: 6, value: Uint8Array.of(0) },
    { type: 20, value: Uint8Array.of(16) },
  ]);
  // Multi-byte big-endian values are read as numbers.
  assert.equal(
    parseMikey(assemble(header, [parts[0], parts[1], sp("01020010"), parts[3]])).policy.encryptionKeyLength,
    16,
  );
  // The _32 tag length is accepted and reported.
  assert.equal(
    parseMikey(assemble(header, [parts[0], parts[1], sp("0b0104"), parts[3]])).policy.authenticationTagLength,
    4,
  );
});

Deno.test("KEMAC: TEK+SALT (16 + 14 bytes), an SPI and a validity interval", () => {
  const { header, parts } = split(sampleBytes());
  const key = toHex(sampleMessage().key);
  const kemac = (keyData: string): Part => {
    const k = fromHex(keyData);
    return { type: 1, body: new Uint8Array([0, k.length >> 8, k.length & 0xff, ...k, 0]) };
  };
  const tekSalt = kemac(`00 30 0010 ${key.slice(0, 32)} 000e ${key.slice(32)}`);
  assert.deepEqual(
    parseMikey(assemble(header, [parts[0], parts[1], parts[2], tekSalt])).key,
    sampleMessage().key,
  );
  const spi = kemac(`00 21 001e ${key} 02 abcd`);
  assert.deepEqual(parseMikey(assemble(header, [parts[0], parts[1], parts[2], spi])).mki, fromHex("abcd"));
  const interval = kemac(`00 22 001e ${key} 02 0001 03 000203`);
  const m = parseMikey(assemble(header, [parts[0], parts[1], parts[2], interval]));
  assert.equal(m.mki, undefined);
  assert.deepEqual(m.key, sampleMessage().key);
});

/** Unsupported or malformed messages, each a SyntaxError naming the problem. */
Deno.test("unsupported and malformed messages are SyntaxErrors that name the problem", () => {
  const good = sampleBytes();
  const { header, parts } = split(good);
  const patched = (offset: number, value: number) => {
    const b = good.slice();
    b[offset] = value;
    return b;
  };
  const spWith = (params: string): Part => {
    const p = fromHex(params);
    return { type: 10, body: new Uint8Array([0, 0, p.length >> 8, p.length & 0xff, ...p]) };
  };
  const withSp = (params: string) => assemble(header, [parts[0], parts[1], spWith(params), parts[3]]);
  const key = toHex(sampleMessage().key);
  const withKemac = (hex: string) =>
    assemble(header, [parts[0], parts[1], parts[2], { type: 1, body: fromHex(hex) }]);
  const cases: [string, Uint8Array, RegExp][] = [
    ["empty", new Uint8Array(0), /truncated common header/],
    ["version 2", patched(0, 2), /unsupported version 2/],
    ["data type 1 (PSK verify)", patched(1, 1), /unsupported data type 1/],
    ["data type 2 (PK init)", patched(1, 2), /unsupported data type 2/],
    ["PRF 1", patched(3, 1), /unsupported PRF function 1/],
    ["CS ID map type 1", patched(9, 1), /unsupported CS ID map type 1/],
    ["timestamp type COUNTER", patched(20, 2), /unsupported timestamp type 2/],
    [
      "RAND of 8 bytes",
      assemble(header, [parts[0], { type: 11, body: fromHex("08 0102030405060708") }, parts[2], parts[3]]),
      /RAND of 8 bytes/,
    ],
    ["KEMAC encryption AES-CM", patched(77, 1), /unsupported KEMAC encryption 1/],
    ["KEMAC MAC HMAC-SHA-1", patched(good.length - 1, 1), /unsupported KEMAC MAC algorithm 1/],
    ["key type TGK", patched(81, 0x00), /unsupported key type 0/],
    ["key validity 3", patched(81, 0x23), /unsupported key validity type 3/],
    ["key of 16 bytes", withKemac(`00 0014 00 20 0010 ${key.slice(0, 32)} 00`), /key length 16/],
    ["two keys", withKemac(`00 0044 14 20 001e ${key} 00 20 001e ${key} 00`), /KEMAC carries 2 keys/],
    ["missing T", assemble(header, [parts[1], parts[2], parts[3]]), /missing T payload/],
    ["missing RAND", assemble(header, [parts[0], parts[2], parts[3]]), /missing RAND payload/],
    ["missing KEMAC", assemble(header, [parts[0], parts[1], parts[2]]), /missing KEMAC payload/],
    [
      "two T payloads",
      assemble(header, [parts[0], parts[0], parts[1], parts[2], parts[3]]),
      /more than one T/,
    ],
    [
      "SIGN payload",
      assemble(header, [parts[0], parts[1], parts[2], parts[3], { type: 4, body: fromHex("00") }]),
      /unsupported SIGN payload/,
    ],
    [
      "unknown payload 99",
      assemble(header, [parts[0], { type: 99, body: new Uint8Array(4) }]),
      /unsupported unknown payload \(type 99\)/,
    ],
    [
      "protocol 1",
      assemble(header, [parts[0], parts[1], { type: 10, body: fromHex("00 01 0000") }, parts[3]]),
      /unsupported security protocol 1/,
    ],
    ["AES-F8", withSp("000102"), /unsupported encryption algorithm 2/],
    ["NULL encryption", withSp("000100"), /unsupported encryption algorithm 0/],
    ["256-bit key", withSp("010120"), /unsupported session encryption key length 32/],
    ["NULL authentication", withSp("020100"), /unsupported authentication algorithm 0/],
    ["SRTP encryption off", withSp("070100"), /SRTP encryption off/],
    ["SRTCP encryption off", withSp("080100"), /SRTCP encryption off/],
    ["SRTP authentication off", withSp("0a0100"), /SRTP authentication off/],
    ["tag length 16", withSp("0b0110"), /unsupported authentication tag length 16/],
    ["salt length 12", withSp("04010c"), /unsupported session salt length 12/],
    ["key derivation rate 2^16", withSp("0603010000"), /unsupported key derivation rate 65536/],
    ["PRF 1 in SP", withSp("050101"), /unsupported SRTP PRF 1/],
    ["SRTP prefix 4", withSp("0c0104"), /unsupported SRTP prefix length 4/],
    ["empty parameter value", withSp("0000"), /invalid encryption algorithm length 0/],
    ["SP policy missing for a CS", patched(10, 3), /refers to missing SP policy 3/],
    ["truncated SSRC", good.slice(0, 13), /truncated SRTP-ID map/],
    ["truncated key", good.slice(0, 100), /truncated KEMAC key data/],
  ];
  for (const [name, bytes, message] of cases) {
    assert.throws(() => parseMikey(bytes), (e: unknown) => {
      assert.ok(e instanceof SyntaxError, `${name}: ${e}`);
      assert.match(e.message, /^Cannot parse MIKEY message: /, name);
      assert.match(e.message, message, name);
      return true;
    }, name);
  }
});

Deno.test("every truncation of a real message is a SyntaxError", async () => {
  const [b64] = await fixture("gstreamer-1.22-rtspclientsink-setup-keymgmt");
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  for (let n = 0; n < bytes.length; n++) {
    assert.throws(() => parseMikey(bytes.subarray(0, n)), SyntaxError, `length ${n}`);
  }
});

Deno.test("parseMikey returns copies, not views of its input", () => {
  const bytes = sampleBytes();
  const m = parseMikey(bytes);
  bytes.fill(0);
  assert.deepEqual(m, sampleMessage());
});
