import type { PathConf } from "../config/mod.ts";
import type { SdpMedia } from "../wire/sdp/mod.ts";
import { RtspError } from "../wire/rtsp/mod.ts";
import type { Logger } from "../log/mod.ts";
import type {
  PathRequest,
  PublisherEvents,
  PublisherHandle,
  ReaderHandle,
  StreamDescription,
  StreamPublisher,
} from "../server/mod.ts";
import { Stream, type StreamOptions } from "./stream.ts";
import { StaticSource } from "./static_source.ts";
import { sourceType } from "../config/mod.ts";
import type { HookRunner } from "../hooks/mod.ts";
import { PathHooks } from "./path_hooks.ts";
import { PathPublisher, PathReader } from "./path_handles.ts";
import { type Clock, systemClock, type TimerId } from "../time/mod.ts";

/** Settings of a path that do not come from its PathConf. */
export interface PathOptions {
  /** Regex groups of the path name ($G1…), substituted in `source`. */
  matches: string[];
  /** readTimeout, for pulled sources. */
  readTimeoutMs: number;
  /** Largest RTP packet for UDP readers: udpMaxPayloadSize, minus the SRTP tag when RTSPS runs. */
  udpMaxPacketSize?: number;
  /** rtspFanOutHold: how long a stream holds packets to send them to each reader together. */
  fanOutHoldMs?: number;
  /** Runs the path's runOn* hooks; none when omitted. */
  hooks?: HookRunner;
  /** Time for on-demand start timeouts and close delays; the system clock when omitted. */
  clock?: Clock;
}

/**
 * One path (`/mystream`): its configuration, its publisher, the stream it produces
 * and the readers attached to it.
 */
export class Path {
  readonly name: string;
  readonly conf: PathConf;
  readonly #log: Logger;
  readonly #onIdle: (path: Path) => void;
  #publisher: PathPublisher | undefined;
  #stream: Stream | undefined;
  readonly #readers = new Set<PathReader>();
  readonly #source: StaticSource | undefined;
  readonly #readyWaiters = new Set<() => void>();
  #closeTimer: TimerId | undefined;
  readonly #clock: Clock;
  readonly #udpMaxPacketSize: number | undefined;
  readonly #fanOutHoldMs: number;
  readonly #hooks: PathHooks;
  /** Since when the stream can be read (epoch ms), while it can. */
  #availableSinceMs: number | undefined;

