/**
 * RTSP over HTTP (Apple QuickTime "Tunnelling RTSP and RTP through HTTP"): two HTTP connections
 * tied by `x-sessioncookie` become one byte stream. The client sends on the POST body, base64
 * encoded; the server answers raw on the GET body. Both bodies last until the connection closes.
 *
 * @module
 */
import type { ByteStream, NetAddr } from "./byte_stream.ts";
import { Base64StreamDecoder, encodeBase64 } from "../wire/http/mod.ts";
import { formatResponseHead } from "../wire/http/mod.ts";
import { formatRequestHead, HttpResponseHeadParser } from "../wire/http/mod.ts";

/** Content type that marks both tunnel requests (GET `Accept`, POST `Content-Type`). */
export const TUNNEL_CONTENT_TYPE = "application/x-rtsp-tunnelled";

/** The `200 OK` that opens both tunnel bodies: no Content-Length, the body runs until close. */
export function tunnelResponseHead(version = "HTTP/1.1"): Uint8Array {
  return formatResponseHead({
    status: 200,
    version,
    headers: [
      ["Cache-Control", "no-cache"],
      ["Connection", "close"],
      ["Content-Type", TUNNEL_CONTENT_TYPE],
      ["Pragma", "no-cache"],
    ],
  });
}

const READ_CHUNK = 64 * 1024;

interface TunnelSides {
  /** Where reads come from, and whether that body is base64. */
  readFrom: ByteStream;
  readRest: Uint8Array;
  decode: boolean;
  /** Where writes go, and whether they are base64-encoded; its inbound side is drained. */
  writeTo: ByteStream;
  encode: boolean;
  /** The GET connection: its addresses stand for the tunnel. */
  addrs: ByteStream;
}

/**
 * The two connections of a tunnel as one ByteStream (kind "http"). Closing either connection,
 * a read or write error, or base64 garbage on the POST body closes both.
 */
export class HttpTunnelStream implements ByteStream {
  readonly kind = "http" as const;
  readonly secure: boolean;
  readonly remoteAddr: NetAddr;
  readonly localAddr: NetAddr;
  /** Settles once both connections are closed and nothing runs any more; see `closeReason`. */
  readonly closed: Promise<void>;
  #sides: TunnelSides;
  #decoder = new Base64StreamDecoder();
  #pending: Uint8Array;
  #scratch: Uint8Array | undefined;
  #writeChain: Promise<void> = Promise.resolve();
  #closeReason: string | undefined;

  private constructor(sides: TunnelSides) {
    this.#sides = sides;
    this.secure = sides.readFrom.secure && sides.writeTo.secure;
    this.remoteAddr = sides.addrs.remoteAddr;
    this.localAddr = sides.addrs.localAddr;
    this.#pending = new Uint8Array(0);
    if (sides.readRest.length > 0) {
      try {
        this.#pending = sides.decode ? this.#decoder.push(sides.readRest) : sides.readRest;
      } catch (e) {
        this.#close(`invalid tunnel body: ${(e as Error).message}`);
      }
    }
    // The drain loop ends exactly when the tunnel has closed, whoever closed it.
    this.closed = this.#drain();
  }

  /** Server side: reads the base64 POST body, writes raw on the GET connection. */
  static server(get: ByteStream, post: ByteStream, postRest: Uint8Array): HttpTunnelStream {
    return new HttpTunnelStream({
      readFrom: post,
      readRest: postRest,
      decode: true,
      writeTo: get,
      encode: false,
      addrs: get,
    });
  }

  /** Client side: reads the raw GET body, writes base64 on the POST connection. */
  static client(get: ByteStream, getRest: Uint8Array, post: ByteStream): HttpTunnelStream {
    return new HttpTunnelStream({
      readFrom: get,
      readRest: getRest,
      decode: false,
      writeTo: post,
      encode: true,
      addrs: get,
    });
  }

  /** Why the tunnel closed, once it has. */
  get closeReason(): string | undefined {
    return this.#closeReason;
  }

