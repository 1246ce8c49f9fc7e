/**
 * The project's RTSP client (RFC 2326): reads (DESCRIBE, SETUP, PLAY) and publishes (ANNOUNCE,
 * SETUP, RECORD) over TCP interleaved or UDP, on any ByteStream carrier, with the behaviour of
 * gortsplib's client as documented by gortsplib (keepalives, RTCP receiver reports, automatic
 * UDP→TCP switch, digest auth retry).
 *
 * @module
 */
import type { ByteStream } from "../transport/mod.ts";
import { Logger } from "../log/mod.ts";
import { RtspHeaders } from "../wire/rtsp/mod.ts";
import type { RtspResponse } from "../wire/rtsp/mod.ts";
import { RtspError } from "../wire/rtsp/mod.ts";
import { parseSession, type SessionHeader } from "../wire/rtsp/headers/mod.ts";
import { formatTransport } from "../wire/rtsp/headers/mod.ts";
import { parseRtspUrl, type RtspUrl } from "../wire/rtsp/mod.ts";
import { mediaControl, mediaDirection } from "../wire/sdp/mod.ts";
import { parseSdp } from "../wire/sdp/mod.ts";
import type { SdpMedia, SessionDescription } from "../wire/sdp/mod.ts";
import { ClientConnection } from "./client_connection.ts";
import { ClientMedia, natPunchRtp } from "./client_media.ts";
import {
  ClientUdpPair,
  defaultUdpHost,
  InterleavedChannels,
  type PacketHandler,
  type UdpPeer,
} from "./client_transport.ts";
import { controlUrl, describeBaseUrl, redirectTarget, requestUrlOf } from "./client_urls.ts";
import { defaultDialer } from "./dial.ts";
import {
  acceptedTransport,
  announcedSdp,
  initialTransport,
  offerTransport,
  udpPeerOf,
} from "./client_setup.ts";
import type { DescribeResult, RtspClientOptions } from "./client_options.ts";
import { FIRST_UDP_PACKET_MS, keepaliveMs, SessionTimers } from "./session_timers.ts";
import { type Clock, systemClock } from "../time/mod.ts";

export type { DescribeResult, RtspClientOptions } from "./client_options.ts";

type State = "idle" | "playing" | "recording" | "closed";

const MAX_REDIRECTS = 5;
const encoder = new TextEncoder();
const silent = new Logger("error", () => {});

/** An RTSP client session on one control connection. */
export class RtspClient implements AsyncDisposable {
  /** Every RTP packet received while playing (hot path); UDP packets are views: copy to keep. */
  onRtp?: PacketHandler;
  /** Every RTCP packet received. */
  onRtcp?: PacketHandler;
  /** Resolves when the client ends: undefined after close(), the cause otherwise. */
  readonly closed: Promise<Error | undefined>;
  readonly #opts: RtspClientOptions;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #timeoutMs: number;
  readonly #wanted: "tcp" | "udp" | "automatic";
  readonly #channels = new InterleavedChannels();
  readonly #setup = new Map<number, ClientMedia>();
  #resolveClosed!: (e: Error | undefined) => void;
  #url: RtspUrl;
  #requestUrl: string;
  #conn: ClientConnection;
  #public: Set<string> | undefined;
  #medias: SdpMedia[] = [];
  #baseUrl: string | undefined;
  #mode: "play" | "record" | undefined;
  #session: SessionHeader | undefined;
  #transport: "tcp" | "udp" | undefined;
  #fellBackToTcp = false;
  #state: State = "idle";
  readonly #timers: SessionTimers;
  #keepaliveInFlight = false;
  #closing: Promise<void> | undefined;

  private constructor(url: RtspUrl, stream: ByteStream, opts: RtspClientOptions) {
    this.#opts = opts;
    this.#log = opts.log ?? silent;
    this.#timeoutMs = opts.timeoutMs ?? 10_000;
    this.#clock = opts.clock ?? systemClock;
    this.#wanted = opts.transport ?? "automatic";
    this.#url = url;
    this.#requestUrl = requestUrlOf(url);
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    this.#conn = this.#open(url, stream);
    this.#timers = new SessionTimers(
      {
        keepalive: () => this.#keepalive(),
        sendReceiverReports: () => {
          for (const m of this.#setup.values()) void m.udp?.sendRtcp(m.receiverReport());
        },
        udpPackets: () => this.#udpPacketCount(),
        lastReceiveMs: () => this.#conn.lastReceiveMs,
        onTimeout: (e) => this.#fail(e),
        onNoUdpPacket: () => this.#switchToTcp(),
      },
      this.#timeoutMs,
      this.#clock,
    );
  }

