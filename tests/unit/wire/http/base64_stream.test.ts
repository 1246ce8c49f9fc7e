import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { Base64StreamDecoder, encodeBase64 } from "../../../../src/wire/http/base64_stream.ts";
import { prng, randInt, randomSplit } from "../../../_helpers/fuzz.ts";
import { FFMPEG_TUNNEL_OPTIONS, FFMPEG_TUNNEL_POST } from "./_fixtures.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function decodeChunks(chunks: Uint8Array[]): Uint8Array {
  const d = new Base64StreamDecoder();
  const out = chunks.map((c) => d.push(c));
  d.finish();
  return concat(out);
}

/** RFC 4648 §10 test vectors. */
const VECTORS: [string, string][] = [
  ["", ""],
  ["f", "Zg=="],
  ["fo", "Zm8="],
  ["foo", "Zm9v"],
  ["foob", "Zm9vYg=="],
  ["fooba", "Zm9vYmE="],
  ["foobar", "Zm9vYmFy"],
];

for (const [plain, b64] of VECTORS) {
  Deno.test(`base64: RFC 4648 vector "${plain}" both ways`, () => {
    assert.equal(dec(encodeBase64(enc(plain))), b64);
    assert.equal(dec(decodeChunks([enc(b64)])), plain);
  });
}

/** What tunnel clients send: each RTSP write encoded on its own, padding and all. */
const WRITES = [
  "OPTIONS rtsp://127.0.0.1:8554/test RTSP/1.0\r\nCSeq: 1\r\n\r\n",
  "DESCRIBE rtsp://127.0.0.1:8554/test RTSP/1.0\r\nCSeq: 2\r\nAccept: application/sdp\r\n\r\n",
  "S",
  "ET",
  "UP rtsp://127.0.0.1:8554/test/trackID=0 RTSP/1.0\r\nCSeq: 3\r\n\r\n",
];
const BODY = concat(WRITES.map((w) => encodeBase64(enc(w))));
const MESSAGE = WRITES.join("");

Deno.test("base64: per-write padding in mid-stream restarts decoding", () => {
  assert.ok(dec(BODY).slice(0, -4).includes("="), "the fixture has padding in mid-stream");
  assert.equal(dec(decodeChunks([BODY])), MESSAGE);
});

Deno.test("base64: a body split at every offset decodes the same", () => {
  for (let k = 0; k <= BODY.length; k++) {
    assert.equal(dec(decodeChunks([BODY.subarray(0, k), BODY.subarray(k)])), MESSAGE, `split at ${k}`);
  }
});

Deno.test("base64: a body fed one byte at a time decodes the same", () => {
  const bytes = [...BODY].map((b) => new Uint8Array([b]));
  assert.equal(dec(decodeChunks(bytes)), MESSAGE);
});

Deno.test("base64: ffmpeg's captured POST body decodes to its OPTIONS", () => {
  const body = FFMPEG_TUNNEL_POST.slice(FFMPEG_TUNNEL_POST.indexOf("\r\n\r\n") + 4);
  assert.equal(dec(decodeChunks([enc(body)])), FFMPEG_TUNNEL_OPTIONS);
});

Deno.test("base64: CR, LF, spaces and tabs are ignored anywhere, even between '=' signs", () => {
  assert.equal(dec(decodeChunks([enc("Zm9v\r\nYg=\r\n= Zm8\t=\n")])), "foobfo");
});

const GARBAGE: [string, string][] = [
  ["a character outside the alphabet", "Zm9v!"],
  ["base64url characters", "Zm9-"],
  ["a NUL byte", "Zm\x009v"],
  ["'=' at the start of a quantum", "="],
  ["'=' after one character", "Z="],
  ["data where the second '=' was due", "Zg=A"],
  ["a third '='", "Zg==="],
];

for (const [name, text] of GARBAGE) {
  Deno.test(`base64: rejects ${name}`, () => {
    assert.throws(() => new Base64StreamDecoder().push(enc(text)), SyntaxError);
  });
}

Deno.test("base64: a truncated quantum fails only at finish()", () => {
  const d = new Base64StreamDecoder();
  assert.equal(dec(d.push(enc("Zm9vY"))), "foo");
  assert.equal(d.complete, false);
  assert.throws(() => d.finish(), SyntaxError);
  const half = new Base64StreamDecoder();
  half.push(enc("Zg="));
  assert.throws(() => half.finish(), SyntaxError, "missing second '='");
});

Deno.test("fuzz: random writes, random chunking, random whitespace match node's Buffer", () => {
  const rand = prng(4648);
  for (let i = 0; i < 300; i++) {
    const writes = Array.from(
      { length: 1 + randInt(rand, 6) },
      () => new Uint8Array(randInt(rand, 200)).map(() => randInt(rand, 256)),
    );
    const pieces: Uint8Array[] = [];
    for (const w of writes) {
      const b64 = encodeBase64(w);
      assert.equal(dec(b64), Buffer.from(w).toString("base64"));
      pieces.push(b64);
      if (randInt(rand, 3) === 0) pieces.push(enc("\r\n"));
    }
    const body = concat(pieces);
    assert.deepEqual(
      decodeChunks(randomSplit(body, rand, 1 + randInt(rand, 50))),
      concat(writes),
      `iteration ${i}`,
    );
  }
});

Deno.test("fuzz: random bytes only ever raise SyntaxError", () => {
  const rand = prng(99);
  const alphabet = enc("ABCxyz019+/=\r\n -_!");
  for (let i = 0; i < 2000; i++) {
    const d = new Base64StreamDecoder();
    const input = new Uint8Array(randInt(rand, 40)).map(() => alphabet[randInt(rand, alphabet.length)]);
    try {
      for (const c of randomSplit(input, rand, 7)) d.push(c);
      d.finish();
    } catch (e) {
      assert.ok(e instanceof SyntaxError, `unexpected ${e}`);
    }
  }
});
