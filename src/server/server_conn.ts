import type { ByteStream, NetAddr } from "../transport/mod.ts";
import { formatNetAddr } from "../transport/mod.ts";
import { StreamWriter } from "../transport/mod.ts";
import { tcpSyncWriter } from "../transport/mod.ts";
import { RtspFramer } from "../wire/rtsp/mod.ts";
import { formatResponse, newResponse, statusText } from "../wire/rtsp/mod.ts";
import type { RtspRequest, RtspResponse } from "../wire/rtsp/mod.ts";
import { RtspError } from "../wire/rtsp/mod.ts";
import { parseSession } from "../wire/rtsp/headers/mod.ts";
import type { Logger } from "../log/mod.ts";
import type { ServerContext } from "./server_context.ts";
import type { CarrierConn, ServerSession } from "./server_session.ts";
import { dispatchRequest } from "./handlers/mod.ts";

const READ_BUFFER_BYTES = 64 * 1024;
/** Readers send little (requests, RTCP); a connection that fills this (a publisher) gets READ_BUFFER_BYTES. */
const FIRST_READ_BUFFER_BYTES = 4 * 1024;
const SERVER_HEADER = "deno-rtsp-server";
/** Pause before answering wrong credentials, as MediaMTX does. */
const DEFAULT_AUTH_FAILURE_DELAY_MS = 2000;
const decoder = new TextDecoder();

/**
 * One accepted connection (TCP, TLS or a tunnel): reads RTSP requests and interleaved
 * frames, answers through a bounded writer, and carries TCP-transport sessions.
 */
