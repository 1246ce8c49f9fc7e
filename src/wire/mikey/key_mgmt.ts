/**
 * The RTSP wire forms of a MIKEY message (RFC 4567): base64 in the SDP attribute
 * `a=key-mgmt:mikey <base64>` (§3.1, session or media level) and in the RTSP `KeyMgmt` header
 * `prot=mikey;uri="<media URL>";data="<base64>"` (§3.2). The header itself is parsed by
 * `src/wire/rtsp/headers/keymgmt.ts`; the helpers here add the MIKEY step on top.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { formatKeyMgmt, parseKeyMgmt } from "../rtsp/headers/keymgmt.ts";
import { buildMikey } from "./build.ts";
import type { MikeyInit, MikeyMessage } from "./message.ts";
import { parseMikey } from "./parse.ts";

/** SDP attribute name carrying the key (`a=key-mgmt:…`). */
export const KEY_MGMT_ATTRIBUTE = "key-mgmt";

// Standard alphabet; padding optional (some devices drop it), whitespace not allowed.
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/** Base64 of the encoded message. */
export function mikeyToBase64(m: MikeyInit | Uint8Array): string {
  const bytes = m instanceof Uint8Array ? m : buildMikey(m);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/** Decodes base64 strictly (`SyntaxError` on stray characters), then parses the message. */
export function mikeyFromBase64(b64: string): MikeyMessage {
  return parseMikey(decodeBase64(b64));
}

/**
 * Reads the value of an `a=key-mgmt` attribute (`mikey <base64>`, RFC 4567 §3.1: prtcl-id, one
 * space, data) into MIKEY bytes; other protocols are a `SyntaxError`.
 */
export function parseKeyMgmtAttribute(value: string): Uint8Array {
  const m = /^\s*([A-Za-z0-9-]+)[ \t]+(\S+)\s*$/.exec(value);
  if (m === null) throw new SyntaxError(`Cannot parse key-mgmt attribute: expected "mikey <base64>"`);
  if (m[1].toLowerCase() !== "mikey") {
    throw new SyntaxError(`Cannot parse key-mgmt attribute: unsupported protocol "${m[1].slice(0, 40)}"`);
  }
  return decodeBase64(m[2]);
}

/** The value of an `a=key-mgmt` attribute for a message (encoded bytes or fields). */
export function formatKeyMgmtAttribute(msg: MikeyInit | Uint8Array): string {
  return `mikey ${mikeyToBase64(msg)}`;
}

/** Parses a `KeyMgmt` header value and its MIKEY message. */
export function parseMikeyKeyMgmt(headerValue: string): { uri?: string; message: MikeyMessage } {
  const header = parseKeyMgmt(headerValue);
  const message = mikeyFromBase64(header.data);
  return header.uri === undefined ? { message } : { uri: header.uri, message };
}

/** Formats a `KeyMgmt` header value carrying `msg` for the media at `uri`. */
export function formatMikeyKeyMgmt(uri: string | undefined, msg: MikeyInit | Uint8Array): string {
  return formatKeyMgmt(uri === undefined ? { data: mikeyToBase64(msg) } : { uri, data: mikeyToBase64(msg) });
}

function decodeBase64(b64: string): Uint8Array {
  if (b64.length === 0 || !BASE64_RE.test(b64)) {
    throw new SyntaxError(`Cannot parse MIKEY message: invalid base64 "${b64.slice(0, 40)}"`);
  }
  return new Uint8Array(Buffer.from(b64, "base64"));
}
