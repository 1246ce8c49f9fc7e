/**
 * A case-insensitive, order-preserving multimap of RTSP (or HTTP) header fields.
 *
 * RTSP headers look like HTTP ones, but some clients repeat a header (several
 * `WWW-Authenticate`, several `Transport` lines) and some servers care about the
 * spelling, so the original name and order are kept for formatting.
 */
export class RtspHeaders {
  #entries: [string, string][] = [];

  constructor(init?: Iterable<readonly [string, string]> | Record<string, string>) {
    if (init === undefined) return;
    const pairs = Symbol.iterator in init
      ? init as Iterable<readonly [string, string]>
      : Object.entries(init as Record<string, string>);
    for (const [k, v] of pairs) this.append(k, v);
  }

  /** The first value of `name`, compared case-insensitively. */
  get(name: string): string | undefined {
    const lower = name.toLowerCase();
    for (const [k, v] of this.#entries) if (k.toLowerCase() === lower) return v;
    return undefined;
  }

  /** Every value of `name`, in arrival order. */
  getAll(name: string): string[] {
    const lower = name.toLowerCase();
    return this.#entries.filter(([k]) => k.toLowerCase() === lower).map(([, v]) => v);
  }

  /** Whether `name` is present. */
  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Replaces every value of `name` with one value. */
  set(name: string, value: string): this {
    this.delete(name);
    this.#entries.push([name, value]);
    return this;
  }

  /** Adds a value, keeping the ones already there. */
  append(name: string, value: string): this {
    this.#entries.push([name, value]);
    return this;
  }

  /** Removes every value of `name`. */
  delete(name: string): void {
    const lower = name.toLowerCase();
    this.#entries = this.#entries.filter(([k]) => k.toLowerCase() !== lower);
  }

  /** Number of header lines. */
  get size(): number {
    return this.#entries.length;
  }

  /** `[name, value]` pairs in order, with the original spelling. */
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.#entries[Symbol.iterator]();
  }
}
