/** Parses a dotted IPv4 address into an unsigned 32-bit number; throws SyntaxError. */
function ipv4ToNumber(text: string): number {
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw new SyntaxError(`Cannot parse IPv4 address "${text}"`);
  }
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

function numberToIpv4(v: number): string {
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join(".");
}

/**
 * Hands out multicast groups from `multicastIPRange`, one per stream media.
 *
 * Like MediaMTX, a server-wide counter starts at the network address + 1 and advances
 * inside the mask, wrapping around; unlike it, a group still in use is skipped, so two
 * live streams never share a group, and exhaustion is a clear error, not a collision.
 */
export class MulticastAllocator {
  readonly #base: number;
  readonly #size: number;
  /** Smallest offset handed out: the network address itself is skipped when the range allows. */
  readonly #first: number;
  #next: number;
  readonly #inUse = new Set<number>();

  constructor(cidr: string) {
    const [addr, prefixText] = cidr.split("/");
    const prefix = Number(prefixText);
    if (!/^\d{1,2}$/.test(prefixText ?? "") || prefix > 32) {
      throw new SyntaxError(`Cannot parse CIDR "${cidr}"`);
    }
    this.#size = 2 ** (32 - prefix);
    this.#base = ipv4ToNumber(addr) - (ipv4ToNumber(addr) % this.#size);
    this.#first = this.#size > 2 ? 1 : 0;
    this.#next = this.#first;
  }

  /** Groups currently allocated. */
  get inUse(): number {
    return this.#inUse.size;
  }

  /** The network address of the range (what MediaMTX puts in a `?vlcmulticast` DESCRIBE). */
  get networkAddress(): string {
    return numberToIpv4(this.#base);
  }

  /** Allocates the next free group; throws RangeError when every group is taken. */
  allocate(): string {
    const usable = this.#size - this.#first;
    for (let tried = 0; tried < usable; tried++) {
      const offset = this.#next;
      this.#next = offset + 1 >= this.#size ? this.#first : offset + 1;
      if (this.#inUse.has(offset)) continue;
      this.#inUse.add(offset);
      return numberToIpv4(this.#base + offset);
    }
    throw new RangeError(`every multicast group of the range is in use (${this.#inUse.size} groups)`);
  }

  /** Returns a group to the pool. */
  release(group: string): void {
    this.#inUse.delete(ipv4ToNumber(group) - this.#base);
  }
}
