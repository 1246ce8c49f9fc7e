/**
 * Server-side reading of request URLs: stream path, query and per-media control.
 *
 * Clients disagree on where the media control goes when the URL has a query:
 * - ffmpeg appends it to the whole Content-Base, so it lands after the query:
 *   `rtsp://h:8554/cam/1?token=x/streamid=0`;
 * - GStreamer appends it to the path and keeps the query last:
 *   `rtsp://h:8554/cam/1/stream=0?token=x`.
 * Both, and plain `rtsp://h:8554/cam/1/trackID=0`, mean path `cam/1`, query `token=x`, media 0.
 *
 * @module
 */
import { RtspError } from "./rtsp_error.ts";
import { parseRtspUrl } from "./url.ts";

/** The spellings of a per-media control seen in the wild. */
export type ControlKind = "trackID" | "streamid" | "stream";

/** What a request URL designates on this server. */
export interface RequestTarget {
  /** Stream path without leading/trailing "/", e.g. "mystream" or "cam/1"; "" for `*` or "/". */
  path: string;
  /** Query without "?" and without a trailing "/"; "" when there is none. */
  query: string;
  /** Per-media control (SETUP only): `trackID=N` (ours, VLC), `streamid=N` (ffmpeg), `stream=N` (GStreamer). */
  control?: { kind: ControlKind; index: number };
  /**
   * SETUP only, no control: the URL ended with "/" (on the path or, ffmpeg-style, on the query).
   * Some players SETUP the Content-Base itself for single-media streams, meaning media 0.
   */
  trailingSlash?: boolean;
}

// Control token at the end of a path or query, keyed case-insensitively (some players lower-case
// "trackID"). Nine digits keep the index a safe small integer.
const PATH_CONTROL_RE = /^(.*)\/(trackid|streamid|stream)=(\d{1,9})\/?$/i;
const QUERY_CONTROL_RE = /^(.*?)\/(trackid|streamid|stream)=(\d{1,9})\/?$/i;
const RELATIVE_CONTROL_RE = /^(trackid|streamid|stream)=(\d{1,9})$/i;

/**
 * Extracts path, query and (with `setup`) the media control from a request URL: absolute
 * (`rtsp://`, `rtsps://`, tunnel schemes), path-only (`/path?q`) or `*`. Throws `RtspError(400)`.
 */
export function parseRequestTarget(url: string, options?: { setup?: boolean }): RequestTarget {
  const { rawPath, rawQuery } = splitTarget(url);
  let path = rawPath;
  let query = rawQuery;
  let control: RequestTarget["control"];

  if (options?.setup === true) {
    // ffmpeg form first: a control after the query belongs to the media, not to the query.
    const q = rawQuery === "" ? null : QUERY_CONTROL_RE.exec(rawQuery);
    if (q !== null) {
      query = q[1];
      control = { kind: kindOf(q[2]), index: Number(q[3]) };
    } else {
      const p = PATH_CONTROL_RE.exec(rawPath);
      if (p !== null) {
        path = p[1];
        control = { kind: kindOf(p[2]), index: Number(p[3]) };
      }
    }
  }

  const target: RequestTarget = { path: trimSlashes(path), query: query.replace(/\/+$/, "") };
  if (control !== undefined) target.control = control;
  else if (options?.setup === true && (rawPath.endsWith("/") || rawQuery.endsWith("/"))) {
    target.trailingSlash = true;
  }
  return target;
}

/**
 * Whether a SETUP URL designates the media announced with `a=control:<control>` (RECORD).
 *
 * Accepts absolute controls (`rtsp://h/p/streamid=0`, any host: cameras announce their own
 * address), ffmpeg and GStreamer relative forms, `*`/empty for single-media announcements, and
 * free-form relative controls (`video`, `track1`). When `baseUrl` (the ANNOUNCE URL) is given,
 * the SETUP path must also be the announced path.
 */
export function matchControl(url: string, control: string, baseUrl?: string): boolean {
  let target: RequestTarget;
  let base: RequestTarget | undefined;
  try {
    target = parseRequestTarget(url, { setup: true });
    if (baseUrl !== undefined) base = parseRequestTarget(baseUrl);
  } catch {
    return false;
  }
  const samePath = (path: string) => base === undefined || base.path === path;
  const c = control.trim();

  if (c === "" || c === "*") {
    // RFC 2326 §C.1.1: "*" means the aggregate URL itself, which single-media clients SETUP.
    return target.control === undefined && samePath(target.path);
  }

  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(c)) {
    let announced: RequestTarget;
    try {
      announced = parseRequestTarget(c, { setup: true });
    } catch {
      return false;
    }
    if (announced.control !== undefined || target.control !== undefined) {
      return sameControl(announced.control, target.control) && announced.path === target.path;
    }
    // Free-form absolute control (`rtsp://cam/live/video`): same path, and same query when the
    // announced one has a query (a SETUP may add an auth token the announcement lacks).
    return announced.path === target.path && (announced.query === "" || announced.query === target.query);
  }

  const rel = RELATIVE_CONTROL_RE.exec(c);
  if (rel !== null) {
    const wanted = { kind: kindOf(rel[1]), index: Number(rel[2]) };
    return sameControl(wanted, target.control) && samePath(target.path);
  }

  // Free-form relative control: the URL must end with "/<control>", in the path (GStreamer, or no
  // query) or after the query (ffmpeg); what precedes it is the announced path.
  const { rawPath, rawQuery } = splitTarget(url);
  const suffix = `/${c.replace(/^\/+|\/+$/g, "")}`;
  const path = rawPath.replace(/\/+$/, "");
  const query = rawQuery.replace(/\/+$/, "");
  if (query !== "" && query.endsWith(suffix)) return samePath(trimSlashes(rawPath));
  if (path.endsWith(suffix)) return samePath(trimSlashes(path.slice(0, -suffix.length)));
  return false;
}

function splitTarget(url: string): { rawPath: string; rawQuery: string } {
  // RFC 2326 §6.1: "*" is the server itself (OPTIONS *).
  if (url === "*") return { rawPath: "", rawQuery: "" };
  if (url.startsWith("/")) {
    // deno-lint-ignore no-control-regex
    if (/[\x00-\x20\x7f]/.test(url)) throw new RtspError(400, `invalid request target "${clip(url)}"`);
    const q = url.indexOf("?");
    return q < 0 ? { rawPath: url, rawQuery: "" } : { rawPath: url.slice(0, q), rawQuery: url.slice(q + 1) };
  }
  try {
    const u = parseRtspUrl(url);
    // Any RTSP family scheme: ffmpeg sends rtsp:// in requests on an rtsps:// connection, and
    // tunnelled clients may keep rtsp+http://.
    if (!u.scheme.startsWith("rtsp")) throw new SyntaxError(`unsupported scheme "${u.scheme}"`);
    return { rawPath: u.path, rawQuery: u.query };
  } catch (cause) {
    throw new RtspError(400, `invalid URL "${clip(url)}"`, { cause });
  }
}

function sameControl(a: RequestTarget["control"], b: RequestTarget["control"]): boolean {
  return a !== undefined && b !== undefined && a.kind === b.kind && a.index === b.index;
}

function kindOf(token: string): ControlKind {
  const lower = token.toLowerCase();
  return lower === "trackid" ? "trackID" : lower === "streamid" ? "streamid" : "stream";
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, "");
}

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
