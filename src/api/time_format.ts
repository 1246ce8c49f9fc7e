/**
 * Times as Go's `time.Time` marshals them to JSON (RFC 3339 with up to nine fraction digits,
 * trailing zeros trimmed, and the local UTC offset; `Z` when the offset is zero), which is what
 * MediaMTX's API prints.
 */

/**
 * Formats `epochMs` (fractional milliseconds allowed) in the local zone, or with
 * `offsetMinutes` east of UTC when given (tests).
 */
export function formatGoTime(epochMs: number, offsetMinutes?: number): string {
  const wholeMs = Math.floor(epochMs);
  const offset = offsetMinutes ?? -new Date(wholeMs).getTimezoneOffset();
  const local = new Date(wholeMs + offset * 60_000);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  const date = `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  const nanos = local.getUTCMilliseconds() * 1_000_000 + Math.round((epochMs - wholeMs) * 1_000_000);
  const fraction = nanos === 0 ? "" : `.${pad(Math.min(nanos, 999_999_999), 9).replace(/0+$/, "")}`;
  let zone = "Z";
  if (offset !== 0) {
    const abs = Math.abs(offset);
    zone = `${offset < 0 ? "-" : "+"}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  }
  return `${date}T${time}${fraction}${zone}`;
}