  /** Opens the carrier of `url` (credentials in the URL are used on 401) without sending anything. */
  static async connect(url: string, options: RtspClientOptions = {}): Promise<RtspClient> {
    const parsed = parseRtspUrl(url);
    const stream = await (options.dial ?? defaultDialer(options.tls))(parsed);
    return new RtspClient(parsed, stream, options);
  }

  /** Medias of the described or announced SDP, indexed like every `mediaIndex`. */
  get medias(): readonly SdpMedia[] {
    return this.#medias;
  }

  /** Session id from the first SETUP answer. */
  get sessionId(): string | undefined {
    return this.#session?.id;
  }

  /** Transport of the set-up medias. */
  get transport(): "tcp" | "udp" | undefined {
    return this.#transport;
  }

  /** Base URL of the presentation (after describe() or announce()). */
  get baseUrl(): string | undefined {
    return this.#baseUrl;
  }

  /**
   * Sends a request (default URL: the base URL, else the connection URL) with CSeq, User-Agent,
   * Session and Authorization; on 401 retries once with the URL's credentials (gortsplib's client).
   */
  request(
    method: string,
    url?: string,
    headers?: Record<string, string> | RtspHeaders,
    body?: Uint8Array,
  ): Promise<RtspResponse> {
    const extra = headers instanceof RtspHeaders ? headers : new RtspHeaders(headers);
    const target = url ?? this.#baseUrl ?? this.#requestUrl;
    return this.#conn.send(method, target, extra, body, this.#session?.id);
  }

