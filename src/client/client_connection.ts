/**
 * The client's RTSP control connection over any ByteStream (TCP, TLS, HTTP or WebSocket tunnel):
 * one read loop framing responses, server requests and interleaved frames, CSeq matching with
 * per-request timeouts, and one serial writer shared by requests and interleaved packets.
 *
 * @module
 */
import type { ByteStream } from "../transport/mod.ts";
import { StreamWriter } from "../transport/mod.ts";
import type { Logger } from "../log/mod.ts";
import { formatInterleaved, formatRequest, formatResponse, newResponse } from "../wire/rtsp/mod.ts";
import { RtspFramer } from "../wire/rtsp/mod.ts";
import { RtspHeaders } from "../wire/rtsp/mod.ts";
import type { RtspRequest, RtspResponse } from "../wire/rtsp/mod.ts";
import { ClientCredentials } from "./digest.ts";
import type { Clock, TimerId } from "../time/mod.ts";

/** Receives an interleaved frame; `payload` is the framer's own copy. */
export type InterleavedHandler = (channel: number, payload: Uint8Array) => void;

interface Pending {
  resolve: (res: RtspResponse) => void;
  reject: (error: Error) => void;
  timer: TimerId;
}

const READ_BUFFER_BYTES = 64 * 1024;
/** Queued chunks above which `writeInterleaved` asks the caller to wait (backpressure). */
const HIGH_WATER_CHUNKS = 256;
const WRITE_TIMEOUT_MS = 10_000;

/** Options of a ClientConnection. */
export interface ClientConnectionOptions {
  log: Logger;
  userAgent: string;
  /** Response timeout. */
  timeoutMs: number;
  clock: Clock;
  /** Credentials of the URL, answered to a 401 (gortsplib's client). */
  user?: string;
  password?: string;
  /** Called for every interleaved frame; hot path. */
  onInterleaved: InterleavedHandler;
  /** Called once when the connection ends: `undefined` after close(), the cause otherwise. */
  onClose: (error: Error | undefined) => void;
}

/** One RTSP control connection of a client. */
export class ClientConnection {
  readonly stream: ByteStream;
  readonly #opts: ClientConnectionOptions;
  readonly #framer = new RtspFramer();
  readonly #writer: StreamWriter;
  readonly #pending = new Map<number, Pending>();
  readonly #reading: Promise<void>;
  #closed = false;
  #cseq = 0;
  #credentials: ClientCredentials | undefined;
  /** Clock time of the last byte received: TCP liveness (gortsplib's client "TCP timeout"). */
  lastReceiveMs: number;

