/**
 * `Transport` header (RFC 2326 §12.39): a comma-separated list of transport specs in order of
 * preference, each `protocol/profile[/lower];param[=value];…`.
 *
 * @module
 */
import { hasControl, splitKeyValue, splitOutsideQuotes, unquote } from "./_params.ts";

/** RTP profile: plain (RFC 3551) or secure (RFC 3711). */
export type TransportProfile = "AVP" | "SAVP";
/** Lower transport; `RTP/AVP` without one means UDP. */
export type LowerTransport = "UDP" | "TCP";

/** One transport spec of a `Transport` header. */
export interface TransportSpec {
  profile: TransportProfile;
  lower: LowerTransport;
  delivery?: "unicast" | "multicast";
  destination?: string;
  source?: string;
  /** Interleaved channels (TCP), RTP then RTCP. */
  interleaved?: [number, number];
  /** Multicast TTL. */
  ttl?: number;
  /** Multicast port pair. */
  port?: [number, number];
  clientPort?: [number, number];
  serverPort?: [number, number];
  /** Sender SSRC, sent as hex. */
  ssrc?: number;
  /** `receive` (Darwin, `ffmpeg -listen`) and any casing of `RECORD` map to `record`. */
  mode?: "play" | "record";
  /** The spec as it appeared in the header, trimmed. */
  raw: string;
}

const PROTOCOLS: Readonly<Record<string, [TransportProfile, LowerTransport]>> = {
  "RTP/AVP": ["AVP", "UDP"],
  "RTP/AVP/UDP": ["AVP", "UDP"],
  "RTP/AVP/TCP": ["AVP", "TCP"],
  "RTP/SAVP": ["SAVP", "UDP"],
  "RTP/SAVP/UDP": ["SAVP", "UDP"],
  "RTP/SAVP/TCP": ["SAVP", "TCP"],
};

/**
 * Parses every spec of a `Transport` value. Specs with an unknown protocol or a bad parameter
 * are skipped, since the server only needs the first one it supports (RFC 2326 §12.39); when
 * none is usable, throws `SyntaxError("Cannot parse Transport header: …")` naming the first problem.
 */
export function parseTransports(value: string): TransportSpec[] {
  const specs: TransportSpec[] = [];
  let firstError: string | undefined;
  for (const part of splitOutsideQuotes(value, ",")) {
    if (part.trim() === "") continue;
    try {
      specs.push(parseSpec(part.trim()));
    } catch (e) {
      firstError ??= (e as Error).message;
    }
  }
  if (specs.length === 0) {
    throw new SyntaxError(`Cannot parse Transport header: ${firstError ?? "no transport spec"}`);
  }
  return specs;
}

/** Parses a single spec (no commas); throws `SyntaxError` like `parseTransports`. */
export function parseTransport(value: string): TransportSpec {
  try {
    return parseSpec(value.trim());
  } catch (e) {
    throw new SyntaxError(`Cannot parse Transport header: ${(e as Error).message}`);
  }
}

function parseSpec(raw: string): TransportSpec {
  const [protocol, ...params] = splitOutsideQuotes(raw, ";").map((p) => p.trim());
  // Profiles are case-insensitive in practice: some cameras send "rtp/avp".
  const known = PROTOCOLS[protocol.toUpperCase()];
  if (known === undefined) throw new Error(`unsupported protocol "${clip(protocol)}"`);
  const spec: TransportSpec = { profile: known[0], lower: known[1], raw };
  for (const param of params) {
    if (param === "") continue; // "RTP/AVP;;unicast" and trailing ";" are harmless
    const [key, rawValue] = splitKeyValue(param);
    const v = rawValue === undefined ? undefined : unquote(rawValue);
    switch (key.toLowerCase()) {
      case "unicast":
      case "multicast":
        spec.delivery = key.toLowerCase() as "unicast" | "multicast";
        break;
      case "destination":
        // RFC 2326 allows a bare "destination" (meaning the sender); only an address is useful.
        if (v !== undefined && v !== "") spec.destination = address(v, key);
        break;
      case "source":
        if (v !== undefined && v !== "") spec.source = address(v, key);
        break;
      case "interleaved":
        spec.interleaved = range(v, key, 255, { ordered: true });
        break;
      case "ttl":
        spec.ttl = integer(v, key, 255);
        break;
      case "port":
        spec.port = range(v, key, 65535);
        break;
      case "client_port":
        // Port 0 cannot be sent to, and RTCP's port follows RTP's (gortsplib refuses both).
        spec.clientPort = range(v, key, 65535, { ordered: true, nonZero: true });
        break;
      case "server_port":
        spec.serverPort = range(v, key, 65535);
        break;
      case "ssrc":
        // Always hex (RFC 2326 §12.39), also when a client's value happens to look decimal.
        if (v === undefined || !/^[0-9A-Fa-f]{1,8}$/.test(v)) throw new Error(`invalid ssrc "${clip(v)}"`);
        spec.ssrc = parseInt(v, 16);
        break;
      case "mode":
        spec.mode = mode(v);
        break;
      default:
        // append, layers, RTCP-mux and vendor extensions: not used, ignored.
        break;
    }
  }
  return spec;
}

