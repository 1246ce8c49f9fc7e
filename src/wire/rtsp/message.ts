import type { RtspHeaders } from "./headers.ts";

/** An RTSP/1.0 request as it travels on the wire. */
export interface RtspRequest {
  /** Method token, e.g. `DESCRIBE`; unknown methods are kept as sent. */
  method: string;
  /** Request-URI exactly as sent (absolute `rtsp://…` URL, `*`, or a path). */
  url: string;
  /** Protocol version, normally `RTSP/1.0`. */
  version: string;
  headers: RtspHeaders;
  /** Body bytes (`Content-Length` of them); empty when there is none. */
  body: Uint8Array;
}

/** An RTSP/1.0 response. */
export interface RtspResponse {
  statusCode: number;
  /** Reason phrase; when empty the formatter uses the standard one for the code. */
  reason: string;
  version: string;
  headers: RtspHeaders;
  body: Uint8Array;
}

/** RTSP methods this server knows, in the order announced by `Public`. */
export const SERVER_METHODS = [
  "DESCRIBE",
  "ANNOUNCE",
  "SETUP",
  "PLAY",
  "RECORD",
  "PAUSE",
  "GET_PARAMETER",
  "TEARDOWN",
] as const;
