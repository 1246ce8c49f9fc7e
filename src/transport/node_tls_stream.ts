/**
 * A server-side TLS connection as a ByteStream, on node:tls over a Deno TCP connection. Deno's own
 * `Deno.listenTls` cannot drop a connection whose handshake is pending: `close()` returns, but
 * the runtime's handshake task keeps the socket (and its descriptor) until the peer leaves, so a
 * few hundred clients sending part of a ClientHello exhaust the descriptors. Here the plain TCP
 * socket stays ours: destroying it closes the descriptor at once, handshake or not.
 *
 * @module
 */
import type { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import type { ByteStream, NetAddr } from "./byte_stream.ts";

/** How many bytes may wait unread before the socket is paused (backpressure). */
const HIGH_WATER = 256 * 1024;

/** Adapts a TLSSocket whose handshake is done to the pull-based ByteStream. */
export class NodeTlsStream implements ByteStream {
  readonly kind = "tls" as const;
  readonly secure = true;
  readonly remoteAddr: NetAddr;
  readonly localAddr: NetAddr;
  readonly #tls: TLSSocket;
  readonly #raw: Duplex;
  #chunks: Uint8Array[] = [];
  #queued = 0;
  #ended = false;
  #error: Error | undefined;
  #closed = false;
  #wake: (() => void) | undefined;

  constructor(tls: TLSSocket, raw: Duplex, remote: NetAddr, local: NetAddr) {
    this.#tls = tls;
    this.#raw = raw;
    this.remoteAddr = remote;
    this.localAddr = local;
    tls.on("data", (chunk: Uint8Array) => {
      this.#chunks.push(chunk);
      this.#queued += chunk.length;
      if (this.#queued > HIGH_WATER) tls.pause();
      this.#notify();
    });
    tls.on("end", () => {
      this.#ended = true;
      this.#notify();
    });
    tls.on("close", () => {
      this.#ended = true;
      this.#notify();
    });
    tls.on("error", (e: Error) => {
      this.#error ??= e;
      this.#notify();
    });
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async read(buf: Uint8Array): Promise<number | null> {
    while (this.#chunks.length === 0) {
      if (this.#closed) throw new Error("connection closed");
      if (this.#error !== undefined) throw this.#error;
      if (this.#ended) return null;
      await new Promise<void>((r) => this.#wake = r);
    }
    const head = this.#chunks[0];
    const n = Math.min(buf.length, head.length);
    buf.set(head.subarray(0, n));
    if (n === head.length) this.#chunks.shift();
    else this.#chunks[0] = head.subarray(n);
    this.#queued -= n;
    if (this.#queued <= HIGH_WATER / 2 && this.#tls.isPaused()) this.#tls.resume();
    return n;
  }

  write(data: Uint8Array): Promise<void> {
    if (this.#closed || this.#tls.destroyed) return Promise.reject(new Error("connection closed"));
    return new Promise((resolve, reject) => {
      // No copy: like Deno.Conn.write, the caller leaves `data` alone until the promise settles,
      // which is after node has consumed it.
      this.#tls.write(data, (e?: Error | null) => e ? reject(e) : resolve());
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#tls.destroy();
    this.#raw.destroy();
    this.#notify();
  }
}
