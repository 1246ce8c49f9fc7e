import { BlockList, isIP } from "node:net";

/**
 * The client IP of an HTTP request behind trusted proxies (`metricsTrustedProxies`), as Go's gin
 * finds it: when the peer is a trusted proxy, `X-Forwarded-For` is read from the right, skipping
 * trusted hops, and the first untrusted address is the client. Otherwise the peer itself.
 */
export class ClientIpResolver {
  readonly #trusted: BlockList | undefined;

  /** `proxies`: IPs or CIDRs (validated by the configuration). */
  constructor(proxies: readonly string[]) {
    if (proxies.length === 0) return;
    const list = new BlockList();
    for (const entry of proxies) {
      const [addr, prefix] = entry.split("/");
      const family = isIP(addr) === 6 ? "ipv6" : "ipv4";
      if (prefix === undefined) list.addAddress(addr, family);
      else list.addSubnet(addr, Number(prefix), family);
    }
    this.#trusted = list;
  }

  /** The client IP for a request from `peer` carrying `forwardedFor` (the header, or null). */
  resolve(peer: string, forwardedFor: string | null): string {
    if (this.#trusted === undefined || forwardedFor === null || !this.#isTrusted(peer)) return peer;
    const hops = forwardedFor.split(",").map((h) => h.trim());
    for (let i = hops.length - 1; i >= 0; i--) {
      if (isIP(hops[i]) === 0) return peer;
      if (i === 0 || !this.#isTrusted(hops[i])) return hops[i];
    }
    return peer;
  }

  #isTrusted(ip: string): boolean {
    const addr = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1] ?? ip;
    const family = isIP(addr);
    return family !== 0 && (this.#trusted?.check(addr, family === 6 ? "ipv6" : "ipv4") ?? false);
  }
}
