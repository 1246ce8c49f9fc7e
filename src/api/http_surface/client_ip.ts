import { isIP } from "node:net";
import { IpList } from "../../auth/mod.ts";

/**
 * The client IP of an HTTP request behind trusted proxies (`apiTrustedProxies`,
 * `metricsTrustedProxies`), as Go's gin finds it: when the peer is a trusted proxy,
 * `X-Forwarded-For` is read from the right, skipping trusted hops, and the first untrusted address
 * is the client (the leftmost entries are whatever the client wrote, so they are not believed).
 * An unreadable hop, or a peer that is not trusted, gives the peer itself.
 */
export class ClientIpResolver {
  readonly #trusted: IpList;

  /** `proxies`: IPs or CIDRs (validated by the configuration). */
  constructor(proxies: readonly string[]) {
    this.#trusted = new IpList(proxies);
  }

  /**
   * The client IP for a request from `peer` carrying `forwardedFor` (the header, or null). A
   * Unix-socket peer (`""`) counts as `127.0.0.1`: only local processes can reach the socket.
   */
  resolve(peer: string, forwardedFor: string | null): string {
    const from = peer === "" ? "127.0.0.1" : peer;
    if (this.#trusted.size === 0 || forwardedFor === null || !this.#trusted.has(from)) return from;
    const hops = forwardedFor.split(",").map((h) => h.trim());
    for (let i = hops.length - 1; i >= 0; i--) {
      if (isIP(hops[i]) === 0) return from;
      if (i === 0 || !this.#trusted.has(hops[i])) return hops[i];
    }
    return from;
  }
}
