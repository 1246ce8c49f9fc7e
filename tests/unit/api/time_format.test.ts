import { equal } from "node:assert/strict";
import { formatGoTime } from "../../../src/api/time_format.ts";

Deno.test("times print as Go's RFC 3339 with nanoseconds, trailing zeros trimmed, and the offset", () => {
  const ms = Date.UTC(2026, 11, 4, 5, 12, 7, 123);
  const cases: { name: string; ms: number; offset: number; text: string }[] = [
    { name: "UTC", ms, offset: 0, text: "2026-12-04T05:12:07.123Z" },
    { name: "east", ms, offset: 60, text: "2026-12-04T06:12:07.123+01:00" },
    { name: "west, half hour", ms, offset: -210, text: "2026-12-04T01:42:07.123-03:30" },
    { name: "sub-millisecond", ms: ms + 0.25, offset: 0, text: "2026-12-04T05:12:07.12325Z" },
    { name: "whole second", ms: Date.UTC(2026, 0, 1), offset: 0, text: "2026-01-01T00:00:00Z" },
    { name: "day change", ms: Date.UTC(2026, 0, 1, 23, 30), offset: 90, text: "2026-01-02T01:00:00+01:30" },
  ];
  for (const c of cases) equal(formatGoTime(c.ms, c.offset), c.text, c.name);
});

Deno.test("the local offset is used by default", () => {
  const text = formatGoTime(Date.now());
  const offset = -new Date().getTimezoneOffset();
  equal(text.endsWith("Z"), offset === 0);
});