export class ServerConn implements CarrierConn {
  readonly remote: NetAddr;
  readonly writer: StreamWriter;
  readonly log: Logger;
  readonly stream: ByteStream;
  /** Public id (API ids); random, unrelated to any secret. */
  readonly uuid: string = crypto.randomUUID();
  /** When the connection was accepted (epoch ms, sub-millisecond). */
  readonly createdMs = performance.timeOrigin + performance.now();
  /** Bytes read from the peer. */
  bytesIn = 0;
  readonly #ctx: ServerContext;
  /** Payload views, not copies: a publisher's packet is copied once, by the stream (StreamPublisher.writeRtp). */
  readonly #framer = new RtspFramer(undefined, { payloadViews: true });
  /** Sessions this connection has used, so they learn when it closes. */
  readonly sessions = new Set<ServerSession>();
  #pendingSession: ServerSession | undefined;
  #tcpSession: ServerSession | undefined;
  lastReadMs: number;
  /**
   * Since when bytes have been waiting without completing a request or frame (undefined: none
   * pending). The idle deadline resets on every byte; this one does not, so a request head
   * trickled byte by byte is cut at the request deadline (slowloris).
   */
  partialSinceMs: number | undefined;
  /** Digest nonce of this connection (gortsplib issues one nonce per connection; RFC 2617 §3.2.1). */
  readonly nonce = Array.from(
    crypto.getRandomValues(new Uint8Array(16)),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
  #closed = false;
  #closeReason = "";
  #onClose: (() => void) | undefined;
  /** Ends a running auth-failure pause (on close). */
  #wakePause: (() => void) | undefined;

  constructor(ctx: ServerContext, stream: ByteStream) {
    this.#ctx = ctx;
    this.lastReadMs = ctx.clock.now();
    this.stream = stream;
    this.remote = stream.remoteAddr;
    const tunnel = stream.kind === "http" || stream.kind === "websocket" ? ` tunnel=${stream.kind}` : "";
    this.log = ctx.log.with(`[conn ${formatNetAddr(stream.remoteAddr)}${tunnel}]`);
    this.writer = new StreamWriter(stream, {
      maxQueued: ctx.options.writeQueueSize,
      writeTimeoutMs: ctx.options.writeTimeoutMs,
      clock: ctx.clock,
      scheduler: ctx.writeScheduler,
      sync: tcpSyncWriter(stream),
      onFailure: (f) => this.close(f.kind === "timeout" ? "write timeout" : errorText(f.error)),
    });
  }

  /** The session created here by ANNOUNCE or a first SETUP, for clients that omit `Session`. */
  get pendingSession(): ServerSession | undefined {
    return this.#pendingSession;
  }

  /** The session whose interleaved packets travel on this connection. */
  get tcpSession(): ServerSession | undefined {
    return this.#tcpSession;
  }

  /** Whether the connection has closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The server context (for handlers). */
  get context(): ServerContext {
    return this.#ctx;
  }

  /**
   * How long the peer may stay silent, in ms (0 = forever), as gortsplib's server decides it (RFC 2326 §12.37):
   * RECORD over TCP uses readTimeout; RECORD over UDP has no deadline because ffmpeg
   * sends no keepalives then; everything else the session timeout.
   */
  get readDeadlineMs(): number {
    const o = this.#ctx.options;
    if (this.tcpSession?.state === "record") return o.readTimeoutMs;
    for (const s of this.sessions) {
      if (s.state === "record" && s.transport === "udp") return 0;
    }
    return o.sessionTimeoutMs;
  }

  /** Reads until the peer leaves or an error occurs; never throws. */
  async run(): Promise<void> {
    this.log.info("opened");
    const o = this.#ctx.options;
    if (!this.#closed) {
      const type = o.label === "RTSPS" ? "rtspsConn" : "rtspConn";
      this.#onClose = o.onConnOpen?.({ type, id: this.uuid, log: this.log });
    }
    let buf = new Uint8Array(FIRST_READ_BUFFER_BYTES);
    let reason = "EOF";
    try {
      while (!this.#closed) {
        const n = await this.stream.read(buf);
        if (n === null) break;
        this.bytesIn += n;
        this.lastReadMs = this.#ctx.clock.now();
        this.#framer.push(buf.subarray(0, n)); // copied: the buffer can be replaced
        if (n === buf.length && n < READ_BUFFER_BYTES) buf = new Uint8Array(READ_BUFFER_BYTES);
        if (await this.#drainFrames()) {
          this.partialSinceMs = this.#framer.bufferedBytes > 0 ? this.lastReadMs : undefined;
        } else {
          this.partialSinceMs ??= this.lastReadMs;
        }
      }
    } catch (e) {
      reason = errorText(e);
    }
    this.close(reason);
  }

  /** Handles every complete frame; tells whether there was one. */
  async #drainFrames(): Promise<boolean> {
    let any = false;
    for (let f = this.#framer.next(); f !== undefined && !this.#closed; f = this.#framer.next()) {
      any = true;
      switch (f.kind) {
        case "interleaved":
          if (this.tcpSession !== undefined) this.tcpSession.onInterleaved(f.channel, f.payload);
          else if (![...this.sessions].some((s) => s.transport === "tcp")) {
            // gortsplib ends a connection that sends media without a TCP session (none, or a
            // UDP one): the bytes cannot be routed, and it may be a peer speaking another protocol.
            this.close("unexpected interleaved frame: the connection has no TCP session");
          }
          break;
        case "request":
          await this.#onRequest(f.request);
          break;
        case "response":
          break; // answers to requests we never send (or keepalive echoes): ignored
        case "invalid":
          this.log.warn(`invalid data: ${f.error.message}`);
          // RFC 2326 §12.17: echo the CSeq of the rejected message when it can be read. Then
          // close, as gortsplib does after any unreadable message: what follows cannot be trusted.
          this.#send(newResponse(f.error.status), /^CSeq:[ \t]*(\S+)/im.exec(f.raw ?? "")?.[1]);
          this.close(`invalid data: ${f.error.message}`);
          break;
      }
    }
    return any;
  }

  /** Whether the connection carries no session yet (what the pending-connection caps count). */
  get pending(): boolean {
    return this.sessions.size === 0 && this.tcpSession === undefined;
  }

