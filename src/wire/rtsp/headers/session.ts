/**
 * `Session` header (RFC 2326 §12.37): `session-id[;timeout=delta-seconds]`.
 *
 * @module
 */
import { splitKeyValue } from "./_params.ts";

/** A parsed `Session` header. */
export interface SessionHeader {
  id: string;
  /** Seconds the server keeps the session without keepalive (RFC 2326 default: 60). */
  timeout?: number;
}

// RFC 2326 §3.4: session-id = 1*( ALPHA | DIGIT | safe ); servers in the wild also use "-", "_",
// "." and "+", so anything visible except separators is accepted.
const ID_RE = /^[^\s;,"]+$/;

/** Parses a `Session` value; throws `SyntaxError("Cannot parse Session header: …")`. */
export function parseSession(value: string): SessionHeader {
  const [idPart, ...params] = value.split(";");
  const id = idPart.trim();
  if (!ID_RE.test(id)) throw new SyntaxError(`Cannot parse Session header: invalid id "${clip(id)}"`);
  const out: SessionHeader = { id };
  for (const param of params) {
    const [key, v] = splitKeyValue(param);
    if (key.toLowerCase() !== "timeout") continue; // unknown parameters are ignored
    // Some servers write "timeout = 60"; splitKeyValue trims around "=".
    if (v === undefined || !/^\d{1,9}$/.test(v)) {
      throw new SyntaxError(`Cannot parse Session header: invalid timeout "${clip(v ?? "")}"`);
    }
    out.timeout = Number(v);
  }
  return out;
}

/** Formats `id` or `id;timeout=N` (MediaMTX advertises 55 for a 60 s idle timeout). */
export function formatSession(id: string, timeout?: number): string {
  if (!ID_RE.test(id)) throw new RangeError(`Cannot format Session header: invalid id "${clip(id)}"`);
  if (timeout === undefined) return id;
  if (!Number.isInteger(timeout) || timeout < 0) {
    throw new RangeError(`Cannot format Session header: invalid timeout ${timeout}`);
  }
  return `${id};timeout=${timeout}`;
}

function clip(v: string): string {
  return v.length > 60 ? `${v.slice(0, 60)}…` : v;
}