  constructor(stream: ByteStream, opts: ClientConnectionOptions) {
    this.stream = stream;
    this.#opts = opts;
    this.lastReceiveMs = opts.clock.now();
    this.#writer = new StreamWriter(stream, {
      maxQueued: Number.MAX_SAFE_INTEGER,
      writeTimeoutMs: WRITE_TIMEOUT_MS,
      clock: opts.clock,
      onFailure: (f) =>
        this.#end(f.kind === "timeout" ? new Error("write timed out") : toError(f.error, "write failed")),
    });
    this.#reading = this.#readLoop();
  }

  /** Whether the connection has ended. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Sends a request with CSeq, User-Agent, Session (when given) and Authorization (once a
   * challenge was answered) and resolves with the response of the same CSeq. On 401, retries
   * once with the URL's credentials: Digest SHA-256 > Digest MD5 > Basic (gortsplib's client). Rejects after
   * the response timeout (the connection stays open: a late answer is dropped).
   */
  async send(
    method: string,
    url: string,
    headers: RtspHeaders,
    body: Uint8Array | undefined,
    session: string | undefined,
  ): Promise<RtspResponse> {
    const res = await this.#exchange(method, url, headers, body, session);
    if (res.statusCode !== 401 || this.#opts.user === undefined) return res;
    const challenges = res.headers.getAll("WWW-Authenticate");
    const creds = ClientCredentials.fromChallenges(this.#opts.user, this.#opts.password ?? "", challenges);
    if (creds === undefined) return res;
    this.#credentials = creds;
    return await this.#exchange(method, url, headers, body, session);
  }

  #exchange(
    method: string,
    url: string,
    extra: RtspHeaders,
    body: Uint8Array | undefined,
    session: string | undefined,
  ): Promise<RtspResponse> {
    if (this.#closed) return Promise.reject(new Error("connection closed"));
    const cseq = ++this.#cseq;
    const headers = new RtspHeaders([["CSeq", String(cseq)]]);
    for (const [k, v] of extra) if (k.toLowerCase() !== "cseq") headers.append(k, v);
    if (!headers.has("User-Agent")) headers.set("User-Agent", this.#opts.userAgent);
    if (session !== undefined && !headers.has("Session")) headers.set("Session", session);
    if (this.#credentials !== undefined && !headers.has("Authorization")) {
      headers.set("Authorization", this.#credentials.authorization(method, url));
    }
    this.#opts.log.debug(`[c->s] ${method} ${url}`);
    const bytes = formatRequest({
      method,
      url,
      version: "RTSP/1.0",
      headers,
      body: body ?? new Uint8Array(0),
    });
    const timeoutMs = this.#opts.timeoutMs;
    return new Promise((resolve, reject) => {
      const timer = this.#opts.clock.setTimeout(() => {
        this.#pending.delete(cseq);
        reject(new Error(`${method} timed out after ${timeoutMs} ms without a response`));
      }, timeoutMs);
      this.#pending.set(cseq, { resolve, reject, timer });
      this.#writer.enqueue(bytes, true);
    });
  }

  /**
   * Queues one interleaved frame. Returns a promise only when the queue is long: awaiting it is the
   * caller's backpressure; ignoring it is safe (nothing is dropped, errors close the connection).
   */
  writeInterleaved(channel: number, payload: Uint8Array): Promise<void> | void {
    if (this.#closed) return;
    this.#writer.enqueue(formatInterleaved(channel, payload), true);
    if (this.#writer.queued > HIGH_WATER_CHUNKS) return this.#writer.flushed();
  }

  /** Closes the stream, fails pending requests and waits for the read loop; idempotent. */
  async close(): Promise<void> {
    this.#end(undefined);
    await this.#reading;
    // A write in flight fails promptly once the stream is closed; wait so no op outlives us.
    await this.#writer.flushed();
  }

  #end(error: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.stream.close();
    for (const p of this.#pending.values()) {
      this.#opts.clock.clearTimeout(p.timer);
      p.reject(error ?? new Error("connection closed"));
    }
    this.#pending.clear();
    this.#opts.onClose(error);
  }

  async #readLoop(): Promise<void> {
    const buf = new Uint8Array(READ_BUFFER_BYTES);
    let error: Error | undefined;
    try {
      for (;;) {
        const n = await this.stream.read(buf);
        if (n === null) {
          error = new Error("connection closed by the server");
          break;
        }
        this.lastReceiveMs = this.#opts.clock.now();
        this.#framer.push(buf.subarray(0, n));
        this.#drain();
        if (this.#closed) return;
      }
    } catch (e) {
      error = toError(e, "read failed");
    }
    // After a local close() the read fails with "bad resource": not an error worth reporting.
    if (!this.#closed) this.#end(error);
  }

  #drain(): void {
    for (let f = this.#framer.next(); f !== undefined; f = this.#framer.next()) {
      switch (f.kind) {
        case "interleaved":
          this.#opts.onInterleaved(f.channel, f.payload);
          break;
        case "response":
          this.#onResponse(f.response);
          break;
        case "request":
          this.#onRequest(f.request);
          break;
        case "invalid":
          this.#opts.log.debug(`discarded invalid message: ${f.error.message}`);
          break;
      }
      if (this.#closed) return;
    }
  }

  #onResponse(res: RtspResponse): void {
    const raw = res.headers.get("CSeq");
    let cseq = raw === undefined ? NaN : Number(raw.trim());
    // Some cameras omit CSeq in responses: with a single request in flight the answer is obvious.
    if (Number.isNaN(cseq) && this.#pending.size === 1) cseq = this.#pending.keys().next().value!;
    const p = this.#pending.get(cseq);
    if (p === undefined) {
      this.#opts.log.debug(`ignored response with unknown CSeq ${raw}`);
      return;
    }
    this.#pending.delete(cseq);
    this.#opts.clock.clearTimeout(p.timer);
    p.resolve(res);
  }

  /**
   * Requests from the server (RFC 2326 §10: OPTIONS as a keepalive probe, ANNOUNCE, REDIRECT,
   * GET/SET_PARAMETER) get `200 OK` so servers that ping their clients keep the session.
   */
  #onRequest(req: RtspRequest): void {
    this.#opts.log.debug(`answering server request ${req.method} ${req.url}`);
    const res = newResponse(200);
    const cseq = req.headers.get("CSeq");
    if (cseq !== undefined) res.headers.set("CSeq", cseq);
    this.#writer.enqueue(formatResponse(res), true);
  }
}

function toError(e: unknown, fallback: string): Error {
  return e instanceof Error ? e : new Error(`${fallback}: ${String(e)}`);
}
