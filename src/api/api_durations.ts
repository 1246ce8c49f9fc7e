/**
 * Durations as MediaMTX's control API writes them: whole days first (`1d`), then Go's
 * `time.Duration` text of the rest (`1h0m0s`, `10s`), and `""` for zero (a Go quirk tools see).
 */

import { formatDuration } from "../config/mod.ts";

const DAY_MS = 86_400_000;

/** Formats milliseconds the way MediaMTX's API does. */
export function formatApiDuration(ms: number): string {
  const days = Math.floor(ms / DAY_MS);
  const rest = ms - days * DAY_MS;
  return (days > 0 ? `${days}d` : "") + (rest > 0 ? formatDuration(rest) : "");
}

/**
 * Turns what a client may send back (`""`, `1d`, `2d3h`) into Go duration text the configuration
 * decoder reads; anything else is left for the decoder to judge.
 */
export function normalizeApiDuration(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const text = value.trim();
  if (text === "") return "0s";
  const m = /^(\d+)d(.*)$/.exec(text);
  if (m === null) return value;
  return `${Number(m[1]) * 24}h${m[2]}`;
}
