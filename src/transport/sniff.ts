/**
 * One port, three carriers: each accepted connection (TCP, or TLS after the handshake) is plain
 * RTSP, half of an HTTP tunnel, or a WebSocket tunnel. The first four bytes decide: `GET ` or
 * `POST` start an HTTP request (`GET_PARAMETER` has no space there), anything else is RTSP and
 * is replayed to the server untouched.
 *
 * @module
 */
import type { ByteStream, NetAddr } from "./byte_stream.ts";
import { PrefixedStream } from "./prefixed_stream.ts";
import { HttpTunnelStream, readHttpHead, TUNNEL_CONTENT_TYPE, tunnelResponseHead } from "./http_tunnel.ts";
import { TunnelRegistry } from "./tunnel_registry.ts";
import type { TunnelHalf, TunnelRegistryOptions } from "./tunnel_registry.ts";
import { acceptWebSocket, type WebSocketStreamOptions } from "./websocket_stream.ts";
import {
  DEFAULT_HTTP_HEAD_LIMITS,
  formatResponseHead,
  type HttpHeadLimits,
  type HttpRequestHead,
  HttpRequestHeadParser,
} from "../wire/http/mod.ts";
import { headerTokens, isWebSocketUpgrade } from "../wire/websocket/mod.ts";
import { type PlayerAssets, servePlayerRequest } from "./http_page.ts";

export { TunnelRegistry };

/** Shared state and settings for every connection accepted on one listener. */
export interface TunnelContext {
  /** Where HTTP tunnel halves wait for their partner. */
  registry: TunnelRegistry;
  /** Time allowed for the first bytes and a whole HTTP head; 10 s by default. */
  sniffTimeoutMs?: number;
  headLimits?: HttpHeadLimits;
  websocket?: WebSocketStreamOptions;
  /** The browser player; plain GETs (no tunnel, no upgrade) get it when set (`rtspPlayer`). */
  player?: PlayerAssets;
  /** Told of each answered player request (for the log). */
  onPlayerRequest?: (target: string, status: number, remote: NetAddr) => void;
  /** Told why a connection was refused or dropped before it carried RTSP (for the log). */
  onReject?: (reason: string, remote: NetAddr) => void;
}

const SNIFF_BYTES = 4;

