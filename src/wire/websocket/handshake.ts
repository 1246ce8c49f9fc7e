/**
 * The WebSocket opening handshake (RFC 6455 §4) as used by the ONVIF RTSP-over-WebSocket tunnel
 * (subprotocol `rtsp.onvif.org`): checking a client's upgrade request, computing the accept
 * value, and checking a server's 101 answer. Pure apart from SHA-1.
 *
 * Unlike an exact-string comparison, `Connection` and `Upgrade` are read as case-insensitive
 * token lists: Firefox sends `Connection: keep-alive, Upgrade`.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { RtspHeaders } from "../rtsp/headers.ts";

/** The GUID appended to the key before hashing (RFC 6455 §1.3). */
const WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** Subprotocol of the ONVIF Streaming Specification's RTSP-over-WebSocket. */
const ONVIF_SUBPROTOCOL = "rtsp.onvif.org";

/** The only protocol version RFC 6455 defines. */
const WEBSOCKET_VERSION = "13";

/** `Sec-WebSocket-Accept` for a `Sec-WebSocket-Key` (§4.2.2 step 5.4): base64(SHA-1(key + GUID)). */
export function websocketAccept(key: string): string {
  return createHash("sha1").update(key + WEBSOCKET_GUID).digest("base64");
}

/** Values of a comma-separated header, trimmed, lower-cased, across repeated lines. */
export function headerTokens(headers: RtspHeaders, name: string): string[] {
  return headers.getAll(name)
    .flatMap((v) => v.split(","))
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== "");
}

/** Whether the comma-separated header `name` lists `token` (case-insensitive). */
export function hasToken(headers: RtspHeaders, name: string, token: string): boolean {
  return headerTokens(headers, name).includes(token.toLowerCase());
}

/** Whether a request asks for a WebSocket upgrade at all (`Upgrade` lists `websocket`). */
export function isWebSocketUpgrade(method: string, headers: RtspHeaders): boolean {
  return method === "GET" && hasToken(headers, "Upgrade", "websocket");
}

/** Outcome of checking an upgrade request: what to accept with, or how to refuse. */
export type UpgradeCheck =
  | { ok: true; key: string; protocol: string }
  | { ok: false; status: 400 | 426; reason: string };

// §4.1: the key is a base64-encoded 16-byte nonce, i.e. 22 characters and "==".
const KEY_RE = /^[A-Za-z0-9+/]{22}==$/;

/**
 * Checks an upgrade request against §4.2.1 and the ONVIF subprotocol. A wrong version gets 426
 * (answered with `Sec-WebSocket-Version: 13`, §4.4), anything else 400.
 */
export function checkUpgradeRequest(
  head: { method: string; version: string; headers: RtspHeaders },
): UpgradeCheck {
  const { headers } = head;
  const fail = (status: 400 | 426, reason: string): UpgradeCheck => ({ ok: false, status, reason });
  if (head.method !== "GET") return fail(400, `method ${head.method} cannot upgrade`);
  if (head.version !== "HTTP/1.1") return fail(400, `${head.version} cannot upgrade`);
  if (!hasToken(headers, "Upgrade", "websocket")) return fail(400, "Upgrade does not list websocket");
  if (!hasToken(headers, "Connection", "upgrade")) return fail(400, "Connection does not list Upgrade");
  const versions = headerTokens(headers, "Sec-WebSocket-Version");
  if (!versions.includes(WEBSOCKET_VERSION)) {
    return fail(426, `unsupported Sec-WebSocket-Version "${versions.join(", ")}"`);
  }
  const keys = headers.getAll("Sec-WebSocket-Key");
  if (keys.length !== 1 || !KEY_RE.test(keys[0].trim())) {
    return fail(400, "missing or invalid Sec-WebSocket-Key");
  }
  // Subprotocol names are case-sensitive tokens (§4.1, §11.5), so compare the exact name.
  const protocols = headers.getAll("Sec-WebSocket-Protocol").flatMap((v) => v.split(",")).map((t) =>
    t.trim()
  );
  if (!protocols.includes(ONVIF_SUBPROTOCOL)) {
    return fail(400, `subprotocol ${ONVIF_SUBPROTOCOL} not offered`);
  }
  return { ok: true, key: keys[0].trim(), protocol: ONVIF_SUBPROTOCOL };
}

/** Headers of the 101 answer: accept value and the echoed subprotocol (browsers insist on it). */
export function upgradeResponseHeaders(key: string, protocol: string): [string, string][] {
  return [
    ["Upgrade", "websocket"],
    ["Connection", "Upgrade"],
    ["Sec-WebSocket-Accept", websocketAccept(key)],
    ["Sec-WebSocket-Protocol", protocol],
  ];
}

/** What a client requires of the 101 answer. */
export interface UpgradeResponseExpectations {
  /** The key the client sent. */
  key: string;
  /**
   * Fail when the server does not echo `rtsp.onvif.org`. Off by default: gortsplib (MediaMTX)
   * servers never echo it, and §4.1 only forbids a protocol the client did not offer.
   */
  requireProtocolEcho?: boolean;
}

/** Checks a server's answer to our upgrade (§4.1 client steps); returns why it fails, or undefined. */
export function checkUpgradeResponse(
  head: { status: number; headers: RtspHeaders },
  expect: UpgradeResponseExpectations,
): string | undefined {
  const { headers } = head;
  if (head.status !== 101) return `status ${head.status} instead of 101`;
  if (!hasToken(headers, "Upgrade", "websocket")) return "Upgrade does not list websocket";
  if (!hasToken(headers, "Connection", "upgrade")) return "Connection does not list Upgrade";
  const accept = headers.get("Sec-WebSocket-Accept")?.trim();
  if (accept !== websocketAccept(expect.key)) return `wrong Sec-WebSocket-Accept "${accept ?? ""}"`;
  const protocol = headers.get("Sec-WebSocket-Protocol")?.trim();
  if (protocol !== undefined && protocol !== ONVIF_SUBPROTOCOL) return `unexpected subprotocol "${protocol}"`;
  if (protocol === undefined && expect.requireProtocolEcho === true) return "subprotocol not echoed";
  if (headers.has("Sec-WebSocket-Extensions")) return "extensions were not offered";
  return undefined;
}

/** Headers of the upgrade request a client sends to `host` (with port) with its fresh `key`. */
export function upgradeRequestHeaders(host: string, key: string): [string, string][] {
  return [
    ["Host", host],
    ["Upgrade", "websocket"],
    ["Connection", "Upgrade"],
    ["Sec-WebSocket-Key", key],
    ["Sec-WebSocket-Version", WEBSOCKET_VERSION],
    ["Sec-WebSocket-Protocol", ONVIF_SUBPROTOCOL],
  ];
}
