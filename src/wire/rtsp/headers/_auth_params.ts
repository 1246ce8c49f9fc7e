/**
 * RFC 7235 §2.1 auth-param lists (`key=token` or `key="quoted string"`, comma-separated) shared
 * by `WWW-Authenticate` and `Authorization`. Private to `headers/`.
 *
 * @module
 */
import { hasControl, quote } from "./_params.ts";

const TOKEN_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Parses `a="x", b=y` into a record with lower-cased keys. Commas are optional between
 * parameters: some cameras separate them with spaces only. Throws a plain `Error` with the reason.
 */
export function parseAuthParams(text: string): Record<string, string> {
  const params: Record<string, string> = {};
  let i = 0;
  const n = text.length;
  const skip = (re: RegExp) => {
    while (i < n && re.test(text[i])) i++;
  };
  for (;;) {
    skip(/[\s,]/);
    if (i >= n) break;
    const keyStart = i;
    while (i < n && !/[\s=,]/.test(text[i])) i++;
    const key = text.slice(keyStart, i);
    skip(/\s/);
    if (!TOKEN_RE.test(key) || text[i] !== "=") {
      throw new Error(`invalid parameter "${clip(text.slice(keyStart))}"`);
    }
    i++;
    skip(/\s/);
    let value = "";
    if (text[i] === '"') {
      i++;
      let closed = false;
      while (i < n) {
        const c = text[i++];
        if (c === "\\" && i < n) value += text[i++];
        else if (c === '"') {
          closed = true;
          break;
        } else value += c;
      }
      if (!closed) throw new Error(`unterminated quoted value for "${key}"`);
    } else {
      const start = i;
      while (i < n && !/[\s,]/.test(text[i])) i++;
      value = text.slice(start, i);
    }
    params[key.toLowerCase()] = value;
  }
  return params;
}

/** Formats a record as `k="v", k2=v2`, leaving the keys in `unquoted` as bare tokens. */
export function formatAuthParams(params: Record<string, string>, unquoted: ReadonlySet<string>): string {
  return Object.entries(params).map(([k, v]) => {
    if (!TOKEN_RE.test(k)) throw new RangeError(`invalid auth parameter name "${clip(k)}"`);
    if (hasControl(v)) throw new RangeError(`invalid auth parameter value for "${k}"`);
    return unquoted.has(k.toLowerCase()) && TOKEN_RE.test(v) ? `${k}=${v}` : `${k}=${quote(v)}`;
  }).join(", ");
}

/** Splits `Method rest` and canonicalises the method (`Basic` / `Digest`), or undefined. */
export function splitAuthMethod(value: string): { method: "Basic" | "Digest"; rest: string } | undefined {
  const m = /^\s*([A-Za-z]+)(?:\s+([\s\S]*))?$/.exec(value);
  if (m === null) return undefined;
  const lower = m[1].toLowerCase();
  if (lower !== "basic" && lower !== "digest") return undefined;
  return { method: lower === "basic" ? "Basic" : "Digest", rest: (m[2] ?? "").trim() };
}

function clip(v: string): string {
  return v.length > 60 ? `${v.slice(0, 60)}…` : v;
}
