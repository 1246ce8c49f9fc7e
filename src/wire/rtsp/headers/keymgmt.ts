/**
 * `KeyMgmt` header (RFC 4567 §3.1): `prot=mikey;uri="<media URL>";data="<base64 MIKEY>"`,
 * carrying the SRTP key of one media over RTSPS.
 *
 * @module
 */
import { hasControl, quote, splitKeyValue, splitOutsideQuotes, unquote } from "./_params.ts";

/** A parsed `KeyMgmt` header (only `prot=mikey` is supported). */
export interface KeyMgmt {
  /** Media URL the key applies to. */
  uri?: string;
  /** Base64 MIKEY message. */
  data: string;
}

const BASE64_RE = /^[A-Za-z0-9+/]+={0,2}$/;

/** Parses a `KeyMgmt` value; throws `SyntaxError("Cannot parse KeyMgmt header: …")`. */
export function parseKeyMgmt(value: string): KeyMgmt {
  const fail = (why: string): never => {
    throw new SyntaxError(`Cannot parse KeyMgmt header: ${why}`);
  };
  let prot: string | undefined;
  let uri: string | undefined;
  let data: string | undefined;
  for (const param of splitOutsideQuotes(value, ";")) {
    if (param.trim() === "") continue;
    const [key, raw] = splitKeyValue(param);
    const v = raw === undefined ? "" : unquote(raw);
    switch (key.toLowerCase()) {
      case "prot":
        prot = v;
        break;
      case "uri":
        uri = v;
        break;
      case "data":
        data = v;
        break;
      default:
        break; // RFC 4567 allows extensions; ignored.
    }
  }
  if (prot === undefined) return fail("missing prot");
  if (prot.toLowerCase() !== "mikey") return fail(`unsupported prot "${clip(prot)}"`);
  if (data === undefined || !BASE64_RE.test(data)) return fail(`invalid data "${clip(data ?? "")}"`);
  return uri === undefined || uri === "" ? { data } : { uri, data };
}

/** Formats `prot=mikey;uri="…";data="…"` (uri omitted when absent). */
export function formatKeyMgmt(k: KeyMgmt): string {
  if (!BASE64_RE.test(k.data)) throw new RangeError("Cannot format KeyMgmt header: invalid data");
  if (k.uri !== undefined && hasControl(k.uri)) {
    throw new RangeError("Cannot format KeyMgmt header: invalid uri");
  }
  const uri = k.uri === undefined ? "" : `;uri=${quote(k.uri)}`;
  return `prot=mikey${uri};data=${quote(k.data)}`;
}

function clip(v: string): string {
  return v.length > 60 ? `${v.slice(0, 60)}…` : v;
}
