/**
 * RTSP over WebSocket (ONVIF Streaming Specification, subprotocol `rtsp.onvif.org`): binary
 * messages carrying a plain RTSP byte stream, in either direction. Each write becomes one binary
 * message; reads see the payloads as one stream, whatever the message boundaries.
 *
 * @module
 */
import type { ByteStream, NetAddr } from "./byte_stream.ts";
import { DEFAULT_FRAMER_LIMITS } from "../wire/rtsp/mod.ts";
import { encodeFrame, Opcode, WebSocketFrameParser } from "../wire/websocket/mod.ts";
import {
  CloseCode,
  DEFAULT_MAX_MESSAGE_BYTES,
  formatClosePayload,
  type WebSocketMessage,
  WebSocketMessageAssembler,
} from "../wire/websocket/mod.ts";
import {
  checkUpgradeRequest,
  checkUpgradeResponse,
  upgradeRequestHeaders,
  upgradeResponseHeaders,
} from "../wire/websocket/mod.ts";
import { formatResponseHead, type HttpRequestHead } from "../wire/http/mod.ts";
import { formatRequestHead, HttpResponseHeadParser } from "../wire/http/mod.ts";
import { encodeBase64 } from "../wire/http/mod.ts";
import {
  hostHeader,
  readHttpHead,
  requestTarget,
  type TunnelDialOptions,
  type TunnelUrl,
} from "./http_tunnel.ts";

/** Settings of a WebSocket tunnel end. */
export interface WebSocketStreamOptions {
  /**
   * Largest message (and frame) accepted; bigger ones close with 1009. By default
   * `RTSP_MAX_MESSAGE_BYTES` on the server side (what a client sends), 4 MiB on the client side.
   */
  maxMessageBytes?: number;
}

/**
 * The largest message an RTSP peer needs: one RTSP message at the framer's limits (head and
 * body), or one interleaved frame (4 + 65535 bytes), or a 64 KiB batch of smaller ones, plus
 * slack. A peer announcing more (to make the server buffer megabytes per socket) is closed with
 * 1009 as soon as the frame header arrives; nothing is allocated for the announced length.
 */
export const RTSP_MAX_MESSAGE_BYTES = DEFAULT_FRAMER_LIMITS.maxHeaderBytes +
  DEFAULT_FRAMER_LIMITS.maxBodyBytes +
  64 * 1024;

const READ_CHUNK = 64 * 1024;
/** How long a close frame may take to leave before the socket is closed anyway. */
const CLOSE_FRAME_GRACE_MS = 2000;

type State = "open" | "closing" | "closed";

/**
 * One end of a WebSocket tunnel as a ByteStream (kind "websocket"). The server end expects
 * masked frames and sends unmasked ones; the client end the reverse (RFC 6455 §5.1).
 */
export class WebSocketStream implements ByteStream {
  readonly kind = "websocket" as const;
  readonly secure: boolean;
  readonly remoteAddr: NetAddr;
  readonly localAddr: NetAddr;
  /** Settles once the underlying connection is closed; `closeReason` then says why. */
  readonly closed: Promise<void>;
  #inner: ByteStream;
  #role: "server" | "client";
  #parser: WebSocketFrameParser;
  #assembler: WebSocketMessageAssembler;
  #pending: Uint8Array = new Uint8Array(0);
  #scratch = new Uint8Array(READ_CHUNK);
  #writeChain: Promise<void> = Promise.resolve();
  /** Payload of the latest ping not answered yet; set while a pong is queued. */
  #pongPayload: Uint8Array | undefined;
  #state: State = "open";
  #closeReason: string | undefined;
  #resolveClosed: () => void;

  /** Wraps `inner` after a completed handshake; `rest` holds bytes read past the HTTP head. */
  constructor(
    inner: ByteStream,
    role: "server" | "client",
    rest: Uint8Array = new Uint8Array(0),
    options: WebSocketStreamOptions = {},
  ) {
    this.#inner = inner;
    this.#role = role;
    this.secure = inner.secure;
    this.remoteAddr = inner.remoteAddr;
    this.localAddr = inner.localAddr;
    const max = options.maxMessageBytes ??
      (role === "server" ? RTSP_MAX_MESSAGE_BYTES : DEFAULT_MAX_MESSAGE_BYTES);
    this.#parser = new WebSocketFrameParser({ maxPayloadBytes: max, requireMask: role === "server" });
    this.#assembler = new WebSocketMessageAssembler(max);
    this.#parser.push(rest);
    const { promise, resolve } = Promise.withResolvers<void>();
    this.closed = promise;
    this.#resolveClosed = resolve;
  }