  /** Reads tunnelled bytes; null once either connection has ended. */
  async read(buf: Uint8Array): Promise<number | null> {
    while (true) {
      if (this.#pending.length > 0) {
        const n = Math.min(buf.length, this.#pending.length);
        buf.set(this.#pending.subarray(0, n));
        this.#pending = this.#pending.subarray(n);
        return n;
      }
      if (this.#closeReason !== undefined) return null;
      const { readFrom, decode } = this.#sides;
      // Raw bodies are read straight into the caller's buffer.
      const target = decode ? (this.#scratch ??= new Uint8Array(READ_CHUNK)) : buf;
      let n: number | null;
      try {
        n = await readFrom.read(target);
      } catch (e) {
        this.#close(`read failed: ${(e as Error).message}`);
        return null;
      }
      if (n === null) {
        this.#close("peer closed the tunnel");
        return null;
      }
      if (!decode) return n;
      try {
        this.#pending = this.#decoder.push(target.subarray(0, n));
      } catch (e) {
        this.#close(`invalid tunnel body: ${(e as Error).message}`);
        return null;
      }
    }
  }

  /** Writes `data` (base64-encoded on its own on the client side); rejects once closed. */
  write(data: Uint8Array): Promise<void> {
    // Encoded now: one base64 unit per write (each with its own padding, as tunnel clients do).
    const bytes = this.#sides.encode && data.length > 0 ? encodeBase64(data) : data;
    const run = this.#writeChain.then(() => this.#writeNow(bytes));
    this.#writeChain = run.catch(() => {});
    return run;
  }

  async #writeNow(bytes: Uint8Array): Promise<void> {
    if (this.#closeReason !== undefined) throw new Deno.errors.BrokenPipe("HTTP tunnel is closed");
    if (bytes.length === 0) return;
    try {
      await this.#sides.writeTo.write(bytes);
    } catch (e) {
      this.#close(`write failed: ${(e as Error).message}`);
      throw e;
    }
  }

  /** Closes both connections; idempotent. */
  close(): void {
    this.#close("closed locally");
  }

  #close(reason: string): void {
    if (this.#closeReason !== undefined) return;
    this.#closeReason = reason;
    this.#pending = new Uint8Array(0);
    this.#sides.readFrom.close();
    this.#sides.writeTo.close();
  }

  /**
   * Watches the write-side connection: nothing meaningful arrives there (at most the server's
   * POST answer on the client side), but its end means the tunnel is gone.
   */
  async #drain(): Promise<void> {
    const buf = new Uint8Array(1024);
    try {
      while (this.#closeReason === undefined) {
        if (await this.#sides.writeTo.read(buf) === null) break;
      }
      this.#close("peer closed the tunnel");
    } catch (e) {
      this.#close(`read failed: ${(e as Error).message}`);
    }
  }
}

/** Where a tunnel client connects: the RTSP URL's host, port, path and query. */
export interface TunnelUrl {
  host: string;
  port: number;
  /** Request path; "/" when empty. */
  path?: string;
  /** Query without "?"; omitted when empty. */
  query?: string;
}

/** Client settings shared by both tunnel dialers. */
export interface TunnelDialOptions {
  /** Give up waiting for the server's answer after this long; 10 s by default. */
  timeoutMs?: number;
}

/** `Host` header value: IPv6 literals in brackets, port always given. */
export function hostHeader(url: TunnelUrl): string {
  return `${url.host.includes(":") ? `[${url.host}]` : url.host}:${url.port}`;
}

/** Request target of a tunnel: path plus query. */
export function requestTarget(url: TunnelUrl): string {
  const path = url.path === undefined || url.path === "" ? "/" : url.path;
  return url.query === undefined || url.query === "" ? path : `${path}?${url.query}`;
}

/**
 * Client side of the HTTP tunnel: opens the GET (through `open`, so TLS is the caller's choice),
 * waits for its 200, then opens the POST and does not wait for its answer (some servers send
 * none). The result reads the GET body and base64-encodes each write on its own on the POST.
 */
export async function dialHttpTunnel(
  open: () => Promise<ByteStream>,
  url: TunnelUrl,
  options: TunnelDialOptions = {},
): Promise<HttpTunnelStream> {
  const cookie = crypto.randomUUID().replaceAll("-", "");
  const common: [string, string][] = [["Host", hostHeader(url)], ["X-Sessioncookie", cookie]];
  const noCache: [string, string][] = [["Pragma", "no-cache"], ["Cache-Control", "no-cache"]];
  const get = await open();
  let getRest: Uint8Array;
  try {
    await get.write(formatRequestHead({
      method: "GET",
      target: requestTarget(url),
      headers: [...common, ["Accept", TUNNEL_CONTENT_TYPE], ["Content-Length", "30000"], ...noCache],
    }));
    const answer = await readHttpHead(get, new HttpResponseHeadParser(), options.timeoutMs ?? 10_000);
    if (answer.head.status !== 200) {
      throw new Error(`HTTP tunnel GET answered ${answer.head.status} ${answer.head.reason}`);
    }
    getRest = answer.rest;
  } catch (e) {
    get.close();
    throw e;
  }
  let post: ByteStream;
  try {
    post = await open();
    await post.write(formatRequestHead({
      method: "POST",
      target: requestTarget(url),
      headers: [...common, ["Content-Type", TUNNEL_CONTENT_TYPE], ["Content-Length", "30000"], ...noCache],
    }));
  } catch (e) {
    get.close();
    throw e;
  }
  return HttpTunnelStream.client(get, getRest, post);
}

/** Anything that turns pushed chunks into a head plus the bytes after it. */
export interface HeadParser<T> {
  push(chunk: Uint8Array): T | undefined;
}

/**
 * Reads from `stream` into `parser` until it yields, within `timeoutMs`. On timeout the stream
 * is closed (the only way to abort a pending read) and `Deno.errors.TimedOut` is thrown; the end
 * of the stream throws `Deno.errors.UnexpectedEof`; parser errors propagate.
 */
export async function readHttpHead<T>(
  stream: ByteStream,
  parser: HeadParser<T>,
  timeoutMs: number,
  first?: Uint8Array,
): Promise<T> {
  if (first !== undefined && first.length > 0) {
    const done = parser.push(first);
    if (done !== undefined) return done;
  }
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    stream.close();
  }, timeoutMs);
  try {
    const buf = new Uint8Array(4096);
    while (true) {
      let n: number | null;
      try {
        n = await stream.read(buf);
      } catch (e) {
        if (timedOut) throw new Deno.errors.TimedOut(`no HTTP head within ${timeoutMs} ms`);
        throw e;
      }
      if (timedOut) throw new Deno.errors.TimedOut(`no HTTP head within ${timeoutMs} ms`);
      if (n === null) throw new Deno.errors.UnexpectedEof("connection closed inside an HTTP head");
      const done = parser.push(buf.subarray(0, n));
      if (done !== undefined) return done;
    }
  } finally {
    clearTimeout(timer);
  }
}
