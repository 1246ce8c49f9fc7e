/**
 * What the RTSP server needs from the core (paths and streams), declared by the
 * consumer as MediaMTX does, so `server/` never imports `core/`.
 */
import type { SdpMedia } from "../wire/sdp/mod.ts";
import type { NetAddr } from "../transport/mod.ts";
import type { MikeyMessage } from "../wire/mikey/mod.ts";

/** Who is asking, for path lookup, limits, logs and (later) authentication. */
export interface PathRequest {
  /** Path name without leading/trailing `/`. */
  path: string;
  query: string;
  remote: NetAddr;
  /** Short description used by the path's logs, e.g. `RTSP session 1a2b3c4d`. */
  label: string;
  /** The session asking, as hooks name it (`rtspSession`/`rtspsSession` and its UUID). */
  entity?: { type: string; id: string };
}

/** One media of a stream as readers see it. */
export interface StreamMediaInfo {
  /** The publisher's SDP media (formats, rtpmap, fmtp). */
  readonly media: SdpMedia;
  /** SSRC the server writes on every outgoing packet of this media. */
  readonly ssrc: number;
  /** Clock rate of the media's first format, for SR and RTP-Info. */
  readonly clockRate: number;
  /** The RTP time matching monotonic time `nowMs` (performance.now()), for sender reports. */
  rtpTimeAt(nowMs: number): number | undefined;
  /** SRTP: the MIKEY message with the server's key for this media (SSRC and current ROC). */
  srtpMikey(): MikeyMessage;
  /** SRTCP protection of the server's own reports about this media. */
  encryptRtcp(packet: Uint8Array): Uint8Array;
}

/**
 * One outgoing RTP packet as a reader gets it, shared by every reader of the same form (plain or
 * SRTP): serialised and, for SRTP readers, encrypted once by the stream. Do not modify it.
 */
export interface FanOutPacket {
  /** The packet bytes (RTP or SRTP header + payload). */
  readonly data: Uint8Array;
  /** Size of the packet without framing. */
  readonly byteLength: number;
  /** The interleaved frame (`$`, channel, length, packet) for `channel`. */
  framed(channel: number): Uint8Array;
}

/**
 * The interleaved frames (`$`, channel 2 × media index, length, packet: RFC 2326 §10.12) of every
 * RTP packet a stream fanned out in one event-loop turn, laid end to end once for all the plain
 * TCP readers of the whole stream on the default channels: each reader writes it with one call,
 * not one per packet. Do not modify it.
 */
export interface FanOutBurst {
  readonly bytes: Uint8Array;
  /** RTP packets of each media in the burst. */
  readonly packets: readonly number[];
  /** Their RTP bytes (header and payload, no framing), per media. */
  readonly rtpBytes: readonly number[];
  /** RTP packets in all. */
  readonly count: number;
}

/** Where a reader's packets go: implemented by the server's session. Must not block. */
export interface ReaderSink {
  /** Hot path: one RTP packet of media `mediaIndex`, already encrypted for an SRTP reader. */
  writeRtp(mediaIndex: number, packet: FanOutPacket): void;
  /** Hot path, TCP readers attached with `bursts`: one turn's packets of every media at once. */
  writeBurst?(burst: FanOutBurst): void;
  /**
   * Hot path, UDP readers attached with `bursts`: one turn's packets of media `mediaIndex`
   * (the UDP copy, or its SRTP form), in order, in one call. The array is shared: do not modify it.
   */
  writeRun?(mediaIndex: number, packets: readonly FanOutPacket[]): void;
  /** The stream ended or the reader was removed by the path (publisher left, kicked). */
  closeByPath(reason: string): void;
}

/** Seq/timestamp a reader will see first, for the RTP-Info header. */
export interface RtpStart {
  seq: number;
  rtptime: number;
}

/**
 * A stream's fan-out, for consumers that serve many readers at once (a multicast group
 * sends each packet once for all its readers). Its identity identifies the stream.
 */
export interface FanOut {
  /**
   * `replayGop: false` skips the cached GOP (a shared group must not get bursts of old packets);
   * `udpCopy: true` delivers the copy split for udpMaxPayloadSize.
   */
  attach(
    sink: ReaderSink,
    mediaIndexes: readonly number[],
    options?: ReaderDelivery & { replayGop?: boolean },
  ): (RtpStart | undefined)[];
  detach(sink: ReaderSink): void;
}

/** Which copy of a stream a reader gets. */
export interface ReaderDelivery {
  /**
   * The stream's UDP copy, for UDP, multicast and every SRTP reader: packets no larger than
   * udpMaxPayloadSize (oversized ones split, numbered on their own). Plain TCP readers get
   * the original packets.
   */
  udpCopy?: boolean;
  /**
   * SRTP reader (RTP/SAVP): gets the stream's UDP copy (whatever `udpCopy` says) in its SRTP
   * form, encrypted once per packet with the stream's key for every such reader.
   */
  secure?: boolean;
  /**
   * Live packets by the turn rather than one by one: a plain TCP reader on channels 2i/2i+1 for
   * media i that reads every media of the stream gets one FanOutBurst per turn (`writeBurst`);
   * a UDP reader (`udpCopy` or `secure`) gets one run per media and turn (`writeRun`).
   */
  bursts?: boolean;
}

/** A reader attached to a stream (after the first SETUP). */
export interface ReaderHandle {
  readonly medias: readonly StreamMediaInfo[];
  readonly fanOut: FanOut;
  /** Starts delivery of the chosen medias (PLAY). Returns where each media will start. */
  play(
    sink: ReaderSink,
    mediaIndexes: readonly number[],
    delivery?: ReaderDelivery,
  ): (RtpStart | undefined)[];
  /** Stops delivery (PAUSE) but keeps the reader counted. */
  pause(): void;
  /** Detaches the reader (TEARDOWN, session end). Idempotent. */
  remove(): void;
}

/** The result of DESCRIBE: the current description of a stream. */
export interface StreamDescription {
  readonly medias: readonly StreamMediaInfo[];
  readonly fanOut: FanOut;
  /** Session name of the publisher's SDP, if any. */
  readonly title?: string;
}

/** A publisher after ANNOUNCE. */
export interface PublisherHandle {
  /** RECORD: the path becomes readable. Returns the entry point of packets. */
  start(): StreamPublisher;
  /** Ends publishing (TEARDOWN, session end, kicked). Idempotent. */
  remove(): void;
}

/** Entry of a publisher's packets into the stream. */
export interface StreamPublisher {
  /** Hot path: one RTP packet of media `mediaIndex`, in a buffer that may be reused after the call. */
  writeRtp(mediaIndex: number, packet: Uint8Array): void;
}

/** Notified when the path removes a publisher (override by a newer one). */
export interface PublisherEvents {
  closeByPath(reason: string): void;
}

/** The path manager as the RTSP server sees it. Errors are RtspError with the status to send. */
export interface PathManagerPort {
  /** Checks that a path name is valid and configured (400 otherwise), before authentication. */
  checkPath(req: PathRequest): void;
  /** DESCRIBE (404 when nobody publishes, 400 when the path is not configured). */
  describe(req: PathRequest): Promise<StreamDescription>;
  /** First SETUP of a reader (400 on maxReaders). */
  addReader(req: PathRequest): Promise<ReaderHandle>;
  /** ANNOUNCE (400 when someone publishes and overridePublisher is false). */
  addPublisher(
    req: PathRequest,
    medias: SdpMedia[],
    title: string | undefined,
    events: PublisherEvents,
  ): Promise<PublisherHandle>;
}