  /** Why the stream closed, once it has. */
  get closeReason(): string | undefined {
    return this.#closeReason;
  }

  /** Reads payload bytes of binary messages; answers pings; null after a close. */
  async read(buf: Uint8Array): Promise<number | null> {
    while (true) {
      if (this.#pending.length > 0) {
        const n = Math.min(buf.length, this.#pending.length);
        buf.set(this.#pending.subarray(0, n));
        this.#pending = this.#pending.subarray(n);
        return n;
      }
      if (this.#state !== "open") return null;
      let message: WebSocketMessage | undefined;
      try {
        message = this.#nextMessage();
      } catch (e) {
        // SyntaxError: malformed frame or fragmentation; RangeError: over the size limit.
        const code = e instanceof RangeError ? CloseCode.messageTooBig : CloseCode.protocolError;
        this.#fail(code, (e as Error).message);
        return null;
      }
      if (message === undefined) {
        let n: number | null;
        try {
          n = await this.#inner.read(this.#scratch);
        } catch (e) {
          this.#finish(`read failed: ${(e as Error).message}`);
          return null;
        }
        if (n === null) {
          this.#finish("connection ended without a close frame");
          return null;
        }
        if (this.#state === "open") this.#parser.push(this.#scratch.subarray(0, n));
        continue;
      }
      switch (message.kind) {
        case "binary":
          this.#pending = message.data;
          break;
        case "text":
          // ONVIF: the tunnel carries binary messages only.
          this.#fail(CloseCode.unsupportedData, "text message in an RTSP tunnel");
          return null;
        case "ping":
          this.#answerPing(message.data);
          break;
        case "pong":
          break;
        case "close":
          this.#onPeerClose(message.code);
          return null;
      }
    }
  }

  #nextMessage(): WebSocketMessage | undefined {
    while (true) {
      const frame = this.#parser.next();
      if (frame === undefined) return undefined;
      const message = this.#assembler.accept(frame);
      if (message !== undefined) return message;
    }
  }

  /** Sends `data` as one binary message; rejects once the stream is closing. */
  write(data: Uint8Array): Promise<void> {
    if (this.#state !== "open") return Promise.reject(new Deno.errors.BrokenPipe("WebSocket is closed"));
    if (data.length === 0) return Promise.resolve();
    return this.#send(Opcode.binary, data);
  }

  /** Sends a close frame (1000) and closes the connection; idempotent. */
  close(): void {
    this.#closeWith(CloseCode.normal, "", "closed locally");
  }

  /**
   * One pong queued at a time, carrying the latest ping's payload (§5.5.3 allows answering only
   * the most recent ping), so a ping flood from a peer that does not read cannot grow the queue.
   */
  #answerPing(payload: Uint8Array): void {
    const idle = this.#pongPayload === undefined;
    this.#pongPayload = payload;
    if (!idle) return;
    this.#send(Opcode.pong, () => {
      const latest = this.#pongPayload ?? new Uint8Array(0);
      this.#pongPayload = undefined;
      return latest;
    }).catch(() => {});
  }

  /** Frames go out one at a time, so pongs and closes never cut into a message. */
  #send(opcode: number, payload: Uint8Array | (() => Uint8Array)): Promise<void> {
    const mask = this.#role === "client" ? crypto.getRandomValues(new Uint8Array(4)) : undefined;
    const encode = (body: Uint8Array) => encodeFrame({ fin: true, opcode, payload: body, mask });
    // Data is framed (copied) now, so the caller may reuse its buffer at once; a lazy payload
    // (the pong) is read only when its turn comes.
    const ready = typeof payload === "function" ? undefined : encode(payload);
    const run = this.#writeChain.then(async () => {
      if (this.#state === "closed") throw new Deno.errors.BrokenPipe("WebSocket is closed");
      const frame = ready ?? encode((payload as () => Uint8Array)());
      try {
        await this.#inner.write(frame);
      } catch (e) {
        this.#finish(`write failed: ${(e as Error).message}`);
        throw e;
      }
    });
    this.#writeChain = run.catch(() => {});
    return run;
  }

  /** §5.5.1: answer a close with a close (echoing its code), then end the connection. */
  #onPeerClose(code: number | undefined): void {
    if (this.#state !== "open") {
      this.#finish("close handshake completed");
      return;
    }
    const reason = `peer sent close${code === undefined ? "" : ` ${code}`}`;
    this.#closeWith(code ?? CloseCode.normal, "", reason);
  }

  #fail(code: number, why: string): void {
    this.#closeWith(code, why, `closed with ${code}: ${why}`);
  }

  /**
   * Sends a close frame and then closes the connection without waiting for the peer's answer:
   * the server closes TCP first anyway (§7.1.1), and a client gains nothing by lingering.
   */
  #closeWith(code: number, text: string, reason: string): void {
    if (this.#state !== "open") return;
    this.#state = "closing";
    this.#closeReason = reason;
    this.#pending = new Uint8Array(0);
    const grace = setTimeout(() => this.#finish(reason), CLOSE_FRAME_GRACE_MS);
    this.#send(Opcode.close, formatClosePayload(code, text))
      .catch(() => {})
      .finally(() => {
        clearTimeout(grace);
        this.#finish(reason);
      });
  }

  #finish(reason: string): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#closeReason ??= reason;
    this.#pending = new Uint8Array(0);
    // An unfinished frame's bytes are not kept for as long as something references this stream.
    this.#parser.clear();
    this.#assembler.clear();
    this.#inner.close();
    this.#resolveClosed();
  }
}

