import { BlockList, isIP } from "node:net";

/**
 * A list of IPs and CIDRs (`authInternalUsers[].ips`, `apiTrustedProxies`, `metricsTrustedProxies`),
 * entries already validated by the configuration. IPv4-mapped IPv6 peers (`::ffff:1.2.3.4`, as a
 * dual-stack listener reports IPv4 clients) are checked as their IPv4 address.
 */
export class IpList {
  readonly #list = new BlockList();
  /** How many entries the list holds. */
  readonly size: number;

  constructor(entries: readonly string[]) {
    this.size = entries.length;
    for (const entry of entries) {
      const [addr, prefix] = entry.split("/");
      const family = isIP(addr) === 6 ? "ipv6" : "ipv4";
      if (prefix === undefined) this.#list.addAddress(addr, family);
      else this.#list.addSubnet(addr, Number(prefix), family);
    }
  }

  /** Whether `ip` is in the list; false for text that is not an IP. */
  has(ip: string): boolean {
    const addr = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1] ?? ip;
    const family = isIP(addr);
    return family !== 0 && this.#list.check(addr, family === 6 ? "ipv6" : "ipv4");
  }
}
