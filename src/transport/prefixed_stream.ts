/**
 * A byte stream that first replays bytes already read from it (by the sniffer, or after an HTTP
 * head) and then continues with the stream itself.
 *
 * @module
 */
import type { ByteStream, ByteStreamKind, NetAddr } from "./byte_stream.ts";

/** Replays `prefix`, then reads from `inner`; writes and close go straight to `inner`. */
export class PrefixedStream implements ByteStream {
  readonly kind: ByteStreamKind;
  readonly secure: boolean;
  readonly remoteAddr: NetAddr;
  readonly localAddr: NetAddr;
  #inner: ByteStream;
  #prefix: Uint8Array;
  #closed = false;

  constructor(inner: ByteStream, prefix: Uint8Array) {
    this.#inner = inner;
    this.#prefix = prefix;
    this.kind = inner.kind;
    this.secure = inner.secure;
    this.remoteAddr = inner.remoteAddr;
    this.localAddr = inner.localAddr;
  }

  /** The wrapped stream, which writes go to unchanged (the TCP fast write path looks through). */
  get inner(): ByteStream {
    return this.#inner;
  }

  /** Serves the replayed bytes first, then reads from the wrapped stream. */
  read(buf: Uint8Array): Promise<number | null> {
    if (this.#closed) return Promise.resolve(null);
    if (this.#prefix.length === 0 || buf.length === 0) return this.#inner.read(buf);
    const n = Math.min(buf.length, this.#prefix.length);
    buf.set(this.#prefix.subarray(0, n));
    this.#prefix = this.#prefix.subarray(n);
    return Promise.resolve(n);
  }

  /** Writes to the wrapped stream. */
  write(data: Uint8Array): Promise<void> {
    return this.#inner.write(data);
  }

  /** Closes the wrapped stream and drops what was not replayed. */
  close(): void {
    this.#closed = true;
    this.#prefix = new Uint8Array(0);
    this.#inner.close();
  }
}
