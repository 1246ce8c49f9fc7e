/**
 * The default carrier of the client: plain TCP for `rtsp://`, TLS for `rtsps://`. Tunnels
 * (`rtsp+http`, `rtsp+ws`) plug in through `RtspClientOptions.dial`.
 *
 * @module
 */
import { type ByteStream, DenoConnStream } from "../transport/byte_stream.ts";
import { defaultPortOf, type RtspUrl } from "../wire/rtsp/url.ts";

/** TLS settings of the default dialer. */
export interface DialTlsOptions {
  /** PEM certificates trusted in addition to the system roots (self-signed servers). */
  caCerts?: string[];
  /** Not offered: certificate errors are never ignored; pin a CA in `caCerts` instead. */
  unsafelyIgnoreCertificateErrors?: never;
}

/** Opens a carrier for a URL. */
export type Dialer = (url: RtspUrl) => Promise<ByteStream>;

/** A dialer for `rtsp` (TCP, Nagle off: small RTSP requests must not wait) and `rtsps` (TLS). */
export function defaultDialer(tls?: DialTlsOptions): Dialer {
  return async (url) => {
    const port = url.port ?? defaultPortOf(url.scheme);
    if (port === undefined) throw new RangeError(`Cannot dial: unknown scheme "${url.scheme}"`);
    if (url.scheme === "rtsp") {
      const conn = await Deno.connect({ hostname: url.host, port, transport: "tcp" });
      conn.setNoDelay(true);
      return new DenoConnStream(conn, "tcp");
    }
    if (url.scheme === "rtsps") {
      const conn = await Deno.connectTls({ hostname: url.host, port, caCerts: tls?.caCerts });
      return new DenoConnStream(conn, "tls");
    }
    throw new RangeError(
      `Cannot dial ${url.scheme}:// with the default dialer; pass RtspClientOptions.dial (tunnels)`,
    );
  };
}
