/**
 * The handles a path gives out: a publisher's (ANNOUNCE to its end) and a reader's (first SETUP to
 * its end). They call back into their Path's public methods; the Path owns the bookkeeping.
 *
 * @module
 */
import type { SdpMedia } from "../wire/sdp/mod.ts";
import { RtspError } from "../wire/rtsp/mod.ts";
import type {
  PathRequest,
  PublisherEvents,
  PublisherHandle,
  ReaderDelivery,
  ReaderHandle,
  ReaderSink,
  RtpStart,
  StreamPublisher,
} from "../server/mod.ts";
import type { Stream } from "./stream.ts";
import type { HookEntity, PathHooks } from "./path_hooks.ts";
import type { Path } from "./path.ts";

/** A publisher of a path, between ANNOUNCE and its end. */
export class PathPublisher implements PublisherHandle {
  readonly label: string;
  /** Source type, id and query for hooks (undefined when the request did not say). */
  readonly entity: HookEntity | undefined;
  readonly medias: SdpMedia[];
  readonly title: string | undefined;
  readonly events: PublisherEvents;
  readonly #path: Path;
  #removed = false;

  constructor(
    path: Path,
    req: PathRequest,
    medias: SdpMedia[],
    title: string | undefined,
    events: PublisherEvents,
  ) {
    this.#path = path;
    this.label = req.label;
    this.entity = req.entity === undefined ? undefined : { ...req.entity, query: req.query };
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
export class PathReader implements ReaderHandle {
  readonly label: string;
  readonly #path: Path;
  readonly #stream: Stream;
  readonly #req: PathRequest;
  readonly #hooks: PathHooks;
  #sink: ReaderSink | undefined;
  #removed = false;
  /** Ends runOnRead (and launches runOnUnread) while the reader reads. */
  #endRead: (() => void) | undefined;

  constructor(path: Path, stream: Stream, req: PathRequest, hooks: PathHooks) {
    this.#path = path;
    this.#stream = stream;
    this.#req = req;
    this.#hooks = hooks;
    this.label = req.label;
  }

  /** The reading session's `{type, id}`, when the request named it. */
  get entity(): { type: string; id: string } | undefined {
    const e = this.#req.entity;
    return e === undefined ? undefined : { type: e.type, id: e.id };
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
    const starts = this.#stream.attach(sink, mediaIndexes, delivery);
    if (this.#endRead === undefined && this.#req.entity !== undefined) {
      this.#endRead = this.#hooks.readerStarted({ ...this.#req.entity, query: this.#req.query });
    }
    return starts;
  }

  pause(): void {
    if (this.#sink !== undefined) this.#stream.detach(this.#sink);
    this.#endRead?.();
    this.#endRead = undefined;
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