/** Collects at least `SNIFF_BYTES`, in as many reads as the peer needs. */
class FirstBytes {
  #parts: Uint8Array[] = [];
  #size = 0;
  push(chunk: Uint8Array): Uint8Array | undefined {
    this.#parts.push(chunk.slice());
    this.#size += chunk.length;
    if (this.#size < SNIFF_BYTES) return undefined;
    const all = new Uint8Array(this.#size);
    let off = 0;
    for (const p of this.#parts) {
      all.set(p, off);
      off += p.length;
    }
    return all;
  }
}

function startsWith(bytes: Uint8Array, ascii: string): boolean {
  for (let i = 0; i < ascii.length; i++) if (bytes[i] !== ascii.charCodeAt(i)) return false;
  return true;
}

/**
 * Decides what an accepted connection carries. Resolves with the stream to serve RTSP on, or
 * undefined when the connection was consumed: refused (HTTP 400), timed out, the POST half of
 * a tunnel (its bytes now flow through the GET half's stream), or a half that never paired.
 * The GET half's call resolves with the tunnel once its POST arrives; either half may come first
 * (unlike MediaMTX, which refuses an early POST; see `TunnelRegistry`). Never rejects.
 */
export async function acceptCarrier(stream: ByteStream, ctx: TunnelContext): Promise<ByteStream | undefined> {
  const remote = stream.remoteAddr;
  const reject = (reason: string): undefined => {
    ctx.onReject?.(reason, remote);
    stream.close();
    return undefined;
  };
  const deadline = Date.now() + (ctx.sniffTimeoutMs ?? 10_000);
  let first: Uint8Array;
  try {
    first = await readHttpHead(stream, new FirstBytes(), deadline - Date.now());
  } catch (e) {
    return reject(`no first bytes: ${(e as Error).message}`);
  }
  if (!startsWith(first, "GET ") && !startsWith(first, "POST")) return new PrefixedStream(stream, first);

  let head: HttpRequestHead;
  let rest: Uint8Array;
  try {
    const parser = new HttpRequestHeadParser(ctx.headLimits ?? DEFAULT_HTTP_HEAD_LIMITS);
    ({ head, rest } = await readHttpHead(stream, parser, Math.max(0, deadline - Date.now()), first));
  } catch (e) {
    if (e instanceof SyntaxError || e instanceof RangeError) {
      return await refuse(stream, ctx, `invalid HTTP request: ${e.message}`);
    }
    return reject(`no HTTP head: ${(e as Error).message}`);
  }

  if (isWebSocketUpgrade(head.method, head.headers)) {
    return await acceptWebSocket(stream, head, rest, {
      ...ctx.websocket,
      onRefuse: (why) => ctx.onReject?.(`WebSocket handshake refused: ${why}`, remote),
    });
  }
  const cookie = head.headers.get("x-sessioncookie") ?? "";
  if (cookie !== "" && head.method === "GET" && acceptsTunnel(head)) {
    return await serveGetHalf({ role: "get", cookie, stream, rest }, head.version, ctx);
  }
  if (cookie !== "" && head.method === "POST" && postsTunnel(head)) {
    await servePostHalf({ role: "post", cookie, stream, rest }, ctx);
    return undefined;
  }
  if (head.method === "GET" && cookie === "" && ctx.player !== undefined) {
    const status = await servePlayerRequest(stream, head, ctx.player);
    ctx.onPlayerRequest?.(head.target.slice(0, 100), status, remote);
    return undefined;
  }
  return await refuse(
    stream,
    ctx,
    `HTTP ${head.method} ${head.target.slice(0, 100)} is not a tunnel request`,
  );
}

/** `Accept` lists the tunnel type (media-type parameters and case ignored). */
function acceptsTunnel(head: HttpRequestHead): boolean {
  return headerTokens(head.headers, "Accept").some((t) => t.split(";")[0].trim() === TUNNEL_CONTENT_TYPE);
}

/** `Content-Type` is the tunnel type. */
function postsTunnel(head: HttpRequestHead): boolean {
  const type = head.headers.get("Content-Type") ?? "";
  return type.split(";")[0].trim().toLowerCase() === TUNNEL_CONTENT_TYPE;
}

/** Answers 400 and closes: what MediaMTX does with any HTTP request that is not a tunnel. */
async function refuse(stream: ByteStream, ctx: TunnelContext, reason: string): Promise<undefined> {
  ctx.onReject?.(reason, stream.remoteAddr);
  try {
    await stream.write(
      formatResponseHead({ status: 400, headers: [["Connection", "close"], ["Content-Length", "0"]] }),
    );
  } catch {
    // the peer is gone; nothing to tell it
  }
  stream.close();
  return undefined;
}

/**
 * The GET half answers 200 at once (clients wait for it before opening the POST), then waits
 * for the POST; the paired tunnel is returned from here.
 */
async function serveGetHalf(
  get: TunnelHalf,
  version: string,
  ctx: TunnelContext,
): Promise<ByteStream | undefined> {
  const offer = ctx.registry.offer(get);
  if (offer.status === "duplicate") {
    return await refuse(get.stream, ctx, `a GET with cookie ${get.cookie} is already waiting`);
  }
  try {
    await get.stream.write(tunnelResponseHead(version));
  } catch {
    // Let a waiting offer time out; a dead GET makes the tunnel fail at once anyway.
  }
  const post = offer.status === "paired" ? offer.partner : await offer.partner;
  if (post === undefined) {
    ctx.onReject?.(`HTTP tunnel GET got no POST for cookie ${get.cookie}`, get.stream.remoteAddr);
    get.stream.close();
    return undefined;
  }
  try {
    await post.stream.write(tunnelResponseHead(version));
  } catch {
    // The tunnel notices the dead POST on its first read.
  }
  return HttpTunnelStream.server(get.stream, post.stream, post.rest);
}

/** The POST half hands itself to its GET (waiting for it if needed) and is done. */
async function servePostHalf(post: TunnelHalf, ctx: TunnelContext): Promise<void> {
  const offer = ctx.registry.offer(post);
  if (offer.status === "duplicate") {
    await refuse(post.stream, ctx, `a POST with cookie ${post.cookie} is already waiting`);
    return;
  }
  if (offer.status === "paired") return;
  const get = await offer.partner;
  if (get === undefined) {
    await refuse(post.stream, ctx, `HTTP tunnel POST got no GET for cookie ${post.cookie}`);
  }
}

/** Settings of a `CarrierSniffer`: the tunnel context without the registry, which it owns. */
export interface CarrierSnifferOptions extends Omit<TunnelContext, "registry">, TunnelRegistryOptions {
  /** Receives every stream that carries RTSP: plain (replayed), HTTP tunnel or WebSocket. */
  onCarrier: (stream: ByteStream) => void;
}

/**
 * The piece a server's accept loop calls: sniffs each accepted connection in the background and
 * hands over the carriers. `close()` ends the connections still being sniffed or waiting for
 * their tunnel partner, so a shutdown does not wait for the sniff or pairing timeouts.
 */
export class CarrierSniffer implements AsyncDisposable {
  readonly #ctx: TunnelContext;
  readonly #onCarrier: (stream: ByteStream) => void;
  readonly #undecided = new Set<ByteStream>();
  readonly #tasks = new Set<Promise<void>>();
  #closed = false;

  constructor(options: CarrierSnifferOptions) {
    const { onCarrier, pairTimeoutMs, ...ctx } = options;
    this.#onCarrier = onCarrier;
    this.#ctx = { ...ctx, registry: new TunnelRegistry({ pairTimeoutMs }) };
  }

  /** Connections accepted but not yet decided (sniffing, or a tunnel half waiting). */
  get pending(): number {
    return this.#undecided.size;
  }

  /** Calls `f` with the peer of every undecided connection. */
  forEachPending(f: (remote: NetAddr) => void): void {
    for (const s of this.#undecided) f(s.remoteAddr);
  }

  /** Sniffs `stream` in the background; `onCarrier` gets the result if it carries RTSP. */
  accept(stream: ByteStream): void {
    if (this.#closed) {
      stream.close();
      return;
    }
    this.#undecided.add(stream);
    const task = acceptCarrier(stream, this.#ctx).then((carrier) => {
      this.#undecided.delete(stream);
      if (carrier === undefined) return;
      if (this.#closed) {
        carrier.close();
        return;
      }
      try {
        this.#onCarrier(carrier);
      } catch (e) {
        this.#ctx.onReject?.(`carrier handler failed: ${(e as Error).message}`, carrier.remoteAddr);
        carrier.close();
      }
    }).finally(() => this.#tasks.delete(task));
    this.#tasks.add(task);
  }

  /** Closes every undecided connection and waits until no sniffing is left. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#ctx.registry.close();
    for (const s of this.#undecided) s.close();
    await Promise.all(this.#tasks);
  }

  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
