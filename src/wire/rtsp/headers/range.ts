/**
 * `Range` header (RFC 2326 §12.29, §3.5–3.7), the minimal subset live servers meet:
 * `npt=0-`, `npt=now-`, `npt=0.000-` (ffmpeg RECORD), `clock=…`, `smpte=…`.
 *
 * @module
 */
import { splitKeyValue } from "./_params.ts";

/** A parsed `Range` value; `time` is the optional `;time=` parameter, kept as text. */
export type RangeValue =
  | { unit: "npt"; start?: number | "now"; end?: number; time?: string }
  | { unit: "clock"; start: string; end?: string; time?: string }
  | { unit: "smpte" | "smpte-30-drop" | "smpte-25"; start: string; end?: string; time?: string };

// RFC 2326 §3.6 npt-time: "now", seconds ("12.5"), or h:mm:ss[.fraction].
const NPT_SEC_RE = /^\d+(?:\.\d*)?$/;
const NPT_HHMMSS_RE = /^(\d+):([0-5]?\d):([0-5]?\d(?:\.\d*)?)$/;
// RFC 2326 §3.7 utc-time: 19961108T142300.25Z; §3.5 smpte: 10:07:00:00.5.
const CLOCK_RE = /^\d{8}T\d{6}(?:\.\d+)?Z$/;
const SMPTE_RE = /^\d+:\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

/** Parses a `Range` value; throws `SyntaxError("Cannot parse Range header: …")`. */
export function parseRange(value: string): RangeValue {
  const fail = (why: string): never => {
    throw new SyntaxError(`Cannot parse Range header: ${why} in "${clip(value)}"`);
  };
  const [spec, ...params] = value.split(";");
  let time: string | undefined;
  for (const p of params) {
    const [k, v] = splitKeyValue(p);
    if (k.toLowerCase() === "time" && v !== undefined && v !== "") time = v;
  }
  const [unitRaw, rangeRaw] = splitKeyValue(spec);
  const unit = unitRaw.toLowerCase();
  if (rangeRaw === undefined) return fail("missing range");
  // None of the time formats contains "-", so the first one separates start and end.
  const dash = rangeRaw.indexOf("-");
  if (dash < 0) return fail("missing '-'");
  const from = rangeRaw.slice(0, dash).trim();
  const to = rangeRaw.slice(dash + 1).trim();
  const withTime = <T extends object>(r: T): T => (time === undefined ? r : { ...r, time });

  if (unit === "npt") {
    const r: { unit: "npt"; start?: number | "now"; end?: number } = { unit: "npt" };
    // RFC 2326 §3.6 allows "npt=-30" (start omitted).
    if (from === "now") r.start = "now";
    else if (from !== "") r.start = nptSeconds(from) ?? fail(`invalid npt time "${clip(from)}"`);
    if (to !== "") r.end = nptSeconds(to) ?? fail(`invalid npt time "${clip(to)}"`);
    if (from === "" && to === "") fail("empty npt range");
    return withTime(r);
  }
  if (unit === "clock") {
    if (!CLOCK_RE.test(from)) fail(`invalid clock time "${clip(from)}"`);
    if (to !== "" && !CLOCK_RE.test(to)) fail(`invalid clock time "${clip(to)}"`);
    return withTime(to === "" ? { unit: "clock", start: from } : { unit: "clock", start: from, end: to });
  }
  if (unit === "smpte" || unit === "smpte-30-drop" || unit === "smpte-25") {
    if (!SMPTE_RE.test(from)) fail(`invalid smpte time "${clip(from)}"`);
    if (to !== "" && !SMPTE_RE.test(to)) fail(`invalid smpte time "${clip(to)}"`);
    return withTime(to === "" ? { unit, start: from } : { unit, start: from, end: to });
  }
  return fail(`unsupported unit "${clip(unitRaw)}"`);
}

/** Formats a `Range` value; npt seconds are written with at most 3 decimals (`npt=0-`, `npt=12.5-30`). */
export function formatRange(r: RangeValue): string {
  let out: string;
  if (r.unit === "npt") {
    const start = r.start === undefined ? "" : r.start === "now" ? "now" : seconds(r.start);
    out = `npt=${start}-${r.end === undefined ? "" : seconds(r.end)}`;
  } else {
    if (/[\s;,-]/.test(r.start) || (r.end !== undefined && /[\s;,-]/.test(r.end))) {
      throw new RangeError(`Cannot format Range header: invalid ${r.unit} time`);
    }
    out = `${r.unit}=${r.start}-${r.end ?? ""}`;
  }
  return r.time === undefined ? out : `${out};time=${r.time}`;
}

function nptSeconds(text: string): number | undefined {
  if (NPT_SEC_RE.test(text)) return Number(text);
  const m = NPT_HHMMSS_RE.exec(text);
  if (m === null) return undefined;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

function seconds(n: number): string {
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`Cannot format Range header: invalid npt ${n}`);
  return String(Number(n.toFixed(3)));
}

function clip(v: string): string {
  return v.length > 60 ? `${v.slice(0, 60)}…` : v;
}
