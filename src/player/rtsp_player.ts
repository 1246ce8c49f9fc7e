/// <reference no-default-lib="true" />
/// <reference lib="dom" />
/// <reference lib="esnext" />
/**
 * `RtspPlayer`: plays an RTSP path in the browser over the server's WebSocket tunnel. DESCRIBE,
 * SETUP (TCP interleaved) and PLAY; H.264/H.265 video through `VideoDecoder` onto a canvas, AAC or
 * Opus through `AudioDecoder` and Web Audio, kept in sync by the RTCP sender reports; keepalive;
 * reconnection with backoff when the socket or the stream ends. Public contract (other pages
 * import it from `/player.js`): `new RtspPlayer(canvas, { url, user?, pass? })`, `play()`,
 * `close()`, `stats()`.
 *
 * @module
 */
import { parseRtpHeader } from "../wire/rtp/packet.ts";
import { parseRtcpCompound } from "../wire/rtcp/packet.ts";
import type { RtpFields } from "./nal_depacketizer.ts";
import { AuthRequiredError, RtspTunnelClient } from "./rtsp_tunnel_client.ts";
import { type AudioTrack, playableTracks, type VideoTrack } from "./sdp_tracks.ts";
import { SenderReportClock } from "./sender_report_clock.ts";
import { AudioPipeline, VideoPipeline } from "./track_pipelines.ts";

/** Where the player is. */
export type PlayerState =
  | "idle"
  | "connecting"
  | "playing"
  | "reconnecting"
  | "unauthorized"
  | "unsupported"
  | "closed";

/** Options of `new RtspPlayer(canvas, options)`. */
export interface RtspPlayerOptions {
  /** The stream: `http(s)://host:port/path`, `ws(s)://…`, or `rtsp(s)://…` (same host and port). */
  url: string;
  user?: string;
  pass?: string;
  /** Called on every state change (the page uses it to ask for credentials). */
  onStateChange?: (state: PlayerState, message: string) => void;
  /** Deadline of the connection and of each RTSP response; 10 s by default. */
  timeoutMs?: number;
}

/** What `stats()` returns. */
export interface PlayerStats {
  state: PlayerState;
  /** Video frames decoded and drawn since `play()`. */
  framesDecoded: number;
  /** Video frames received but not decoded (loss, waiting for a keyframe, backlog). */
  framesDropped: number;
  /** Video access units assembled from RTP, decodable here or not. */
  framesReceived: number;
  audioFramesDecoded: number;
  /** Draw time minus the publisher's send time of the last frame drawn (needs an RTCP SR). */
  latencyMs: number | null;
  bytesReceived: number;
  /** From `play()` to the first frame drawn. */
  timeToFirstFrameMs: number | null;
  videoCodec: string | null;
  audioCodec: string | null;
  /** How far sound trails the picture it belongs with (smoothed; null before the sync starts). */
  audioLagMs: number | null;
  width: number;
  height: number;
  reconnects: number;
  /** What the user should know (unsupported codec, wrong credentials, retrying…). */
  message: string;
}

const KEEPALIVE_DEFAULT_S = 30;
/** No RTP for this long on a playing session means the stream is gone: reconnect. */
const STALL_MS = 5000;
const BACKOFF_MIN_MS = 250;
const BACKOFF_MAX_MS = 4000;

