/**
 * The default carrier of the client: plain TCP for `rtsp://`, TLS for `rtsps://`, and the
 * tunnels `rtsp+http://`, `rtsps+http://` (QuickTime HTTP tunnel) and `rtsp+ws://`,
 * `rtsps+ws://` (ONVIF WebSocket tunnel), as MediaMTX's sources accept them.
 *
 * @module
 */
import type { ByteStream } from "../transport/mod.ts";
import { dialTcp } from "../transport/mod.ts";
import { dialHttpTunnel } from "../transport/mod.ts";
import { dialTls } from "../transport/mod.ts";
import { dialWebSocketTunnel } from "../transport/mod.ts";
import { defaultPortOf, type RtspUrl } from "../wire/rtsp/mod.ts";

/** TLS settings of the default dialer. */
export interface DialTlsOptions {
  /** PEM certificates trusted in addition to the system roots (self-signed servers). */
  caCerts?: string[];
  /**
   * SHA-256 of the server's certificate in hex (MediaMTX's `sourceFingerprint`): when set, it
   * replaces certificate-authority checks, for self-signed cameras. Checked before any RTSP byte.
   */
  fingerprint?: string;
  /** Not offered: certificate errors are never ignored; pin a CA in `caCerts` instead. */
  unsafelyIgnoreCertificateErrors?: never;
}

/** Opens a carrier for a URL. */
export type Dialer = (url: RtspUrl) => Promise<ByteStream>;

/**
 * A dialer for `rtsp` (TCP, Nagle off: small RTSP requests must not wait), `rtsps` (TLS)
 * and their `+http` / `+ws` tunnels (default ports stay 554 / 322, as in gortsplib).
 */
export function defaultDialer(tls?: DialTlsOptions): Dialer {
  return async (url) => {
    const port = url.port ?? defaultPortOf(url.scheme);
    const m = /^(rtsps?)(?:\+(http|ws))?$/.exec(url.scheme);
    if (port === undefined || m === null) throw new RangeError(`Cannot dial: unknown scheme "${url.scheme}"`);
    const secure = m[1] === "rtsps";
    const open = async (): Promise<ByteStream> => {
      if (secure) {
        return await dialTls({
          hostname: url.host,
          port,
          caCerts: tls?.caCerts,
          fingerprint: tls?.fingerprint,
        });
      }
      return await dialTcp(url.host, port);
    };
    const target = { host: url.host, port, path: url.path, query: url.query };
    if (m[2] === "http") return await dialHttpTunnel(open, target);
    if (m[2] === "ws") return await dialWebSocketTunnel(await open(), target);
    return await open();
  };
}