/** Formats one spec: UDP as `RTP/AVP`, TCP as `RTP/AVP/TCP`, ssrc as 8 upper-case hex digits. */
export function formatTransport(t: TransportSpec): string {
  const parts = [t.lower === "TCP" ? `RTP/${t.profile}/TCP` : `RTP/${t.profile}`];
  if (t.delivery !== undefined) parts.push(t.delivery);
  if (t.destination !== undefined) parts.push(`destination=${checked(t.destination)}`);
  if (t.source !== undefined) parts.push(`source=${checked(t.source)}`);
  if (t.interleaved !== undefined) parts.push(`interleaved=${pair(t.interleaved, 255)}`);
  if (t.port !== undefined) parts.push(`port=${pair(t.port, 65535)}`);
  if (t.ttl !== undefined) parts.push(`ttl=${t.ttl}`);
  if (t.clientPort !== undefined) parts.push(`client_port=${pair(t.clientPort, 65535)}`);
  if (t.serverPort !== undefined) parts.push(`server_port=${pair(t.serverPort, 65535)}`);
  if (t.ssrc !== undefined) {
    if (!Number.isInteger(t.ssrc) || t.ssrc < 0 || t.ssrc > 0xffffffff) {
      throw new RangeError(`Cannot format Transport header: invalid ssrc ${t.ssrc}`);
    }
    parts.push(`ssrc=${t.ssrc.toString(16).toUpperCase().padStart(8, "0")}`);
  }
  if (t.mode !== undefined) parts.push(`mode=${t.mode}`);
  return parts.join(";");
}

/** Formats several specs as one comma-separated header value. */
export function formatTransports(specs: readonly TransportSpec[]): string {
  return specs.map(formatTransport).join(",");
}

/** `ordered`: the second value must be above the first; `nonZero`: 0 is not a usable value. */
function range(
  v: string | undefined,
  key: string,
  max: number,
  rules: { ordered?: boolean; nonZero?: boolean } = {},
): [number, number] {
  const m = v === undefined ? null : /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(v);
  if (m === null) throw new Error(`invalid ${key} "${clip(v)}"`);
  const a = Number(m[1]);
  // A single value "a" means the pair a, a+1 (RFC 2326 §12.39, e.g. "interleaved=0").
  const b = m[2] === undefined ? a + 1 : Number(m[2]);
  if (a > max || b > max) throw new Error(`invalid ${key} "${clip(v)}"`);
  if (rules.ordered === true && b <= a) throw new Error(`invalid ${key} "${clip(v)}": descending range`);
  if (rules.nonZero === true && a === 0) throw new Error(`invalid ${key} "${clip(v)}": port 0`);
  return [a, b];
}

function integer(v: string | undefined, key: string, max: number): number {
  if (v === undefined || !/^\d{1,5}$/.test(v) || Number(v) > max) {
    throw new Error(`invalid ${key} "${clip(v)}"`);
  }
  return Number(v);
}

function address(v: string, key: string): string {
  if (/[\s;,"]/.test(v) || hasControl(v)) throw new Error(`invalid ${key} "${clip(v)}"`);
  return v;
}

function mode(v: string | undefined): "play" | "record" {
  // GStreamer's rtspclientsink sends mode=RECORD, some cameras mode="PLAY".
  const m = v?.toLowerCase();
  if (m === "play") return "play";
  if (m === "record" || m === "receive") return "record";
  throw new Error(`invalid mode "${clip(v)}"`);
}

function pair(p: [number, number], max: number): string {
  if (!p.every((n) => Number.isInteger(n) && n >= 0 && n <= max)) {
    throw new RangeError(`Cannot format Transport header: invalid pair ${p.join("-")}`);
  }
  return `${p[0]}-${p[1]}`;
}

function checked(v: string): string {
  if (/[\s;,"]/.test(v) || hasControl(v)) {
    throw new RangeError(`Cannot format Transport header: invalid address "${v}"`);
  }
  return v;
}

function clip(v: string | undefined): string {
  if (v === undefined) return "";
  return v.length > 60 ? `${v.slice(0, 60)}…` : v;
}
