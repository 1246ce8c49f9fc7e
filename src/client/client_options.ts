/**
 * Options and results of the RTSP client, kept apart so that carriers and callers can import
 * them without the client.
 *
 * @module
 */
import type { ByteStream } from "../transport/mod.ts";
import type { Logger } from "../log/mod.ts";
import type { RtspResponse } from "../wire/rtsp/mod.ts";
import type { RtspUrl } from "../wire/rtsp/mod.ts";
import type { SessionDescription } from "../wire/sdp/mod.ts";
import type { DialTlsOptions } from "./dial.ts";
import type { Clock } from "../time/mod.ts";

/** Options of `RtspClient.connect`. */
export interface RtspClientOptions {
  /** Opens the carrier; default: TCP for rtsp://, TLS for rtsps://. Tunnels plug in here. */
  dial?: (url: RtspUrl) => Promise<ByteStream>;
  /** TLS settings of the default dialer. */
  tls?: DialTlsOptions;
  /** `automatic` = UDP, then TCP on 461 or when no packet arrives within 3 s (gortsplib's client). */
  transport?: "tcp" | "udp" | "automatic";
  /** Response timeout and liveness timeout (no media while playing), default 10 s (readTimeout). */
  timeoutMs?: number;
  /** `User-Agent` header, default "deno-rtsp-server". */
  userAgent?: string;
  /** Where the client logs; silent by default. */
  log?: Logger;
  /** Local host of UDP sockets; default 127.0.0.1 for a loopback server, else 0.0.0.0. */
  udpHost?: string;
  /** Time for keepalives, reports, liveness and response timeouts; the system clock when omitted. */
  clock?: Clock;
}

/** What `describe()` learned. */
export interface DescribeResult {
  sdp: SessionDescription;
  /** Base of the control URLs: session a=control, Content-Base, or the request URL. */
  baseUrl: string;
  response: RtspResponse;
}
