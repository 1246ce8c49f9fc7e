import assert from "node:assert/strict";
import {
  encodeFrame,
  Opcode,
  parseFrame,
  type WebSocketFrame,
  WebSocketFrameParser,
} from "../../../../src/wire/websocket/frame.ts";
import { prng, randomSplit } from "../../../_helpers/fuzz.ts";

const hello = new TextEncoder().encode("Hello");
const MASK = new Uint8Array([0x37, 0xfa, 0x21, 0x3d]);

function filled(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7 + 3) & 0xff;
  return out;
}

function withHeader(header: number[], payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(header.length + payload.length);
  out.set(header);
  out.set(payload, header.length);
  return out;
}

interface Case {
  name: string;
  raw: Uint8Array;
  frame: WebSocketFrame;
  mask?: Uint8Array;
}

/** RFC 6455 §5.7, byte for byte. */
const RFC_EXAMPLES: Case[] = [
  {
    name: "single-frame unmasked text 'Hello'",
    raw: new Uint8Array([0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]),
    frame: { fin: true, opcode: Opcode.text, masked: false, payload: hello },
  },
  {
    name: "single-frame masked text 'Hello'",
    raw: new Uint8Array([0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]),
    frame: { fin: true, opcode: Opcode.text, masked: true, payload: hello },
    mask: MASK,
  },
  {
    name: "fragmented unmasked text, first frame 'Hel'",
    raw: new Uint8Array([0x01, 0x03, 0x48, 0x65, 0x6c]),
    frame: { fin: false, opcode: Opcode.text, masked: false, payload: hello.subarray(0, 3) },
  },
  {
    name: "fragmented unmasked text, last frame 'lo'",
    raw: new Uint8Array([0x80, 0x02, 0x6c, 0x6f]),
    frame: { fin: true, opcode: Opcode.continuation, masked: false, payload: hello.subarray(3) },
  },
  {
    name: "unmasked ping 'Hello'",
    raw: new Uint8Array([0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]),
    frame: { fin: true, opcode: Opcode.ping, masked: false, payload: hello },
  },
  {
    name: "masked pong 'Hello'",
    raw: new Uint8Array([0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]),
    frame: { fin: true, opcode: Opcode.pong, masked: true, payload: hello },
    mask: MASK,
  },
  {
    name: "256-byte binary, 16-bit length",
    raw: withHeader([0x82, 0x7e, 0x01, 0x00], filled(256)),
    frame: { fin: true, opcode: Opcode.binary, masked: false, payload: filled(256) },
  },
  {
    name: "64 KiB binary, 64-bit length",
    raw: withHeader([0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0], filled(65536)),
    frame: { fin: true, opcode: Opcode.binary, masked: false, payload: filled(65536) },
  },
];

const EXTRA: Case[] = [
  {
    name: "empty binary",
    raw: new Uint8Array([0x82, 0x00]),
    frame: { fin: true, opcode: Opcode.binary, masked: false, payload: new Uint8Array(0) },
  },
  {
    name: "125-byte binary, largest 7-bit length",
    raw: withHeader([0x82, 0x7d], filled(125)),
    frame: { fin: true, opcode: Opcode.binary, masked: false, payload: filled(125) },
  },
  {
    name: "65535-byte binary, largest 16-bit length",
    raw: withHeader([0x82, 0x7e, 0xff, 0xff], filled(65535)),
    frame: { fin: true, opcode: Opcode.binary, masked: false, payload: filled(65535) },
  },
  {
    name: "close 1000 without reason",
    raw: new Uint8Array([0x88, 0x02, 0x03, 0xe8]),
    frame: { fin: true, opcode: Opcode.close, masked: false, payload: new Uint8Array([0x03, 0xe8]) },
  },
];

for (const c of [...RFC_EXAMPLES, ...EXTRA]) {
  Deno.test(`frame: parses ${c.name}`, () => {
    const parsed = parseFrame(c.raw);
    assert.ok(parsed);
    assert.deepEqual(parsed.frame, c.frame);
    assert.equal(parsed.size, c.raw.length);
  });
  Deno.test(`frame: encodes ${c.name}`, () => {
    const { fin, opcode, payload } = c.frame;
    assert.deepEqual(encodeFrame({ fin, opcode, payload, mask: c.mask }), c.raw);
  });
  Deno.test(`frame: parser takes ${c.name} one byte at a time`, () => {
    const p = new WebSocketFrameParser();
    for (let i = 0; i < c.raw.length; i++) {
      assert.equal(p.next(), undefined, `complete too early at byte ${i}`);
      p.push(c.raw.subarray(i, i + 1));
    }
    assert.deepEqual(p.next(), c.frame);
    assert.equal(p.next(), undefined);
    assert.equal(p.buffered, 0);
  });
}

