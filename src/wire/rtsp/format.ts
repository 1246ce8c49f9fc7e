/**
 * Serialisation of RTSP messages and `$` interleaved frames (RFC 2326 §6, §7, §10.12).
 *
 * @module
 */
import { RtspHeaders } from "./headers.ts";
import type { RtspRequest, RtspResponse } from "./message.ts";

/** Size of the `$` + channel + 16-bit length prefix of an interleaved frame (RFC 2326 §10.12). */
const INTERLEAVED_HEADER_BYTES = 4;

/** Largest payload an interleaved frame can carry (16-bit length field). */
const MAX_INTERLEAVED_PAYLOAD = 0xffff;

// RFC 2326 §7.1.1 reason phrases; 463 comes from RFC 4567 §5 (KeyMgmt). Phrases that the RFC
// writes in lower case ("Unsupported transport") are title-cased like the rest, which is what
// clients print and what the Axis 463 retry matches on.
const STATUS_TEXT: Readonly<Record<number, string>> = {
  100: "Continue",
  200: "OK",
  201: "Created",
  250: "Low on Storage Space",
  300: "Multiple Choices",
  301: "Moved Permanently",
  302: "Moved Temporarily",
  303: "See Other",
  304: "Not Modified",
  305: "Use Proxy",
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  407: "Proxy Authentication Required",
  408: "Request Time-out",
  410: "Gone",
  411: "Length Required",
  412: "Precondition Failed",
  413: "Request Entity Too Large",
  414: "Request-URI Too Large",
  415: "Unsupported Media Type",
  451: "Parameter Not Understood",
  452: "Conference Not Found",
  453: "Not Enough Bandwidth",
  454: "Session Not Found",
  455: "Method Not Valid in This State",
  456: "Header Field Not Valid for Resource",
  457: "Invalid Range",
  458: "Parameter Is Read-Only",
  459: "Aggregate Operation Not Allowed",
  460: "Only Aggregate Operation Allowed",
  461: "Unsupported Transport",
  462: "Destination Unreachable",
  463: "Key Management Failure",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Time-out",
  505: "RTSP Version Not Supported",
  551: "Option Not Supported",
};

/** Standard reason phrase for an RTSP status code (RFC 2326 §7.1.1), `"Unknown"` when there is none. */
export function statusText(code: number): string {
  return STATUS_TEXT[code] ?? "Unknown";
}

/** A response with an empty reason (the formatter fills in the standard phrase) and `RTSP/1.0`. */
export function newResponse(
  statusCode: number,
  headers?: RtspHeaders | Record<string, string>,
  body?: Uint8Array,
): RtspResponse {
  return {
    statusCode,
    reason: "",
    version: "RTSP/1.0",
    headers: headers instanceof RtspHeaders ? headers : new RtspHeaders(headers),
    body: body ?? new Uint8Array(0),
  };
}

const encoder = new TextEncoder();

/** Serialises a request: request line, headers, `Content-Length` when there is a body, body. */
export function formatRequest(req: RtspRequest): Uint8Array {
  checkLineText(req.method, "method");
  checkLineText(req.url, "URL");
  checkLineText(req.version, "version");
  if (/\s/.test(req.method) || /\s/.test(req.url)) {
    throw new RangeError(`Cannot format RTSP request: whitespace in method or URL "${req.url}"`);
  }
  return assemble(`${req.method} ${req.url} ${req.version}\r\n`, req.headers, req.body);
}

/** Serialises a response; an empty `reason` becomes the standard phrase of the code. */
export function formatResponse(res: RtspResponse): Uint8Array {
  if (!Number.isInteger(res.statusCode) || res.statusCode < 100 || res.statusCode > 999) {
    throw new RangeError(`Cannot format RTSP response: invalid status code ${res.statusCode}`);
  }
  const reason = res.reason === "" ? statusText(res.statusCode) : res.reason;
  checkLineText(reason, "reason");
  checkLineText(res.version, "version");
  return assemble(`${res.version} ${res.statusCode} ${reason}\r\n`, res.headers, res.body);
}

/** A whole interleaved frame (`$`, channel, 16-bit big-endian length, payload; RFC 2326 §10.12). */
export function formatInterleaved(channel: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(INTERLEAVED_HEADER_BYTES + payload.length);
  writeInterleavedHeader(out, 0, channel, payload.length);
  out.set(payload, INTERLEAVED_HEADER_BYTES);
  return out;
}

/** Writes the 4-byte interleaved prefix at `offset`, for callers that reserved headroom. */
export function writeInterleavedHeader(
  target: Uint8Array,
  offset: number,
  channel: number,
  length: number,
): void {
  if (!Number.isInteger(channel) || channel < 0 || channel > 0xff) {
    throw new RangeError(`Cannot format interleaved frame: invalid channel ${channel}`);
  }
  if (!Number.isInteger(length) || length < 0 || length > MAX_INTERLEAVED_PAYLOAD) {
    throw new RangeError(`Cannot format interleaved frame: invalid length ${length}`);
  }
  if (offset < 0 || offset + INTERLEAVED_HEADER_BYTES > target.length) {
    throw new RangeError(`Cannot format interleaved frame: no room at offset ${offset}`);
  }
  target[offset] = 0x24; // "$"
  target[offset + 1] = channel;
  target[offset + 2] = length >> 8;
  target[offset + 3] = length & 0xff;
}

function assemble(startLine: string, headers: RtspHeaders, body: Uint8Array): Uint8Array {
  let head = startLine;
  for (const [name, value] of headers) {
    // Content-Length is always derived from the body so it can never disagree with it.
    if (name.toLowerCase() === "content-length") continue;
    checkLineText(name, "header name");
    checkLineText(value, "header value");
    if (name === "" || /[\s:]/.test(name)) {
      throw new RangeError(`Cannot format RTSP message: invalid header name "${name}"`);
    }
    head += `${name}: ${value}\r\n`;
  }
  if (body.length > 0) head += `Content-Length: ${body.length}\r\n`;
  head += "\r\n";
  const headBytes = encoder.encode(head);
  if (body.length === 0) return headBytes;
  const out = new Uint8Array(headBytes.length + body.length);
  out.set(headBytes, 0);
  out.set(body, headBytes.length);
  return out;
}

// A CR or LF inside a value would let a reflected URL or header inject extra header lines.
function checkLineText(text: string, what: string): void {
  if (/[\r\n]/.test(text)) {
    throw new RangeError(`Cannot format RTSP message: line break in ${what}`);
  }
}
