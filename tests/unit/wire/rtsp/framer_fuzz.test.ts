import assert from "node:assert/strict";
import { type FramerLimits, type RtspFrame, RtspFramer } from "../../../../src/wire/rtsp/framer.ts";
import { RtspError } from "../../../../src/wire/rtsp/rtsp_error.ts";
import { ALL_CASES } from "./_fixtures.ts";
import { bytes, concat } from "./_plain.ts";
import { prng, randInt, randomSplit } from "../../../_helpers/fuzz.ts";

const LIMITS: FramerLimits = {
  maxLineBytes: 256,
  maxHeaderCount: 16,
  maxHeaderBytes: 1024,
  maxBodyBytes: 2048,
};
// After draining, what can remain is at most one incomplete unit: an interleaved frame (≤ 4 + 65535
// bytes) or a head plus body within the limits.
const BOUND = Math.max(4 + 0xffff, LIMITS.maxHeaderBytes + LIMITS.maxBodyBytes);

// Fragments that steer random input towards the parser's interesting states.
const TOKENS = [
  "OPTIONS ",
  "RTSP/1.0 ",
  "RTSP/1.0 200 OK",
  "SETUP rtsp://h/p/trackID=0 RTSP/1.0",
  "\r\n",
  "\n",
  "\r",
  "\r\n\r\n",
  "Content-Length: ",
  "Content-Length: 5",
  "CSeq: 1",
  " ",
  "\t",
  ":",
  "$",
  "$\x00\x00\x04",
  "123",
  "x".repeat(300),
  "GET_PARAMETER ",
];

function checkFrame(f: RtspFrame): void {
  switch (f.kind) {
    case "request":
      assert.match(f.request.method, /^[A-Z_]+$/);
      assert.ok(f.request.body.length <= LIMITS.maxBodyBytes);
      assert.ok(f.request.headers.size <= LIMITS.maxHeaderCount);
      break;
    case "response":
      assert.ok(f.response.statusCode >= 100 && f.response.statusCode <= 999);
      assert.ok(f.response.body.length <= LIMITS.maxBodyBytes);
      break;
    case "interleaved":
      assert.ok(f.channel >= 0 && f.channel <= 255 && f.payload.length <= 0xffff);
      break;
    case "invalid":
      assert.ok(f.error instanceof RtspError);
      assert.ok([400, 413].includes(f.error.status));
      break;
  }
}

function feed(framer: RtspFramer, chunks: Uint8Array[]): RtspFrame[] {
  const frames: RtspFrame[] = [];
  for (const chunk of chunks) {
    framer.push(chunk);
    for (let f = framer.next(); f !== undefined; f = framer.next()) {
      checkFrame(f);
      frames.push(f);
    }
    assert.ok(framer.bufferedBytes <= BOUND, `buffered ${framer.bufferedBytes}`);
  }
  return frames;
}

Deno.test("framer fuzz: random bytes never throw and never buffer beyond the limits", () => {
  for (let seed = 1; seed <= 400; seed++) {
    const rand = prng(seed);
    const data = new Uint8Array(2000 + randInt(rand, 20000));
    for (let i = 0; i < data.length; i++) data[i] = randInt(rand, 256);
    feed(new RtspFramer(LIMITS), randomSplit(data, rand, 1 + randInt(rand, 3000)));
  }
});

Deno.test("framer fuzz: random RTSP-like token soup never throws", () => {
  for (let seed = 1; seed <= 400; seed++) {
    const rand = prng(1000 + seed);
    const parts: string[] = [];
    for (let i = 0; i < 400; i++) parts.push(TOKENS[randInt(rand, TOKENS.length)]);
    const framer = new RtspFramer(LIMITS);
    feed(framer, randomSplit(bytes(parts.join("")), rand, 64));
  }
});

Deno.test("framer fuzz: mutated real sessions never throw and recover", () => {
  const session = concat(...ALL_CASES.map((c) => bytes(c.raw)));
  const trailer = bytes("OPTIONS * RTSP/1.0\r\nCSeq: 99\r\n\r\n");
  let recovered = 0;
  for (let seed = 1; seed <= 300; seed++) {
    const rand = prng(5000 + seed);
    const data = session.slice();
    for (let m = 0; m < 1 + randInt(rand, 10); m++) data[randInt(rand, data.length)] = randInt(rand, 256);
    const framer = new RtspFramer();
    feed(framer, randomSplit(data, rand, 500));
    // Whatever state the mutations left, enough blank lines and a request end it (unless a
    // mutated Content-Length or "$" still expects bytes, which a real server times out).
    const frames = feed(framer, [bytes("\r\n\r\n"), trailer]);
    if (frames.some((f) => f.kind === "request" && f.request.headers.get("CSeq") === "99")) recovered++;
  }
  assert.ok(recovered > 240, `recovered ${recovered}/300`);
});

Deno.test("framer discards a 3 MiB burst of garbage and recovers", () => {
  const framer = new RtspFramer();
  const big = new Uint8Array(3 * 1024 * 1024).fill(0x61); // garbage, discarded
  framer.push(big);
  assert.equal(framer.next(), undefined);
  assert.equal(framer.bufferedBytes, 0);
  assert.equal(framer.discardedBytes, big.length);
  framer.push(bytes("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n"));
  assert.equal(framer.next()?.kind, "request");
});
