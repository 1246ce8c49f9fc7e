/** IP address and CIDR helpers used to validate configuration values. */

import { isIP } from "node:net";

/** Parses dotted-quad IPv4 text into an unsigned 32-bit number, or undefined when it is not one. */
export function parseIPv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

/** Formats an unsigned 32-bit number as dotted-quad IPv4 text. */
export function formatIPv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(".");
}

/** An IPv4 network: first address and prefix length. */
export interface IPv4Cidr {
  /** Network address (host bits cleared) as an unsigned 32-bit number. */
  network: number;
  /** Prefix length, 0..32. */
  prefix: number;
  /** Number of addresses in the network. */
  size: number;
}

/** Parses "a.b.c.d/n"; host bits are ignored as Go's net.ParseCIDR does. Throws SyntaxError. */
export function parseIPv4Cidr(text: string): IPv4Cidr {
  const slash = text.indexOf("/");
  const address = slash === -1 ? undefined : parseIPv4(text.slice(0, slash));
  const prefixText = slash === -1 ? "" : text.slice(slash + 1);
  if (address === undefined || !/^\d{1,2}$/.test(prefixText) || Number(prefixText) > 32) {
    throw new SyntaxError(`Cannot parse IPv4 CIDR "${text}": expected a.b.c.d/n with n in 0..32`);
  }
  const prefix = Number(prefixText);
  const size = 2 ** (32 - prefix);
  const network = prefix === 0 ? 0 : (address - (address % size)) >>> 0;
  return { network, prefix, size };
}

/** Whether `text` is an IPv4 or IPv6 address, or a CIDR of either (as accepted in `ips` lists). */
export function isIPOrCidr(text: string): boolean {
  const slash = text.indexOf("/");
  if (slash === -1) return isIP(text) !== 0;
  const family = isIP(text.slice(0, slash));
  const prefix = text.slice(slash + 1);
  if (family === 0 || !/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/** Whether `text` is an IPv4 address (dotted quad). */
export function isIPv4(text: string): boolean {
  return parseIPv4(text) !== undefined;
}