  /** OPTIONS; remembers `Public` to pick the keepalive method. 404 and 501 are tolerated (gortsplib's client). */
  async options(): Promise<RtspResponse> {
    const res = await this.request("OPTIONS", this.#requestUrl);
    if (res.statusCode !== 200 && res.statusCode !== 404 && res.statusCode !== 501) {
      throw failed("OPTIONS", res);
    }
    const pub = res.headers.get("Public");
    if (pub !== undefined) this.#public = new Set(pub.split(",").map((m) => m.trim().toUpperCase()));
    return res;
  }

  /** DESCRIBE (following up to 5 redirects); the client is then in play mode. */
  async describe(): Promise<DescribeResult> {
    for (let hops = 0;; hops++) {
      const res = await this.request("DESCRIBE", this.#requestUrl, { Accept: "application/sdp" });
      const location = res.headers.get("Location");
      if (res.statusCode >= 301 && res.statusCode <= 305 && location !== undefined && hops < MAX_REDIRECTS) {
        await this.#redirect(location);
        continue;
      }
      if (res.statusCode !== 200) throw failed("DESCRIBE", res);
      // Parameters such as "; charset=utf-8" are ignored (gortsplib's client).
      const type = res.headers.get("Content-Type")?.split(";")[0].trim().toLowerCase();
      if (type !== undefined && type !== "application/sdp") {
        throw new RtspError(415, `DESCRIBE answered with Content-Type "${type}", not application/sdp`);
      }
      const sdp = parseSdp(res.body);
      this.#baseUrl = describeBaseUrl(this.#requestUrl, res.headers, sdp);
      this.#medias = sdp.medias;
      this.#mode = "play";
      return { sdp, baseUrl: this.#baseUrl, response: res };
    }
  }

  /** ANNOUNCE an SDP (medias without `a=control` get `trackID=<i>`); the client is then in record mode. */
  async announce(sdp: string | SessionDescription): Promise<void> {
    const { text, sdp: sd } = announcedSdp(sdp);
    const res = await this.request(
      "ANNOUNCE",
      this.#requestUrl,
      { "Content-Type": "application/sdp" },
      encoder.encode(text),
    );
    if (res.statusCode !== 200) throw failed("ANNOUNCE", res);
    this.#medias = sd.medias;
    this.#baseUrl = this.#requestUrl;
    this.#mode = "record";
  }

  /**
   * SETUP every media (play: except ONVIF back channels, `a=sendonly`) or the chosen ones, with the
   * configured transport. In automatic mode a 461 or a TCP answer restarts the session over TCP.
   */
  async setupAll(medias?: number[]): Promise<void> {
    if (this.#mode === undefined) throw new Error("Cannot SETUP: call describe() or announce() first");
    const chosen = medias ??
      this.#medias.map((_, i) => i).filter((i) =>
        this.#mode === "record" || mediaDirection(this.#medias[i]) !== "sendonly"
      );
    for (const i of chosen) {
      if (!Number.isInteger(i) || i < 0 || i >= this.#medias.length) {
        throw new RangeError(`Cannot SETUP: no media ${i}`);
      }
    }
    const transport = this.#pickTransport();
    try {
      for (const i of chosen) if (!this.#setup.has(i)) await this.#setupOne(i, transport);
    } catch (e) {
      const unsupported = e instanceof RtspError && e.status === 461;
      if (!unsupported || transport !== "udp" || this.#wanted !== "automatic") throw e;
      this.#log.warn(`switching to TCP because ${e.message}`);
      await this.teardown();
      this.#fellBackToTcp = true;
      for (const i of chosen) await this.#setupOne(i, "tcp");
    }
  }

  /** PLAY (after setupAll(), called here when nothing is set up) with ffmpeg's `Range: npt=0.000-`. */
  async play(): Promise<RtspResponse> {
    if (this.#mode !== "play") throw new Error("Cannot PLAY: call describe() first");
    if (this.#setup.size === 0) await this.setupAll();
    // Open NAT mappings towards the server ports before media flows (gortsplib's client).
    for (const m of this.#setup.values()) {
      await m.udp?.sendRtp(natPunchRtp(m.localSsrc));
      await m.udp?.sendRtcp(m.receiverReport());
    }
    const res = await this.request("PLAY", this.#baseUrl, { Range: "npt=0.000-" });
    if (res.statusCode !== 200) throw failed("PLAY", res);
    this.#startSession("playing");
    return res;
  }

  /** RECORD (after setupAll(), called here when nothing is set up). */
  async record(): Promise<RtspResponse> {
    if (this.#mode !== "record") throw new Error("Cannot RECORD: call announce() first");
    if (this.#setup.size === 0) await this.setupAll();
    const res = await this.request("RECORD", this.#baseUrl, { Range: "npt=0.000-" });
    if (res.statusCode !== 200) throw failed("RECORD", res);
    this.#startSession("recording");
    return res;
  }

  /** Sends one RTP packet while recording; a returned promise asks the caller to wait (backpressure). */
  writeRtp(mediaIndex: number, packet: Uint8Array): Promise<void> | void {
    const m = this.#setup.get(mediaIndex);
    if (m === undefined || this.#state !== "recording") {
      throw new Error(`Cannot write RTP: media ${mediaIndex} is not recording`);
    }
    if (m.channels !== undefined) return this.#conn.writeInterleaved(m.channels[0], packet);
    return m.udp!.sendRtp(packet);
  }

  /** Sends one RTCP packet (e.g. a Sender Report) on a set-up media. */
  writeRtcp(mediaIndex: number, packet: Uint8Array): Promise<void> | void {
    const m = this.#setup.get(mediaIndex);
    if (m === undefined) throw new Error(`Cannot write RTCP: media ${mediaIndex} is not set up`);
    if (m.channels !== undefined) return this.#conn.writeInterleaved(m.channels[1], packet);
    return m.udp!.sendRtcp(packet);
  }

  /** TEARDOWN the session (if any) and release its sockets; the connection stays open. */
  async teardown(): Promise<void> {
    this.#timers.stop();
    try {
      if (this.#session !== undefined && !this.#conn.closed) {
        const res = await this.request("TEARDOWN", this.#baseUrl);
        if (res.statusCode !== 200) this.#log.debug(`TEARDOWN answered ${res.statusCode} ${res.reason}`);
      }
    } finally {
      const pairs = [...this.#setup.values()].map((m) => m.udp?.close());
      this.#setup.clear();
      this.#channels.clear();
      this.#session = undefined;
      this.#transport = undefined;
      if (this.#state !== "closed") this.#state = "idle";
      await Promise.all(pairs);
    }
  }

  /** Closes the connection and every socket and timer without sending anything; idempotent. */
  close(): Promise<void> {
    return this.#shutdown(undefined);
  }

  /** Same as close(). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #open(url: RtspUrl, stream: ByteStream): ClientConnection {
    const conn: ClientConnection = new ClientConnection(stream, {
      log: this.#log,
      userAgent: this.#opts.userAgent ?? "deno-rtsp-server",
      timeoutMs: this.#timeoutMs,
      clock: this.#clock,
      user: url.user,
      password: url.password,
      onInterleaved: (channel, payload) => {
        if (!this.#channels.route(channel, payload, this.onRtp, this.onRtcp) && this.#log.enabled("debug")) {
          this.#log.debug(`ignored interleaved frame on unknown channel ${channel}`);
        }
      },
      onClose: (error) => {
        if (error !== undefined && conn === this.#conn) this.#fail(error);
      },
    });
    return conn;
  }

  async #redirect(location: string): Promise<void> {
    const next = redirectTarget(this.#url, location);
    this.#log.info(`redirected to ${requestUrlOf(next)}`);
    const old = this.#conn;
    this.#conn = this.#open(next, await (this.#opts.dial ?? defaultDialer(this.#opts.tls))(next));
    this.#url = next;
    this.#requestUrl = requestUrlOf(next);
    this.#public = undefined;
    await old.close();
  }

  #pickTransport(): "tcp" | "udp" {
    // All medias of a session share one transport (gortsplib's client; RFC 2326 §12.39).
    return this.#transport ??
      initialTransport(this.#wanted, this.#conn.stream.kind, this.#fellBackToTcp);
  }

  async #setupOne(index: number, transport: "tcp" | "udp"): Promise<void> {
    const media = this.#medias[index];
    const url = controlUrl(this.#baseUrl!, mediaControl(media));
    const udp = transport === "udp"
      ? ClientUdpPair.open(this.#opts.udpHost ?? defaultUdpHost(this.#conn.stream.remoteAddr))
      : undefined;
    try {
      const ports: [number, number] | undefined = udp && [udp.rtpPort, udp.rtcpPort];
      const offer = offerTransport(index, transport, this.#mode!, ports);
      const res = await this.request("SETUP", url, { Transport: formatTransport(offer) });
      if (res.statusCode !== 200) throw failed("SETUP", res);
      const answer = acceptedTransport(res, offer);
      const session = res.headers.get("Session");
      if (session !== undefined && this.#session === undefined) this.#session = parseSession(session);
      let m: ClientMedia;
      if (udp === undefined) {
        const channels = answer.interleaved ?? offer.interleaved!;
        this.#channels.bind(index, channels);
        m = new ClientMedia(index, media, url, { channels });
      } else {
        m = new ClientMedia(index, media, url, { udp });
        this.#startUdp(m, udp, udpPeerOf(answer, this.#conn.stream.remoteAddr.hostname));
      }
      this.#setup.set(index, m);
      this.#transport = transport;
    } catch (e) {
      await udp?.close();
      throw e;
    }
  }

  #startUdp(m: ClientMedia, udp: ClientUdpPair, peer: UdpPeer): void {
    udp.start(peer, {
      onRtp: (data) => {
        if (this.#mode !== "play") return; // record: the server's NAT-punch packets
        m.countRtp(data);
        this.onRtp?.(m.index, data);
      },
      onRtcp: (data) => {
        if (this.#mode === "play") m.countRtcp(data);
        this.onRtcp?.(m.index, data);
      },
      onError: (e) => this.#fail(e instanceof Error ? e : new Error(String(e))),
      onDropped: (why) => this.#log.debug(`media ${m.index}: dropped ${why}`),
    });
  }

  #startSession(state: "playing" | "recording"): void {
    this.#state = state;
    this.#timers.start({
      keepaliveMs: keepaliveMs(this.#session),
      transport: this.#transport ?? "tcp",
      playing: state === "playing",
      watchFirstUdpPacket: state === "playing" && this.#transport === "udp" &&
        this.#wanted === "automatic",
    });
  }

  /** GET_PARAMETER when the server lists it, else OPTIONS; never awaited by media paths. */
  #keepalive(): void {
    if (this.#keepaliveInFlight || this.#session === undefined) return;
    this.#keepaliveInFlight = true;
    const method = this.#public?.has("GET_PARAMETER") ? "GET_PARAMETER" : "OPTIONS";
    this.request(method, this.#baseUrl).then((res) => {
      if (res.statusCode === 454) this.#fail(new Error("the server forgot the session (454 on keepalive)"));
    }, (e) => this.#fail(e as Error)).finally(() => (this.#keepaliveInFlight = false));
  }

  /** Automatic transport, nothing over UDP after PLAY: TEARDOWN, then SETUP and PLAY over TCP (gortsplib's client). */
  #switchToTcp(): void {
    if (this.#state !== "playing" || this.#transport !== "udp") return;
    this.#log.warn(`switching to TCP because no UDP packet arrived within ${FIRST_UDP_PACKET_MS} ms`);
    const medias = [...this.#setup.keys()];
    (async () => {
      await this.teardown();
      this.#fellBackToTcp = true;
      await this.setupAll(medias);
      await this.play();
    })().catch((e) => this.#fail(e as Error));
  }

  #udpPacketCount(): number {
    let n = 0;
    for (const m of this.#setup.values()) n += m.udpPackets;
    return n;
  }

  #fail(error: Error): void {
    if (this.#closing !== undefined) return;
    this.#log.warn(`closing: ${error.message}`);
    void this.#shutdown(error);
  }

  #shutdown(error: Error | undefined): Promise<void> {
    this.#closing ??= (async () => {
      this.#timers.stop();
      this.#state = "closed";
      await Promise.all([this.#conn.close(), ...[...this.#setup.values()].map((m) => m.udp?.close())]);
      this.#resolveClosed(error);
    })();
    return this.#closing;
  }
}

function failed(method: string, res: RtspResponse): RtspError {
  return new RtspError(res.statusCode, `${method} failed: ${res.statusCode} ${res.reason}`);
}
