/// <reference no-default-lib="true" />
/// <reference lib="dom" />
/// <reference lib="esnext" />
/**
 * An RTSP client connection over the WebSocket tunnel (ONVIF Streaming Spec §5.1.1: subprotocol
 * `rtsp.onvif.org`, binary frames carrying the RTSP byte stream), using the server's own framer
 * and formatter. Requests are answered in order by CSeq; interleaved frames go to `onData`.
 * Answers `401` challenges itself when it has credentials.
 *
 * @module
 */
import { RtspFramer } from "../wire/rtsp/framer.ts";
import { formatRequest } from "../wire/rtsp/format.ts";
import { RtspHeaders } from "../wire/rtsp/headers.ts";
import type { RtspResponse } from "../wire/rtsp/message.ts";
import { RtspAuth } from "./rtsp_auth.ts";

/** Thrown by `request` when the server wants credentials the client does not have (or refused them). */
export class AuthRequiredError extends Error {
  constructor(readonly wrongCredentials: boolean) {
    super(wrongCredentials ? "wrong user name or password" : "this stream needs a user name and password");
  }
}

/** Settings of a tunnel connection. */
export interface TunnelClientOptions {
  /** `ws://` or `wss://` URL of the RTSP port. */
  wsUrl: string;
  user?: string;
  pass?: string;
  /** Deadline of the WebSocket opening and of each response. */
  timeoutMs: number;
  /** Every interleaved frame (channel, payload). */
  onData: (channel: number, payload: Uint8Array) => void;
  /** The socket closed (not called after `close()`). */
  onClose: (reason: string) => void;
}

/** One RTSP connection through a WebSocket. */
export class RtspTunnelClient {
  readonly #o: TunnelClientOptions;
  readonly #ws: WebSocket;
  readonly #framer = new RtspFramer({ maxBodyBytes: 1024 * 1024 });
  readonly #pending = new Map<number, (r: RtspResponse | Error) => void>();
  #cseq = 0;
  #auth: RtspAuth | undefined;
  #session: string | undefined;
  #closed = false;
  /** Bytes received through the socket. */
  bytesReceived = 0;

  private constructor(o: TunnelClientOptions, ws: WebSocket) {
    this.#o = o;
    this.#ws = ws;
    ws.binaryType = "arraybuffer";
    ws.onmessage = (e) => this.#receive(e.data);
    ws.onclose = (e) => this.#lost(`connection closed (${e.code}${e.reason ? ` ${e.reason}` : ""})`);
    ws.onerror = () => this.#lost("connection error");
  }

  /** Opens the WebSocket; rejects when it does not open in time. */
  static open(o: TunnelClientOptions): Promise<RtspTunnelClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(o.wsUrl, "rtsp.onvif.org");
      const timer = setTimeout(() => {
        ws.close();
        reject(new Error(`no answer from ${o.wsUrl}`));
      }, o.timeoutMs);
      ws.onopen = () => {
        clearTimeout(timer);
        resolve(new RtspTunnelClient(o, ws));
      };
      ws.onerror = () => {
        clearTimeout(timer);
        reject(new Error(`cannot connect to ${o.wsUrl}`));
      };
    });
  }

  /** The session id once a SETUP answered one. */
  get session(): string | undefined {
    return this.#session;
  }

  /**
   * Sends a request and waits for its response; answers one `401` with the credentials. Throws
   * `AuthRequiredError` when they are missing or refused; other statuses are returned.
   */
  async request(method: string, url: string, headers: Record<string, string> = {}): Promise<RtspResponse> {
    let res = await this.#send(method, url, headers);
    if (res.statusCode === 401) {
      const challenges = res.headers.getAll("WWW-Authenticate");
      if (this.#o.user === undefined || this.#o.user === "") throw new AuthRequiredError(false);
      this.#auth = RtspAuth.fromChallenges(this.#o.user, this.#o.pass ?? "", challenges);
      if (this.#auth === undefined) throw new Error("the server asks for an unsupported authentication");
      res = await this.#send(method, url, headers);
      if (res.statusCode === 401) throw new AuthRequiredError(true);
    }
    const session = res.headers.get("Session");
    if (session !== undefined && this.#session === undefined) this.#session = session.split(";")[0].trim();
    return res;
  }

  /** Sends RTCP (or anything) on an interleaved channel. */
  sendInterleaved(channel: number, payload: Uint8Array): void {
    if (this.#closed || this.#ws.readyState !== WebSocket.OPEN) return;
    const frame = new Uint8Array(4 + payload.length);
    frame[0] = 0x24;
    frame[1] = channel;
    frame[2] = payload.length >> 8;
    frame[3] = payload.length & 0xff;
    frame.set(payload, 4);
    this.#ws.send(frame);
  }

  /** Closes the socket; pending requests fail. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ws.close();
    this.#failPending(new Error("closed"));
  }

  async #send(method: string, url: string, extra: Record<string, string>): Promise<RtspResponse> {
    if (this.#closed) throw new Error("closed");
    const cseq = ++this.#cseq;
    const headers = new RtspHeaders({ CSeq: String(cseq), "User-Agent": "deno-rtsp-server player" });
    for (const [k, v] of Object.entries(extra)) headers.set(k, v);
    if (this.#session !== undefined) headers.set("Session", this.#session);
    if (this.#auth !== undefined) headers.set("Authorization", await this.#auth.authorization(method, url));
    const answer = new Promise<RtspResponse | Error>((resolve) => this.#pending.set(cseq, resolve));
    this.#ws.send(formatRequest({ method, url, version: "RTSP/1.0", headers, body: new Uint8Array(0) }));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<Error>((resolve) => {
      timer = setTimeout(() => resolve(new Error(`no answer to ${method}`)), this.#o.timeoutMs);
    });
    const r = await Promise.race([answer, timeout]);
    clearTimeout(timer);
    this.#pending.delete(cseq);
    if (r instanceof Error) throw r;
    return r;
  }

  #receive(data: unknown): void {
    if (!(data instanceof ArrayBuffer)) return;
    this.bytesReceived += data.byteLength;
    this.#framer.push(new Uint8Array(data));
    for (let f = this.#framer.next(); f !== undefined; f = this.#framer.next()) {
      if (f.kind === "interleaved") this.#o.onData(f.channel, f.payload);
      else if (f.kind === "response") {
        const cseq = Number(f.response.headers.get("CSeq"));
        this.#pending.get(cseq)?.(f.response);
      }
      // Server requests (none expected) and invalid frames are ignored.
    }
  }

  #lost(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#failPending(new Error(reason));
    this.#o.onClose(reason);
  }

  #failPending(e: Error): void {
    for (const resolve of this.#pending.values()) resolve(e);
    this.#pending.clear();
  }
}
