import type { PathConf } from "../config/mod.ts";
import { redactUrl } from "../config/mod.ts";
import type { Logger } from "../log/mod.ts";
import { RtspClient } from "../client/mod.ts";
import type { SdpMedia } from "../wire/sdp/mod.ts";
import type { StreamPublisher } from "../server/mod.ts";
import { type Clock, systemClock } from "../time/mod.ts";

/** What a static source tells its path. */
export interface StaticSourceEvents {
  /** The source described and set up its medias: returns where its packets go. */
  ready(medias: SdpMedia[], title: string | undefined): StreamPublisher;
  /** The source stopped delivering (error, end, or stop()). */
  notReady(reason: string): void;
}

/** Options of a StaticSource (plain values taken from the path's configuration). */
export interface StaticSourceOptions {
  /** `rtsp://`, `rtsps://`, `rtsp+http://`, `rtsps+http://`, `rtsp+ws://`, `rtsps+ws://`. */
  url: string;
  conf: PathConf;
  /** readTimeout: response and no-data timeout of the client. */
  readTimeoutMs: number;
  log: Logger;
  events: StaticSourceEvents;
  /** Time for the retry pause and the client's timers; the system clock when omitted. */
  clock?: Clock;
}

/**
 * Pulls a path's stream from another server (`source: rtsp://…`) with the project's RTSP
 * client, and reconnects after `sourceRetryPause` (5 s in MediaMTX, where it is fixed).
 */
export class StaticSource {
  readonly #opts: StaticSourceOptions;
  readonly #log: Logger;
  #loop: Promise<void> | undefined;
  #client: RtspClient | undefined;
  #stopped = false;
  #wake: (() => void) | undefined;

  constructor(opts: StaticSourceOptions) {
    this.#opts = opts;
    this.#log = opts.log.with("[RTSP source]");
  }

  /** Whether the pull loop runs. */
  get running(): boolean {
    return this.#loop !== undefined;
  }

  /** Starts pulling (idempotent). */
  start(): void {
    if (this.#loop !== undefined) return;
    this.#stopped = false;
    this.#loop = this.#run().finally(() => (this.#loop = undefined));
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      try {
        await this.#once();
      } catch (e) {
        if (!this.#stopped) {
          this.#log.warn(`${(e as Error).message}; retrying in ${this.#opts.conf.sourceRetryPause} ms`);
        }
      }
      if (this.#stopped) break;
      await new Promise<void>((resolve) => {
        const clock = this.#opts.clock ?? systemClock;
        const t = clock.setTimeout(resolve, this.#opts.conf.sourceRetryPause);
        this.#wake = () => {
          clock.clearTimeout(t);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }

  async #once(): Promise<void> {
    const conf = this.#opts.conf;
    const transport = conf.rtspTransport === "multicast" ? "automatic" : conf.rtspTransport;
    this.#log.info(`connecting to ${redactUrl(this.#opts.url)}`);
    const client = await RtspClient.connect(this.#opts.url, {
      transport,
      timeoutMs: this.#opts.readTimeoutMs,
      log: this.#log,
      clock: this.#opts.clock,
      // The pin replaces certificate-authority checks on rtsps, rtsps+http and rtsps+ws (as MediaMTX).
      tls: conf.sourceFingerprint !== "" ? { fingerprint: conf.sourceFingerprint } : undefined,
    });
    this.#client = client;
    let ready = false;
    try {
      if (this.#stopped) return;
      const { sdp } = await client.describe();
      await client.setupAll();
      const input = this.#opts.events.ready([...client.medias], sdp.sessionName.trim() || undefined);
      ready = true;
      // UDP packets are views into a reused buffer: the stream copies them at once.
      client.onRtp = (i, packet) => input.writeRtp(i, packet);
      await client.play();
      this.#log.info(`ready: ${client.medias.length} track(s) with ${client.transport?.toUpperCase()}`);
      const error = await client.closed;
      if (!this.#stopped) throw error ?? new Error("the source closed the connection");
    } finally {
      await client.close();
      this.#client = undefined;
      if (ready) {
        this.#opts.events.notReady(this.#stopped ? "the source was stopped" : "the source is not available");
      }
    }
  }

  /** Stops pulling and waits for the loop to end. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    await this.#client?.close();
    await this.#loop;
  }
}
