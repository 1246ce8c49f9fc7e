/** Listen addresses in Go's `host:port` form, as MediaMTX writes them (`:8554`, `[::1]:8554`). */

import { isIP } from "node:net";

/** A parsed listen address. */
export interface ListenAddress {
  /** Host to bind; "0.0.0.0" when the address has no host (MediaMTX binds IPv4 only then). */
  hostname: string;
  /** Port, 0..65535 (0 = any free port). */
  port: number;
}

const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/;

/**
 * Parses ":8554", "127.0.0.1:8554", "[::1]:8554" or "localhost:8554".
 * Throws SyntaxError for malformed text and RangeError for a port above 65535.
 */
export function parseListenAddress(addr: string): ListenAddress {
  const fail = (why: string) => new SyntaxError(`Cannot parse listen address "${addr}": ${why}`);
  let host: string;
  let portText: string;
  if (addr.startsWith("[")) {
    const close = addr.indexOf("]");
    if (close === -1) throw fail("missing ']'");
    host = addr.slice(1, close);
    if (isIP(host) !== 6) throw fail(`"${host}" is not an IPv6 address`);
    if (addr[close + 1] !== ":") throw fail("missing port (write [host]:port)");
    portText = addr.slice(close + 2);
  } else {
    const colon = addr.lastIndexOf(":");
    if (colon === -1) throw fail("missing port (write host:port or :port)");
    host = addr.slice(0, colon);
    portText = addr.slice(colon + 1);
    if (host.includes(":")) throw fail("IPv6 addresses must be written in brackets, e.g. [::1]:8554");
    if (host !== "" && isIP(host) === 0 && !HOST_NAME.test(host)) throw fail(`invalid host "${host}"`);
  }
  if (!/^\d{1,5}$/.test(portText)) {
    throw fail(portText === "" ? "missing port" : `invalid port "${portText}"`);
  }
  const port = Number(portText);
  if (port > 65535) {
    throw new RangeError(`Cannot parse listen address "${addr}": port ${port} is above 65535`);
  }
  return { hostname: host === "" ? "0.0.0.0" : host, port };
}
