/**
 * Outgoing TLS connections. Without a pinned fingerprint, Deno's TLS verifies the server's
 * certificate against the system roots (plus `caCerts`). With one, as MediaMTX's
 * `sourceFingerprint`, the chain is not verified; instead the SHA-256 of the server's
 * certificate must equal the pin, checked after the handshake and before any byte is sent.
 * That path uses `node:tls`: Deno's own TLS cannot skip verification for one connection, and
 * rejects the self-signed `CA:TRUE` certificates that `openssl req -x509` makes (OpenSSL 3).
 *
 * @module
 */
import * as tls from "node:tls";
import { isIP } from "node:net";
import type { ByteStream, NetAddr } from "./byte_stream.ts";
import { DenoConnStream } from "./byte_stream.ts";

/** Where and how to open a TLS connection. */
export interface TlsDialOptions {
  hostname: string;
  port: number;
  /** PEM certificates trusted in addition to the system roots (ignored with a fingerprint). */
  caCerts?: string[];
  /** SHA-256 of the server's certificate in hex (any case, colons allowed): pins it instead of verifying. */
  fingerprint?: string;
  /** Deadline of the TCP connect plus handshake, default 10 s. */
  timeoutMs?: number;
}

/** The handshake succeeded but the server's certificate is not the pinned one. */
export class FingerprintMismatchError extends Error {
  /** The fingerprint the server presented (lower-case hex, no colons). */
  readonly actual: string;

  constructor(expected: string, actual: string) {
    // MediaMTX's wording, so that users' log filters keep working.
    super(`source fingerprint does not match: expected ${expected}, got ${actual}`);
    this.name = "FingerprintMismatchError";
    this.actual = actual;
  }
}

/** Lower-case hex without separators: `AB:cd:01` -> `abcd01`. */
function normalizeFingerprint(text: string): string {
  return text.replace(/:/g, "").toLowerCase();
}

/** Opens a TLS connection, verified by certificate authority or by a pinned fingerprint. */
export async function dialTls(opts: TlsDialOptions): Promise<ByteStream> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  if (opts.fingerprint === undefined || opts.fingerprint === "") {
    const conn = await withDeadline(
      Deno.connectTls({ hostname: opts.hostname, port: opts.port, caCerts: opts.caCerts }),
      timeoutMs,
      (c) => c.close(),
    );
    return new DenoConnStream(conn, "tls");
  }
  const expected = normalizeFingerprint(opts.fingerprint);
  const socket = tls.connect({
    host: opts.hostname,
    port: opts.port,
    // The pin replaces chain and name verification (self-signed and CA:TRUE certificates).
    rejectUnauthorized: false,
    // SNI carries host names only (RFC 6066 §3).
    servername: isIP(opts.hostname) === 0 ? opts.hostname : undefined,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`TLS handshake timed out after ${timeoutMs} ms`)),
        timeoutMs,
      );
      socket.once("secureConnect", () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once("error", (e: Error) => {
        clearTimeout(timer);
        reject(e);
      });
    });
    const actual = normalizeFingerprint(socket.getPeerCertificate()?.fingerprint256 ?? "");
    if (actual !== expected) throw new FingerprintMismatchError(expected, actual);
  } catch (e) {
    socket.destroy();
    throw e;
  }
  return new NodeTlsStream(socket);
}

/** Resolves `p` or rejects after `ms`; a value that arrives late is disposed of. */
async function withDeadline<T>(p: Promise<T>, ms: number, dispose: (v: T) => void): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let late = false;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          late = true;
          p.then(dispose, () => {});
          reject(new Error(`TLS connection timed out after ${ms} ms`));
        }, ms);
      }),
    ]);
  } finally {
    if (!late) clearTimeout(timer);
  }
}

/** Bytes buffered from the socket before it is paused (backpressure on a slow reader). */
const HIGH_WATER = 256 * 1024;

/** A `node:tls` socket as a ByteStream: pull reads over its push events, writes awaited. */
class NodeTlsStream implements ByteStream {
  readonly kind = "tls" as const;
  readonly secure = true;
  readonly remoteAddr: NetAddr;
  readonly localAddr: NetAddr;
  readonly #socket: tls.TLSSocket;
  readonly #chunks: Uint8Array[] = [];
  #buffered = 0;
  #ended = false;
  #error: Error | undefined;
  #closed = false;
  #wake: (() => void) | undefined;

  constructor(socket: tls.TLSSocket) {
    this.#socket = socket;
    this.remoteAddr = { hostname: socket.remoteAddress ?? "", port: socket.remotePort ?? 0 };
    this.localAddr = { hostname: socket.localAddress ?? "", port: socket.localPort ?? 0 };
    socket.on("data", (d: Uint8Array) => {
      this.#chunks.push(d);
      this.#buffered += d.length;
      if (this.#buffered >= HIGH_WATER) socket.pause();
      this.#notify();
    });
    socket.on("end", () => {
      this.#ended = true;
      this.#notify();
    });
    socket.on("close", () => {
      this.#ended = true;
      this.#notify();
    });
    socket.on("error", (e: Error) => {
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
      if (this.#error !== undefined && !this.#closed) throw this.#error;
      if (this.#ended || this.#closed) return null;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
    let n = 0;
    while (n < buf.length && this.#chunks.length > 0) {
      const c = this.#chunks[0];
      const take = Math.min(c.length, buf.length - n);
      buf.set(c.subarray(0, take), n);
      n += take;
      if (take === c.length) this.#chunks.shift();
      else this.#chunks[0] = c.subarray(take);
    }
    this.#buffered -= n;
    if (this.#buffered < HIGH_WATER && this.#socket.isPaused()) this.#socket.resume();
    return n;
  }

  write(data: Uint8Array): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("the TLS connection is closed"));
    if (this.#error !== undefined) return Promise.reject(this.#error);
    return new Promise((resolve, reject) => {
      // The callback runs once the socket has taken the bytes (or failed): the caller may reuse `data` after.
      this.#socket.write(data, (e?: Error | null) => (e ? reject(e) : resolve()));
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.destroy();
    this.#notify();
  }
}
