import type { PathConf } from "../config/mod.ts";
import type { SdpMedia } from "../wire/sdp/mod.ts";
import { RtspError } from "../wire/rtsp/rtsp_error.ts";
import type { Logger } from "../log/logger.ts";
import type {
  PathRequest,
  PublisherEvents,
  PublisherHandle,
  ReaderDelivery,
  ReaderHandle,
  ReaderSink,
  RtpStart,
  StreamDescription,
  StreamPublisher,
} from "../server/stream_port.ts";
import { Stream, type StreamOptions } from "./stream.ts";
import { StaticSource } from "./static_source.ts";
import { sourceType } from "../config/mod.ts";

/** Settings of a path that do not come from its PathConf. */
export interface PathOptions {
  /** Regex groups of the path name ($G1…), substituted in `source`. */
  matches: string[];
  /** readTimeout, for pulled sources. */
  readTimeoutMs: number;
  /** Largest RTP packet for UDP readers: udpMaxPayloadSize, minus the SRTP tag when RTSPS runs. */
  udpMaxPacketSize?: number;
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
  #closeTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #udpMaxPacketSize: number | undefined;

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
    if (sourceType(conf.source) === "rtsp") {
      const groups = options?.matches ?? [];
      this.#source = new StaticSource({
        url: conf.source.replace(/\$G(\d+)/g, (_, n) => groups[Number(n)] ?? ""),
        conf,
        readTimeoutMs: options?.readTimeoutMs ?? 10_000,
        log: this.#log,
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

  /** Stops a static source (server shutdown). */
  async stopSource(): Promise<void> {
    clearTimeout(this.#closeTimer);
    await this.#source?.stop();
  }

  /**
   * Resolves when the path has a stream. An on-demand source is started for the reader and
   * awaited up to sourceOnDemandStartTimeout (then 400, as MediaMTX); otherwise 404.
   */
  async whenReady(): Promise<void> {
    if (this.#stream !== undefined) return;
    if (this.#source === undefined || !this.conf.sourceOnDemand) {
      throw new RtspError(404, `no stream is available on path '${this.name}'`);
    }
    clearTimeout(this.#closeTimer);
    this.#source.start();
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#readyWaiters.delete(done);
        this.#scheduleClose();
        reject(new RtspError(400, "source of path has timed out"));
      }, this.conf.sourceOnDemandStartTimeout);
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
    }
    for (const w of [...this.#readyWaiters]) w();
    this.#readyWaiters.clear();
    return this.#stream;
  }

  #streamOptions(): StreamOptions {
    return { gopCache: this.conf.gopCache, udpMaxPacketSize: this.#udpMaxPacketSize, log: this.#log };
  }

  /** On-demand sources stop sourceOnDemandCloseAfter after the last reader leaves. */
  #scheduleClose(): void {
    if (this.#source === undefined || !this.conf.sourceOnDemand || this.#readers.size > 0) return;
    clearTimeout(this.#closeTimer);
    this.#closeTimer = setTimeout(() => {
      if (this.#readers.size > 0 || this.#readyWaiters.size > 0) return;
      this.#log.info("closing the on-demand source: no readers");
      this.#source!.stop().then(() => this.#checkIdle());
    }, this.conf.sourceOnDemandCloseAfter);
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
    return this.#publisher === undefined && this.#readers.size === 0 && !(this.#source?.running ?? false);
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
    const reader = new PathReader(this, stream, req.label);
    this.#readers.add(reader);
    clearTimeout(this.#closeTimer);
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
    const publisher = new PathPublisher(this, req.label, medias, title, events);
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
    this.#log.debug(`stream is ready: ${publisher.label}`);
    return this.#stream;
  }

  /** @internal The publisher left: the stream ends and every reader is closed. */
  removePublisher(publisher: PathPublisher): void {
    if (this.#publisher !== publisher) return;
    this.#publisher = undefined;
    this.#endStream("the stream is not available any more");
    this.#checkIdle();
  }

  /** Closes the stream and every reader of it. */
  #endStream(reason: string): void {
    const stream = this.#stream;
    this.#stream = undefined;
    if (stream !== undefined) {
      this.#log.debug("stream is not ready any more");
      stream.close();
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

/** A publisher of a path, between ANNOUNCE and its end. */
class PathPublisher implements PublisherHandle {
  readonly label: string;
  readonly medias: SdpMedia[];
  readonly title: string | undefined;
  readonly events: PublisherEvents;
  readonly #path: Path;
  #removed = false;

  constructor(
    path: Path,
    label: string,
    medias: SdpMedia[],
    title: string | undefined,
    events: PublisherEvents,
  ) {
    this.#path = path;
    this.label = label;
    this.medias = medias;
    this.title = title;
    this.events = events;
  }

  start(): StreamPublisher {
    if (this.#removed) throw new RtspError(400, "another publisher has taken over the path");
    return this.#path.startStream(this);
  }

  remove(): void {
    if (this.#removed) return;
    this.#removed = true;
    this.#path.removePublisher(this);
  }

  /** The path replaced this publisher: later calls change nothing. */
  detach(): void {
    this.#removed = true;
  }
}

/** A reader of a path, between its first SETUP and its end. */
class PathReader implements ReaderHandle {
  readonly label: string;
  readonly #path: Path;
  readonly #stream: Stream;
  #sink: ReaderSink | undefined;
  #removed = false;

  constructor(path: Path, stream: Stream, label: string) {
    this.#path = path;
    this.#stream = stream;
    this.label = label;
  }

  get medias() {
    return this.#stream.medias;
  }

  get fanOut() {
    return this.#stream;
  }

  play(
    sink: ReaderSink,
    mediaIndexes: readonly number[],
    delivery?: ReaderDelivery,
  ): (RtpStart | undefined)[] {
    if (this.#removed || this.#stream.closed) {
      throw new RtspError(404, "the stream is not available any more");
    }
    this.#sink = sink;
    return this.#stream.attach(sink, mediaIndexes, delivery);
  }

  pause(): void {
    if (this.#sink !== undefined) this.#stream.detach(this.#sink);
  }

  remove(): void {
    if (this.#removed) return;
    this.#removed = true;
    this.pause();
    this.#path.removeReader(this);
  }

  /** The path ends this reader (publisher left). */
  closeByPath(reason: string): void {
    const sink = this.#sink;
    this.remove();
    sink?.closeByPath(reason);
  }
}