/** A browser RTSP player drawing to a canvas. */
export class RtspPlayer {
  readonly #canvas: HTMLCanvasElement;
  readonly #o: RtspPlayerOptions;
  #state: PlayerState = "idle";
  #message = "";
  #client: RtspTunnelClient | undefined;
  #video: VideoPipeline | undefined;
  #audio: AudioPipeline | undefined;
  #audioContext: AudioContext | undefined;
  #timers: ReturnType<typeof setTimeout>[] = [];
  #attempt = 0;
  #generation = 0;
  #startedAt = 0;
  #lastDataAt = 0;
  #videoDelayMs: number | undefined;
  #bytesBefore = 0;
  #stats = {
    framesDecoded: 0,
    framesDropped: 0,
    framesReceived: 0,
    audioFramesDecoded: 0,
    latencyMs: null as number | null,
    timeToFirstFrameMs: null as number | null,
    videoCodec: null as string | null,
    audioCodec: null as string | null,
    audioLagMs: null as number | null,
    width: 0,
    height: 0,
    reconnects: 0,
  };

  constructor(canvas: HTMLCanvasElement, options: RtspPlayerOptions) {
    this.#canvas = canvas;
    this.#o = options;
  }

  /** Connects and plays; resolves once the first attempt has started (it keeps retrying after). */
  async play(): Promise<void> {
    if (this.#state === "closed") throw new Error("the player is closed");
    if (typeof VideoDecoder === "undefined" || typeof EncodedVideoChunk === "undefined") {
      this.#setState(
        "unsupported",
        "this browser has no WebCodecs (VideoDecoder): use a recent Chrome, Edge or Safari, on https:// or localhost",
      );
      return;
    }
    if (this.#audioContext === undefined && typeof AudioContext !== "undefined") {
      this.#audioContext = new AudioContext({ latencyHint: "interactive" });
      void this.#audioContext.resume().catch(() => {});
    }
    this.#stopSession();
    this.#startedAt = performance.now();
    await this.#connect();
  }

  /** Resumes sound after a user gesture (browsers start audio suspended without one). */
  resumeAudio(): Promise<void> {
    return this.#audioContext?.resume() ?? Promise.resolve();
  }

  /** The AudioContext's state: `running`, `suspended` (waiting for a user gesture), or `none`. */
  get audioState(): string {
    return this.#audioContext?.state ?? "none";
  }

  /** Stops playing and releases everything; the player cannot be restarted. */
  close(): void {
    this.#stopSession();
    void this.#audioContext?.close().catch(() => {});
    this.#setState("closed", "");
  }

  /** Counters and the current state. */
  stats(): PlayerStats {
    return {
      state: this.#state,
      ...this.#stats,
      bytesReceived: this.#bytesBefore + (this.#client?.bytesReceived ?? 0),
      message: this.#message,
    };
  }

  #setState(state: PlayerState, message: string): void {
    const changed = state !== this.#state || message !== this.#message;
    this.#state = state;
    this.#message = message;
    if (changed) this.#o.onStateChange?.(state, message);
  }

  #urls(): { wsUrl: string; rtspUrl: string } {
    const u = new URL(this.#o.url, globalThis.location?.href);
    const secure = /^(https|wss|rtsps):$/.test(u.protocol);
    const hostPath = `${u.host}${u.pathname}${u.search}`;
    return {
      wsUrl: `${secure ? "wss" : "ws"}://${hostPath}`,
      rtspUrl: `${secure ? "rtsps" : "rtsp"}://${hostPath}`,
    };
  }

  async #connect(): Promise<void> {
    const generation = ++this.#generation;
    const stale = () => generation !== this.#generation || this.#state === "closed";
    this.#setState(this.#stats.reconnects > 0 ? "reconnecting" : "connecting", this.#message);
    const { wsUrl, rtspUrl } = this.#urls();
    try {
      const client = await RtspTunnelClient.open({
        wsUrl,
        user: this.#o.user,
        pass: this.#o.pass,
        timeoutMs: this.#o.timeoutMs ?? 10_000,
        onData: (channel, payload) => this.#onData(channel, payload),
        onClose: (reason) => {
          if (!stale()) this.#retry(reason);
        },
      });
      if (stale()) return client.close();
      this.#client = client;
      const describe = await client.request("DESCRIBE", rtspUrl, { Accept: "application/sdp" });
      if (describe.statusCode !== 200) {
        return this.#retry(
          describe.statusCode === 404
            ? "no stream on this path yet"
            : `DESCRIBE: ${describe.statusCode} ${describe.reason}`,
        );
      }
      const base = describe.headers.get("Content-Base") ?? rtspUrl;
      const tracks = playableTracks(new TextDecoder().decode(describe.body), base);
      if (tracks.video === undefined && tracks.audio === undefined) {
        this.#stopSession();
        return this.#setState(
          "unsupported",
          `no playable track (the stream has ${tracks.skipped.join(", ") || "none"})`,
        );
      }
      const notes: string[] = [];
      const setups: Array<{ control: string; channel: number }> = [];
      if (tracks.video !== undefined) {
        this.#startVideo(tracks.video);
        setups.push({ control: tracks.video.control, channel: 0 });
      }
      if (tracks.audio !== undefined && (await this.#startAudio(tracks.audio, notes))) {
        setups.push({ control: tracks.audio.control, channel: 2 });
      }
      if (stale()) return;
      let timeoutS = KEEPALIVE_DEFAULT_S * 2;
      for (const s of setups) {
        const res = await client.request("SETUP", s.control, {
          Transport: `RTP/AVP/TCP;unicast;interleaved=${s.channel}-${s.channel + 1}`,
        });
        if (res.statusCode !== 200) return this.#retry(`SETUP: ${res.statusCode} ${res.reason}`);
        const t = /timeout=(\d+)/.exec(res.headers.get("Session") ?? "");
        if (t !== null) timeoutS = Number(t[1]);
      }
      const play = await client.request("PLAY", rtspUrl, { Range: "npt=0.000-" });
      if (play.statusCode !== 200) return this.#retry(`PLAY: ${play.statusCode} ${play.reason}`);
      if (stale()) return;
      this.#lastDataAt = performance.now();
      this.#setState(this.#state === "unsupported" ? "unsupported" : "playing", notes.join("; "));
      const keepaliveMs = Math.max(5, Math.min(KEEPALIVE_DEFAULT_S, timeoutS / 2)) * 1000;
      this.#every(keepaliveMs, () => void client.request("GET_PARAMETER", rtspUrl).catch(() => {}));
      this.#every(1000, () => {
        if (performance.now() - this.#lastDataAt > STALL_MS) this.#retry("the stream stopped");
      });
    } catch (e) {
      if (stale()) return;
      if (e instanceof AuthRequiredError) {
        this.#stopSession();
        return this.#setState("unauthorized", e.message);
      }
      this.#retry((e as Error).message);
    }
  }

  #startVideo(track: VideoTrack): void {
    const clock = new SenderReportClock(track.clockRate);
    const s = this.#stats;
    const video = new VideoPipeline(track, this.#canvas, {
      onReceived: () => s.framesReceived++,
      onCodec: (codec) => (s.videoCodec = codec),
      onDrawn: (rtp, w, h) => {
        s.framesDecoded++;
        s.width = w;
        s.height = h;
        if (s.timeToFirstFrameMs === null) {
          s.timeToFirstFrameMs = Math.round(performance.now() - this.#startedAt);
        }
        this.#attempt = 0;
        const sent = clock.wallMs(rtp);
        if (sent === undefined) return;
        const latency = Date.now() - sent;
        s.latencyMs = Math.round(latency);
        this.#videoDelayMs = this.#videoDelayMs === undefined
          ? latency
          : this.#videoDelayMs * 0.9 + latency * 0.1;
      },
      onDropped: () => s.framesDropped++,
      onUnsupported: (message) => this.#setState("unsupported", message),
    });
    this.#video = video;
    s.videoCodec = track.codec;
    this.#handlers.set(0, (p) => video.push(p));
    this.#rtcpHandlers.set(1, clock);
  }

  async #startAudio(track: AudioTrack, notes: string[]): Promise<boolean> {
    const clock = new SenderReportClock(track.clockRate);
    const s = this.#stats;
    const audio = await AudioPipeline.open(track, this.#audioContext, {
      playAt: (rtp) => {
        const sent = clock.wallMs(rtp);
        if (sent === undefined || this.#videoDelayMs === undefined) return undefined;
        return sent + this.#videoDelayMs;
      },
      onDecoded: () => s.audioFramesDecoded++,
      onScheduled: (lagMs) => {
        s.audioLagMs = Math.round(s.audioLagMs === null ? lagMs : s.audioLagMs * 0.9 + lagMs * 0.1);
      },
      onFatal: (message) => notes.push(message),
    });
    if (audio === undefined) {
      notes.push(`audio ${track.codec} is not supported by this browser: playing video only`);
      return false;
    }
    this.#audio = audio;
    s.audioCodec = audio.codec;
    this.#handlers.set(2, (p) => audio.push(p));
    this.#rtcpHandlers.set(3, clock);
    return true;
  }

  readonly #handlers = new Map<number, (p: RtpFields) => void>();
  readonly #rtcpHandlers = new Map<number, SenderReportClock>();

  #onData(channel: number, payload: Uint8Array): void {
    const clock = this.#rtcpHandlers.get(channel);
    if (clock !== undefined) {
      try {
        for (const p of parseRtcpCompound(payload)) {
          if (p.type === "sr") clock.update(p.sr.ntpTime, p.sr.rtpTime);
        }
      } catch {
        // malformed RTCP: ignore
      }
      return;
    }
    const handle = this.#handlers.get(channel);
    if (handle === undefined) return;
    let h;
    try {
      h = parseRtpHeader(payload);
    } catch {
      return;
    }
    this.#lastDataAt = performance.now();
    handle({
      sequenceNumber: h.sequenceNumber,
      timestamp: h.timestamp,
      marker: h.marker,
      payload: payload.subarray(h.payloadOffset, h.payloadOffset + h.payloadLength),
    });
  }

  #every(ms: number, f: () => void): void {
    this.#timers.push(setInterval(f, ms));
  }

  /** Ends the current session and schedules a new one, waiting longer after each failure. */
  #retry(reason: string): void {
    if (this.#state === "closed") return;
    this.#stopSession();
    this.#stats.reconnects++;
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.#attempt++);
    this.#setState("reconnecting", `${reason}; retrying in ${(delay / 1000).toFixed(1)} s`);
    const generation = this.#generation;
    this.#timers.push(setTimeout(() => {
      if (generation === this.#generation && this.#state !== "closed") void this.#connect();
    }, delay));
  }

  #stopSession(): void {
    this.#generation++;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers = [];
    if (this.#client !== undefined) {
      this.#bytesBefore += this.#client.bytesReceived;
      this.#client.close();
      this.#client = undefined;
    }
    this.#video?.close();
    this.#audio?.close();
    this.#video = undefined;
    this.#audio = undefined;
    this.#handlers.clear();
    this.#rtcpHandlers.clear();
    this.#videoDelayMs = undefined;
  }
}
