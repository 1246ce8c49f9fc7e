import assert from "node:assert/strict";
import {
  formatSession,
  parseSession,
  type SessionHeader,
} from "../../../../../src/wire/rtsp/headers/session.ts";
import { fuzzParser } from "./_fuzz.ts";

const CASES: { name: string; raw: string; value: SessionHeader; canonical?: true }[] = [
  {
    name: "MediaMTX-style id with timeout",
    raw: "4f0b8d5c2e1a4b7f9c3d6e8f0a1b2c3d;timeout=55",
    value: { id: "4f0b8d5c2e1a4b7f9c3d6e8f0a1b2c3d", timeout: 55 },
    canonical: true,
  },
  {
    name: "ffmpeg echo without timeout",
    raw: "4f0b8d5c2e1a",
    value: { id: "4f0b8d5c2e1a" },
    canonical: true,
  },
  {
    name: "Hikvision numeric id",
    raw: "1273222592;timeout=60",
    value: { id: "1273222592", timeout: 60 },
    canonical: true,
  },
  { name: "spaces around timeout", raw: " 12345678 ; timeout = 60 ", value: { id: "12345678", timeout: 60 } },
  { name: "upper-case parameter", raw: "ABCDEF;Timeout=30", value: { id: "ABCDEF", timeout: 30 } },
  { name: "unknown parameter ignored", raw: "abc-123_x.y;foo=bar", value: { id: "abc-123_x.y" } },
];

for (const c of CASES) {
  Deno.test(`parseSession: ${c.name}`, () => {
    assert.deepEqual(parseSession(c.raw), c.value);
    if (c.canonical) assert.equal(formatSession(c.value.id, c.value.timeout), c.raw);
  });
}

Deno.test("parseSession rejects empty ids and bad timeouts", () => {
  for (const raw of ["", " ", ";timeout=5", "a b", "abc;timeout=", "abc;timeout=x", "abc;timeout=-1"]) {
    assert.throws(
      () => parseSession(raw),
      (e: unknown) => e instanceof SyntaxError && /^Cannot parse Session header: /.test(e.message),
      raw,
    );
  }
  assert.throws(() => formatSession("a;b"), RangeError);
  assert.throws(() => formatSession("abc", -1), RangeError);
});

Deno.test("parseSession fuzz: only SyntaxError escapes", () => {
  fuzzParser(parseSession, ["abc", ";", "timeout", "=", "55", " ", "\t", '"', ","], 21, (s) => {
    assert.deepEqual(parseSession(formatSession(s.id, s.timeout)), s);
  });
});
