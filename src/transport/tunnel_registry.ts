/**
 * Pairing of the two connections of an RTSP-over-HTTP tunnel (QuickTime's GET + POST, tied by
 * the `x-sessioncookie` header). One registry per listener, shared by every accepted connection.
 *
 * Pairing rules:
 * - the key is cookie + client IP, so a POST from another address never joins someone's GET;
 * - either half may come first and waits up to `pairTimeoutMs` (5 s, as MediaMTX) for the other.
 *   MediaMTX refuses a POST that arrives before its GET; we let it wait instead, because a
 *   client that opens both connections at once cannot control which one the server accepts
 *   first, and waiting costs nothing a GET does not already cost;
 * - a second half of the same kind for a key already waiting is refused (`"duplicate"`).
 *
 * @module
 */
import type { ByteStream } from "./byte_stream.ts";

/** One HTTP connection that asked to be a tunnel half. */
export interface TunnelHalf {
  role: "get" | "post";
  cookie: string;
  stream: ByteStream;
  /** Bytes read after the HTTP head (for a POST: the start of the base64 body). */
  rest: Uint8Array;
}

/** Settings of a registry. */
export interface TunnelRegistryOptions {
  /** How long a half waits for its partner; 5000 ms by default. */
  pairTimeoutMs?: number;
}

/**
 * What `offer` decided, synchronously: paired with a partner that was waiting, waiting (the
 * promise resolves with the partner, or undefined on timeout or registry close), or refused
 * because a half of the same role already waits under that key.
 */
export type OfferResult =
  | { status: "paired"; partner: TunnelHalf }
  | { status: "waiting"; partner: Promise<TunnelHalf | undefined> }
  | { status: "duplicate" };

interface Waiting {
  half: TunnelHalf;
  resolve: (partner: TunnelHalf | undefined) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** Waiting room for tunnel halves, keyed by client IP and session cookie. */
export class TunnelRegistry {
  readonly #pairTimeoutMs: number;
  readonly #waiting = new Map<string, Waiting>();
  #closed = false;

  constructor(options: TunnelRegistryOptions = {}) {
    this.#pairTimeoutMs = options.pairTimeoutMs ?? 5000;
  }

  /** Halves currently waiting for a partner. */
  get size(): number {
    return this.#waiting.size;
  }

  /**
   * Offers a half: pairs it at once with a waiting partner, or registers it to wait for one.
   * A waiting partner's promise resolves with this half when they pair.
   */
  offer(half: TunnelHalf): OfferResult {
    if (this.#closed) return { status: "waiting", partner: Promise.resolve(undefined) };
    const key = `${normalizeIp(half.stream.remoteAddr.hostname)} ${half.cookie}`;
    const waiting = this.#waiting.get(key);
    if (waiting !== undefined) {
      if (waiting.half.role === half.role) return { status: "duplicate" };
      this.#waiting.delete(key);
      clearTimeout(waiting.timer);
      waiting.resolve(half);
      return { status: "paired", partner: waiting.half };
    }
    const partner = new Promise<TunnelHalf | undefined>((resolve) => {
      const timer = setTimeout(() => {
        if (this.#waiting.get(key)?.half === half) this.#waiting.delete(key);
        resolve(undefined);
      }, this.#pairTimeoutMs);
      this.#waiting.set(key, { half, resolve, timer });
    });
    return { status: "waiting", partner };
  }

  /** Resolves every waiting half with undefined and refuses new ones. */
  close(): void {
    this.#closed = true;
    for (const w of this.#waiting.values()) {
      clearTimeout(w.timer);
      w.resolve(undefined);
    }
    this.#waiting.clear();
  }

  /** Same as `close()`, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/** `::ffff:1.2.3.4` (a v4 client on a dual-stack socket) and `1.2.3.4` are the same client. */
function normalizeIp(host: string): string {
  const lower = host.toLowerCase();
  return lower.startsWith("::ffff:") && lower.includes(".") ? lower.slice(7) : lower;
}