  constructor(
    name: string,
    conf: PathConf,
    log: Logger,
    onIdle: (path: Path) => void,
    options?: PathOptions,
  ) {
    this.name = name;
    this.conf = conf;
    this.#log = log.with(`[path ${name}]`);
    this.#onIdle = onIdle;
    this.#udpMaxPacketSize = options?.udpMaxPacketSize;
    this.#fanOutHoldMs = options?.fanOutHoldMs ?? 0;
    this.#clock = options?.clock ?? systemClock;
    this.#hooks = new PathHooks(name, conf, options?.matches ?? [name], options?.hooks, this.#log);
    if (sourceType(conf.source) === "rtsp") {
      const groups = options?.matches ?? [];
      this.#source = new StaticSource({
        url: conf.source.replace(/\$G(\d+)/g, (_, n) => groups[Number(n)] ?? ""),
        conf,
        readTimeoutMs: options?.readTimeoutMs ?? 10_000,
        log: this.#log,
        clock: this.#clock,
        events: {
          ready: (medias, title) => this.#sourceReady(medias, title),
          notReady: (reason) => {
            this.#endStream(reason);
            this.#checkIdle();
          },
        },
      });
    }
  }

  /** Starts pulling a static source that is not on demand. */
  startSource(): void {
    this.#source?.start();
  }

  /** Stops a static source and the runOnDemand command (server shutdown). */
  async stopSource(): Promise<void> {
    this.#clock.clearTimeout(this.#closeTimer);
    await Promise.all([this.#source?.stop(), this.#hooks.stopDemand("path destroyed")]);
  }

  /**
   * Closes the path for good (its configuration changed or went away): the publisher and every
   * reader are disconnected with `reason`, the source and the runOnDemand command stop, and the
   * runOnAvailable/runOnRead hooks end as when the stream ends.
   */
  async close(reason: string): Promise<void> {
    this.#clock.clearTimeout(this.#closeTimer);
    this.#log.info(`closing: ${reason}`);
    const publisher = this.#publisher;
    this.#publisher = undefined;
    if (publisher !== undefined) {
      publisher.detach();
      publisher.events.closeByPath(reason);
    }
    this.#endStream(reason);
    await Promise.all([this.#source?.stop(), this.#hooks.stopDemand(reason)]);
  }

  /**
   * Resolves when the path has a stream. An on-demand source or runOnDemand command is started
   * for the reader (once for every reader waiting) and awaited up to its start timeout (then
   * 400, as MediaMTX); otherwise 404.
   */
  async whenReady(req?: PathRequest): Promise<void> {
    if (this.#stream !== undefined) return;
    const source = this.#source !== undefined && this.conf.sourceOnDemand ? this.#source : undefined;
    if (source === undefined && !this.#hooks.demandConfigured) {
      throw new RtspError(404, `no stream is available on path '${this.name}'`);
    }
    this.#clock.clearTimeout(this.#closeTimer);
    if (source !== undefined) source.start();
    else this.#hooks.startDemand(req?.query ?? "", () => this.#checkIdle());
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        this.#clock.clearTimeout(timer);
        resolve();
      };
      const timeoutMs = source !== undefined
        ? this.conf.sourceOnDemandStartTimeout
        : this.conf.runOnDemandStartTimeout;
      const timer = this.#clock.setTimeout(() => {
        this.#readyWaiters.delete(done);
        if (source !== undefined) {
          this.#scheduleClose();
          reject(new RtspError(400, "source of path has timed out"));
          return;
        }
        if (this.#readyWaiters.size === 0 && this.#readers.size === 0) {
          this.#hooks.stopDemand("timed out").then(() => this.#checkIdle());
        }
        reject(new RtspError(400, `source of path '${this.name}' has timed out`));
      }, timeoutMs);
      this.#readyWaiters.add(done);
    });
    this.#scheduleClose(); // a DESCRIBE without SETUP must not keep the source forever
  }

  #sourceReady(medias: SdpMedia[], title: string | undefined): StreamPublisher {
    if (this.#stream !== undefined && this.#stream.isCompatible(medias)) {
      this.#stream.replaceSource();
    } else {
      this.#endStream("the source changed its medias");
      this.#stream = new Stream(medias, title, this.#streamOptions());
      this.#availableSinceMs = performance.timeOrigin + performance.now();
    }
    this.#wakeReaders();
    const secure = /^rtsps/i.test(this.conf.source);
    this.#hooks.streamAvailable({ type: secure ? "rtspsSource" : "rtspSource", id: "", query: "" });
    return this.#stream;
  }

  #streamOptions(): StreamOptions {
    return {
      gopCache: this.conf.gopCache,
      udpMaxPacketSize: this.#udpMaxPacketSize,
      log: this.#log,
      // The hold is a scheduling delay of a millisecond, not a protocol timer: real time, even
      // when a test drives the path's timeouts with a fake clock.
      holdMs: this.#fanOutHoldMs,
    };
  }

  #wakeReaders(): void {
    for (const w of [...this.#readyWaiters]) w();
    this.#readyWaiters.clear();
  }

  /**
   * On-demand sources stop sourceOnDemandCloseAfter after the last reader leaves, runOnDemand
   * commands runOnDemandCloseAfter after it (SIGINT, reason "not needed by anyone").
   */
  #scheduleClose(): void {
    if (this.#readers.size > 0) return;
    const source = this.#source !== undefined && this.conf.sourceOnDemand ? this.#source : undefined;
    if (source === undefined && !this.#hooks.demandRunning) return;
    this.#clock.clearTimeout(this.#closeTimer);
    const closeAfter = source !== undefined
      ? this.conf.sourceOnDemandCloseAfter
      : this.conf.runOnDemandCloseAfter;
    this.#closeTimer = this.#clock.setTimeout(() => {
      if (this.#readers.size > 0 || this.#readyWaiters.size > 0) return;
      if (source !== undefined) {
        this.#log.info("closing the on-demand source: no readers");
        source.stop().then(() => this.#checkIdle());
      } else {
        this.#hooks.stopDemand("not needed by anyone").then(() => this.#checkIdle());
      }
    }, closeAfter);
  }

  /** Since when the path can be read (epoch ms), or undefined while it cannot. */
  get availableSinceMs(): number | undefined {
    return this.#stream === undefined ? undefined : this.#availableSinceMs;
  }

  /**
   * Who provides the stream, as MediaMTX's API names it: the publishing session, or the static
   * source (`rtspSource`/`rtspsSource`, id ""); undefined when nobody does.
   */
  get sourceEntity(): { type: string; id: string } | undefined {
    if (this.#source !== undefined) {
      return { type: /^rtsps/i.test(this.conf.source) ? "rtspsSource" : "rtspSource", id: "" };
    }
    const e = this.#publisher?.entity;
    return e === undefined ? undefined : { type: e.type, id: e.id };
  }

  /** The readers' `{type, id}` (sessions as their server names them). */
  readerEntities(): { type: string; id: string }[] {
    const out: { type: string; id: string }[] = [];
    for (const r of this.#readers) if (r.entity !== undefined) out.push(r.entity);
    return out;
  }

  /** The stream being published, if any. */
  get stream(): Stream | undefined {
    return this.#stream;
  }

  /** Readers counted against maxReaders. */
  get readerCount(): number {
    return this.#readers.size;
  }

  /** Whether nothing uses the path any more (it can be forgotten). */
  get idle(): boolean {
    return this.#publisher === undefined && this.#readers.size === 0 && !(this.#source?.running ?? false) &&
      !this.#hooks.demandRunning && this.#readyWaiters.size === 0;
  }

  /** DESCRIBE. */
  describe(): StreamDescription {
    const stream = this.#requireStream();
    return { medias: stream.medias, title: stream.title, fanOut: stream };
  }

  /** First SETUP of a reader. */
  addReader(req: PathRequest): ReaderHandle {
    const stream = this.#requireStream();
    if (this.conf.maxReaders > 0 && this.#readers.size >= this.conf.maxReaders) {
      throw new RtspError(400, "maximum reader count reached");
    }
    const reader = new PathReader(this, stream, req, this.#hooks);
    this.#readers.add(reader);
    this.#clock.clearTimeout(this.#closeTimer);
    this.#log.debug(`reader added: ${req.label}`);
    return reader;
  }

  /** ANNOUNCE: registers a publisher, kicking the current one when overridePublisher allows it. */
  addPublisher(
    req: PathRequest,
    medias: SdpMedia[],
    title: string | undefined,
    events: PublisherEvents,
  ): PublisherHandle {
    if (this.conf.source !== "publisher") {
      throw new RtspError(400, `path '${this.name}' is assigned to a static source`);
    }
    const current = this.#publisher;
    if (current !== undefined) {
      if (!this.conf.overridePublisher) {
        throw new RtspError(400, `someone is already publishing to path '${this.name}'`);
      }
      this.#log.info(`closing existing publisher: ${current.label}`);
      // Detach first: the path must not look idle (and be forgotten) between two publishers.
      current.detach();
      if (this.#stream !== undefined && !this.#stream.isCompatible(medias)) {
        this.#endStream("another publisher has taken over the path with different medias");
      }
      // A compatible stream stays: its readers wait for the new publisher's RECORD.
      current.events.closeByPath("another publisher has taken over the path");
    }
    const publisher = new PathPublisher(this, req, medias, title, events);
    this.#publisher = publisher;
    return publisher;
  }

  /** @internal RECORD of the current publisher. */
  startStream(publisher: PathPublisher): Stream {
    if (this.#publisher !== publisher) throw new RtspError(400, "publisher has been replaced");
    if (this.#stream !== undefined) {
      // Kept from the previous publisher (compatible medias): readers continue seamlessly.
      this.#stream.replaceSource();
      this.#log.info(`stream continues with a new publisher: ${publisher.label}`);
      return this.#stream;
    }
    this.#stream = new Stream(publisher.medias, publisher.title, this.#streamOptions());
    this.#availableSinceMs = performance.timeOrigin + performance.now();
    this.#log.debug(`stream is ready: ${publisher.label}`);
    this.#wakeReaders();
    this.#hooks.streamAvailable(publisher.entity);
    // runOnDemand: with nobody reading, the command stops runOnDemandCloseAfter from now.
    this.#scheduleClose();
    return this.#stream;
  }

  /** @internal The publisher left: the stream ends and every reader is closed. */
  removePublisher(publisher: PathPublisher): void {
    if (this.#publisher !== publisher) return;
    this.#publisher = undefined;
    this.#endStream("the stream is not available any more");
    this.#scheduleClose(); // runOnDemand: its publisher left while nobody reads
    this.#checkIdle();
  }

  /** Closes the stream and every reader of it. */
  #endStream(reason: string): void {
    const stream = this.#stream;
    this.#stream = undefined;
    if (stream !== undefined) {
      this.#log.debug("stream is not ready any more");
      stream.close();
      this.#hooks.streamUnavailable();
    }
    for (const r of [...this.#readers]) r.closeByPath(reason);
  }

  /** @internal */
  removeReader(reader: PathReader): void {
    if (this.#readers.delete(reader)) {
      this.#log.debug(`reader removed: ${reader.label}`);
      this.#scheduleClose();
      this.#checkIdle();
    }
  }

  #checkIdle(): void {
    if (this.idle) this.#onIdle(this);
  }

  #requireStream(): Stream {
    if (this.#stream === undefined) throw new RtspError(404, `no stream is available on path '${this.name}'`);
    return this.#stream;
  }
}
