import { deepStrictEqual, equal, throws } from "node:assert/strict";
import { formatDuration, parseDuration } from "../../../src/config/mod.ts";

const VALID: { raw: string; ms: number }[] = [
  { raw: "10s", ms: 10_000 },
  { raw: "1m30s", ms: 90_000 },
  { raw: "500ms", ms: 500 },
  { raw: "1h", ms: 3_600_000 },
  { raw: "2.5s", ms: 2_500 },
  { raw: "1.5m", ms: 90_000 },
  { raw: "2h45m", ms: 9_900_000 },
  { raw: ".5s", ms: 500 },
  { raw: "1.s", ms: 1_000 },
  { raw: "100us", ms: 0.1 },
  { raw: "100µs", ms: 0.1 },
  { raw: "100μs", ms: 0.1 },
  { raw: "1500000ns", ms: 1.5 },
  { raw: "1h0m0.25s", ms: 3_600_250 },
  { raw: "0", ms: 0 },
  { raw: "0s", ms: 0 },
  { raw: "+3s", ms: 3_000 },
  { raw: "-3s", ms: -3_000 },
];

Deno.test("parseDuration accepts Go duration syntax", () => {
  for (const { raw, ms } of VALID) equal(parseDuration(raw), ms, raw);
});

const INVALID: { raw: string; reason: RegExp }[] = [
  { raw: "10", reason: /missing unit.*"10s"/ },
  { raw: "1.5", reason: /missing unit/ },
  { raw: "", reason: /empty/ },
  { raw: "s", reason: /expected a number/ },
  { raw: ".s", reason: /expected a number/ },
  { raw: "10x", reason: /unknown unit "x"/ },
  { raw: "10S", reason: /unknown unit "S"/ },
  { raw: "10 s", reason: /unknown unit " s"/ },
  { raw: "1d", reason: /unknown unit "d"/ },
  { raw: "10s5", reason: /missing unit/ },
  { raw: "abc", reason: /expected a number/ },
];

Deno.test("parseDuration rejects malformed text with a reason", () => {
  for (const { raw, reason } of INVALID) {
    throws(() => parseDuration(raw), (e: Error) => e instanceof SyntaxError && reason.test(e.message), raw);
  }
});

Deno.test("parseDuration rejects values beyond Go's int64 nanoseconds", () => {
  equal(parseDuration("2562047h"), 2562047 * 3_600_000);
  throws(() => parseDuration("2562048h"), RangeError);
});

Deno.test("formatDuration writes what parseDuration reads", () => {
  const table: [number, string][] = [
    [0, "0s"],
    [500, "500ms"],
    [1500, "1.5s"],
    [10_000, "10s"],
    [
      90_000,
      "1m30s",
    ],
    [3_600_000, "1h0m0s"],
    [0.1, "0.1ms"],
  ];
  deepStrictEqual(table.map(([ms]) => formatDuration(ms)), table.map(([, text]) => text));
  for (const [ms, text] of table) equal(parseDuration(text), ms, text);
});