/** Response for a refused upgrade: 400, or 426 with the version we speak (§4.4). */
function refusal(status: 400 | 426): Uint8Array {
  const headers: [string, string][] = [["Connection", "close"], ["Content-Length", "0"]];
  if (status === 426) headers.push(["Sec-WebSocket-Version", "13"]);
  return formatResponseHead({ status, headers });
}

/**
 * Server side of the handshake on a connection whose request head was already read: answers
 * 101 (echoing `rtsp.onvif.org`, which browsers require) and returns the tunnel, or answers
 * 400/426, closes that connection and returns undefined with the reason in `onRefuse`.
 */
export async function acceptWebSocket(
  stream: ByteStream,
  request: HttpRequestHead,
  rest: Uint8Array,
  options: WebSocketStreamOptions & { onRefuse?: (reason: string) => void } = {},
): Promise<WebSocketStream | undefined> {
  const check = checkUpgradeRequest(request);
  try {
    if (!check.ok) {
      options.onRefuse?.(check.reason);
      await stream.write(refusal(check.status));
      stream.close();
      return undefined;
    }
    await stream.write(
      formatResponseHead({ status: 101, headers: upgradeResponseHeaders(check.key, check.protocol) }),
    );
  } catch {
    stream.close();
    return undefined;
  }
  return new WebSocketStream(stream, "server", rest, options);
}

/** Client settings of `dialWebSocketTunnel`. */
export interface WebSocketDialOptions extends TunnelDialOptions, WebSocketStreamOptions {
  /** Fail when the server does not echo `rtsp.onvif.org` (MediaMTX never does). */
  requireProtocolEcho?: boolean;
}

/**
 * Client side: performs the upgrade on an open connection (TCP, or TLS for `rtsps+ws`) to
 * `url.path` ("/" by default) and returns the tunnel. Throws (and closes `stream`) when the
 * server refuses, answers a wrong accept value, or picks another subprotocol.
 */
export async function dialWebSocketTunnel(
  stream: ByteStream,
  url: TunnelUrl,
  options: WebSocketDialOptions = {},
): Promise<WebSocketStream> {
  const key = new TextDecoder().decode(encodeBase64(crypto.getRandomValues(new Uint8Array(16))));
  try {
    await stream.write(formatRequestHead({
      method: "GET",
      target: requestTarget(url),
      headers: upgradeRequestHeaders(hostHeader(url), key),
    }));
    const answer = await readHttpHead(stream, new HttpResponseHeadParser(), options.timeoutMs ?? 10_000);
    const problem = checkUpgradeResponse(answer.head, {
      key,
      requireProtocolEcho: options.requireProtocolEcho,
    });
    if (problem !== undefined) throw new Error(`WebSocket upgrade failed: ${problem}`);
    return new WebSocketStream(stream, "client", answer.rest, options);
  } catch (e) {
    stream.close();
    throw e;
  }
}