Deno.test("frame: a stream of every example survives random splits", () => {
  const all = [...RFC_EXAMPLES, ...EXTRA];
  const wire = new Uint8Array(all.reduce((n, c) => n + c.raw.length, 0));
  let off = 0;
  for (const c of all) {
    wire.set(c.raw, off);
    off += c.raw.length;
  }
  for (let seed = 1; seed <= 20; seed++) {
    const p = new WebSocketFrameParser();
    const out: WebSocketFrame[] = [];
    for (const chunk of randomSplit(wire, prng(seed), 1 + seed * 997)) {
      p.push(chunk);
      for (let f = p.next(); f !== undefined; f = p.next()) out.push(f);
    }
    assert.deepEqual(out, all.map((c) => c.frame), `seed ${seed}`);
  }
});

Deno.test("frame: masked encoding round-trips large payloads", () => {
  const payload = filled(200_000);
  const raw = encodeFrame({ fin: true, opcode: Opcode.binary, payload, mask: MASK });
  assert.deepEqual(raw.subarray(0, 2), new Uint8Array([0x82, 0xff]));
  const parsed = parseFrame(raw, { maxPayloadBytes: 1 << 20, requireMask: true });
  assert.deepEqual(parsed?.frame.payload, payload);
});

const INVALID: {
  name: string;
  raw: number[];
  error: typeof SyntaxError | typeof RangeError;
  requireMask?: boolean;
}[] = [
  { name: "RSV1 set", raw: [0xc2, 0x00], error: SyntaxError },
  { name: "RSV3 set", raw: [0x92, 0x00], error: SyntaxError },
  { name: "reserved data opcode 0x3", raw: [0x83, 0x00], error: SyntaxError },
  { name: "reserved control opcode 0xB", raw: [0x8b, 0x00], error: SyntaxError },
  { name: "fragmented ping", raw: [0x09, 0x00], error: SyntaxError },
  { name: "control frame with 16-bit length", raw: [0x89, 0x7e, 0x00, 0x7e], error: SyntaxError },
  { name: "64-bit length with MSB set", raw: [0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 1], error: SyntaxError },
  { name: "length ≥ 2^32", raw: [0x82, 0x7f, 0, 0, 0, 1, 0, 0, 0, 0], error: RangeError },
  { name: "payload over the limit", raw: [0x82, 0x7e, 0x10, 0x00], error: RangeError },
  { name: "unmasked frame from a client", raw: [0x82, 0x00], error: SyntaxError, requireMask: true },
  {
    name: "masked frame from a server",
    raw: [0x82, 0x80, 1, 2, 3, 4],
    error: SyntaxError,
    requireMask: false,
  },
];

for (const c of INVALID) {
  Deno.test(`frame: rejects ${c.name}`, () => {
    const opts = { maxPayloadBytes: 1024, requireMask: c.requireMask };
    assert.throws(() => parseFrame(new Uint8Array(c.raw), opts), c.error);
    // The incremental parser rejects as soon as the header decides, before any payload arrives.
    const p = new WebSocketFrameParser(opts);
    p.push(new Uint8Array(c.raw));
    assert.throws(() => p.next(), c.error);
  });
}

Deno.test("frame: encoder refuses what the parser would reject", () => {
  const big = new Uint8Array(126);
  assert.throws(() => encodeFrame({ fin: true, opcode: Opcode.ping, payload: big }), RangeError);
  assert.throws(
    () => encodeFrame({ fin: false, opcode: Opcode.close, payload: new Uint8Array(0) }),
    RangeError,
  );
  assert.throws(() => encodeFrame({ fin: true, opcode: 3, payload: new Uint8Array(0) }), RangeError);
  assert.throws(
    () => encodeFrame({ fin: true, opcode: 2, payload: new Uint8Array(0), mask: new Uint8Array(3) }),
    RangeError,
  );
});

Deno.test("frame: non-minimal length encodings are tolerated", () => {
  const parsed = parseFrame(new Uint8Array([0x82, 0x7e, 0x00, 0x01, 0x2a]));
  assert.deepEqual(parsed?.frame.payload, new Uint8Array([0x2a]));
});