  async #onRequest(req: RtspRequest): Promise<void> {
    if (this.log.enabled("debug")) {
      this.log.debug(`[c->s] ${describeMessage(req.method + " " + req.url, req)}`);
    }
    const cseq = req.headers.get("CSeq");
    if (req.version !== "RTSP/1.0") {
      // RFC 2326 §11.3.7 (gortsplib cannot read the request and just closes the connection).
      this.log.warn(`${req.method} with unsupported version ${req.version}`);
      this.#send(newResponse(505), cseq);
      this.close(`unsupported RTSP version ${req.version}`);
      return;
    }
    if (cseq === undefined) {
      // RFC 2326 §12.17: CSeq is mandatory; gortsplib answers 400 without echoing one, then closes.
      this.log.warn(`${req.method} without CSeq`);
      this.#send(newResponse(400), undefined);
      this.close("request without CSeq");
      return;
    }
    let response: RtspResponse;
    let after: (() => void) | undefined;
    try {
      const session = this.#lookupSession(req);
      const result = await dispatchRequest({ conn: this, ctx: this.#ctx, req, session });
      response = result.response;
      after = result.after;
    } catch (e) {
      const err = e instanceof RtspError ? e : undefined;
      if (err === undefined) this.log.error(`${req.method} ${req.url}: ${errorText(e)}`);
      else this.log.info(`${req.method} ${req.url}: ${err.status} ${err.message}`);
      if (err?.status === 401 && err.close) await this.#authFailurePause();
      response = newResponse(err?.status ?? 500);
      for (const [k, v] of err?.headers ?? []) response.headers.append(k, v);
      if (err?.close) after = () => this.close(err.message);
    }
    this.#send(response, cseq);
    after?.();
  }

  /**
   * MediaMTX's brute-force brake: a request with wrong credentials is answered only after a pause
   * (2 s by default). Only this connection waits (its next requests queue behind the answer);
   * the event loop and every other connection go on. Cut short when the connection closes.
   */
  async #authFailurePause(): Promise<void> {
    const ms = this.#ctx.options.authFailureDelayMs ?? DEFAULT_AUTH_FAILURE_DELAY_MS;
    if (ms <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = this.#ctx.clock.setTimeout(() => {
        this.#wakePause = undefined;
        resolve();
      }, ms);
      this.#wakePause = () => {
        this.#ctx.clock.clearTimeout(timer);
        resolve();
      };
    });
  }

  /** The session named by the `Session` header: 454 when unknown, 400 from another host. */
  #lookupSession(req: RtspRequest): ServerSession | undefined {
    const header = req.headers.get("Session");
    if (header === undefined) return undefined;
    let id: string;
    try {
      id = parseSession(header).id;
    } catch {
      throw new RtspError(400, `invalid Session header: ${header}`);
    }
    const session = this.#ctx.sessions.get(id);
    if (session === undefined) throw new RtspError(454, "session not found");
    if (session.remoteHost !== this.remote.hostname) {
      throw new RtspError(400, "session belongs to another host");
    }
    if (session.transport === "tcp" && !session.conns.has(this)) {
      // A TCP session lives on its connection: no other one may pause or tear it down (gortsplib).
      throw new RtspError(400, "session is linked to another connection");
    }
    session.touch();
    this.attach(session);
    return session;
  }

  /** Records that `session` is used through this connection. */
  attach(session: ServerSession): void {
    this.sessions.add(session);
    session.conns.add(this);
  }

  /** ANNOUNCE or a first SETUP created `session` here: later requests without `Session` continue it. */
  adopt(session: ServerSession): void {
    this.attach(session);
    this.#pendingSession = session;
  }

  /** PLAY or RECORD over TCP: this connection now carries `session`'s interleaved packets. */
  carry(session: ServerSession): void {
    this.#tcpSession = session;
  }

  /** TEARDOWN: `session` no longer uses this connection. */
  release(session: ServerSession): void {
    this.sessions.delete(session);
    if (this.#tcpSession === session) this.#tcpSession = undefined;
    if (this.#pendingSession === session) this.#pendingSession = undefined;
  }

  #send(res: RtspResponse, cseq: string | undefined): void {
    if (cseq !== undefined) res.headers.set("CSeq", cseq);
    res.headers.set("Server", SERVER_HEADER);
    if (this.log.enabled("debug")) {
      this.log.debug(
        `[s->c] ${describeMessage(`${res.statusCode} ${res.reason || statusText(res.statusCode)}`, res)}`,
      );
    }
    this.writer.enqueue(formatResponse(res), true);
  }

  /** Closes the connection and tells its sessions. Idempotent. */
  close(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeReason = reason;
    this.#wakePause?.();
    // Let queued responses (e.g. a 401 before closing) reach the peer, then close.
    this.writer.flushed().finally(() => this.stream.close());
    for (const s of this.sessions) s.onConnClosed(this);
    this.sessions.clear();
    this.log.info(`closed: ${reason}`);
    this.#onClose?.();
  }

  /** Why the connection closed ("" while open). */
  get closeReason(): string {
    return this.#closeReason;
  }
}

function describeMessage(
  first: string,
  m: { headers: Iterable<[string, string]>; body: Uint8Array },
): string {
  const lines = [first];
  for (const [k, v] of m.headers) lines.push(`${k}: ${v}`);
  if (m.body.length > 0) lines.push("", decoder.decode(m.body.subarray(0, 4096)));
  return lines.join("\n");
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
