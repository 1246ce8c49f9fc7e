import type { NetAddr } from "../transport/mod.ts";
import { MulticastGroup } from "../transport/mod.ts";
import type { MulticastAllocator } from "../transport/mod.ts";
import { parseRtcpCompound } from "../wire/rtcp/mod.ts";
import type { Logger } from "../log/mod.ts";
import type { FanOut, FanOutPacket, ReaderSink, StreamMediaInfo } from "./stream_port.ts";
import { senderReportFor } from "./rtcp_reports.ts";

/** Multicast settings of a server (`multicastIPRange`, ports, TTL, interface). */
export interface MulticastOptions {
  ipRange: string;
  rtpPort: number;
  rtcpPort: number;
  ttl: number;
  interfaceAddress: string;
  /** RTSPS: the groups carry SRTP (SAVP), encrypted once per packet with the stream's key. */
  secure?: boolean;
}

/** What the sender needs from a multicast reader session. */
export interface MulticastMember {
  readonly remoteHost: string;
  /** An RTCP packet from this reader arrived at the group: a keepalive. */
  onGroupRtcp(receiverReports: number): void;
}

/**
 * Sends one stream to its multicast groups (one group per media), once per packet,
 * whatever the number of multicast readers; keeps the groups while any reader holds
 * them, sends its own sender reports and dispatches readers' receiver reports.
 */
export class MulticastSender implements ReaderSink {
  readonly groups: MulticastGroup[];
  readonly #fanOut: FanOut;
  readonly #medias: readonly StreamMediaInfo[];
  readonly #members = new Set<MulticastMember>();
  readonly #onEmpty: () => void;
  readonly #log: Logger;
  readonly #sent: { packets: number; octets: number }[];
  #attached = false;
  readonly #secure: boolean;
  #closed = false;
  /** When the last sender report went out, on the server's clock; undefined until the first tick. */
  #lastReportMs: number | undefined;

  private constructor(
    fanOut: FanOut,
    medias: readonly StreamMediaInfo[],
    groups: MulticastGroup[],
    log: Logger,
    onEmpty: () => void,
    secure: boolean,
  ) {
    this.#secure = secure;
    this.#fanOut = fanOut;
    this.#medias = medias;
    this.groups = groups;
    this.#log = log;
    this.#onEmpty = onEmpty;
    this.#sent = medias.map(() => ({ packets: 0, octets: 0 }));
  }

  /** Allocates and opens one group per media. */
  static async open(
    fanOut: FanOut,
    medias: readonly StreamMediaInfo[],
    allocator: MulticastAllocator,
    opts: MulticastOptions,
    log: Logger,
    onEmpty: () => void,
  ): Promise<MulticastSender> {
    const groups: MulticastGroup[] = [];
    const ref: { sender?: MulticastSender } = {};
    try {
      for (let i = 0; i < medias.length; i++) {
        const group = allocator.allocate();
        try {
          groups.push(
            await MulticastGroup.open({
              group,
              rtpPort: opts.rtpPort,
              rtcpPort: opts.rtcpPort,
              ttl: opts.ttl,
              interfaceAddress: opts.interfaceAddress,
              onRtcp: (data, from) => ref.sender?.handleGroupRtcp(data, from),
            }),
          );
        } catch (e) {
          allocator.release(group);
          throw e;
        }
      }
    } catch (e) {
      for (const g of groups) {
        g.close();
        allocator.release(g.group);
      }
      throw e;
    }
    const sender = new MulticastSender(fanOut, medias, groups, log, () => {
      for (const g of groups) allocator.release(g.group);
      onEmpty();
    }, opts.secure ?? false);
    ref.sender = sender;
    log.info(
      `multicast groups opened: ${groups.map((g) => `${g.group}:${g.rtpPort}`).join(", ")} (ttl ${opts.ttl})`,
    );
    return sender;
  }

  /** RTP bytes sent to every group of the stream: one copy of the stream, whatever the readers. */
  get rtpBytesSent(): number {
    return this.groups.reduce((n, g) => n + g.rtpBytesSent, 0);
  }

  /** Whether the groups are closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** A reader set up multicast: keeps the groups open until it leaves. */
  hold(member: MulticastMember): void {
    this.#members.add(member);
  }

  /** A reader played: the stream starts flowing to the groups (once). */
  activate(): void {
    if (this.#attached || this.#closed) return;
    this.#attached = true;
    // No GOP replay: readers join a group at any time, and a burst of old timestamps
    // confuses the ones already listening (ffmpeg re-bases its clock on the next SR).
    this.#fanOut.attach(this, this.#medias.map((_, i) => i), {
      replayGop: false,
      udpCopy: true,
      secure: this.#secure,
    });
  }

  /** A reader left; the last one closes the groups. */
  release(member: MulticastMember): void {
    if (!this.#members.delete(member) || this.#members.size > 0) return;
    this.close();
  }

  /** Hot path (ReaderSink): one datagram to the media's group. */
  writeRtp(mediaIndex: number, packet: FanOutPacket): void {
    const g = this.groups[mediaIndex];
    if (g === undefined) return;
    g.send("rtp", packet.data);
    const s = this.#sent[mediaIndex];
    s.packets++;
    s.octets += packet.byteLength - 12;
  }

  /** ReaderSink: the stream ended; each member session is closed through its own reader. */
  closeByPath(): void {
    this.close();
  }

  /** Sender reports every 10 s to each group. */
  tick(now: number, intervalMs: number): void {
    if (!this.#attached || this.#closed) return;
    this.#lastReportMs ??= now - intervalMs + 1000; // first SR about a second after activation
    if (now - this.#lastReportMs < intervalMs) return;
    this.#lastReportMs = now;
    for (let i = 0; i < this.groups.length; i++) {
      const sr = senderReportFor(this.#medias[i], this.#sent[i].packets, this.#sent[i].octets);
      if (sr !== undefined) this.groups[i].send("rtcp", this.#secure ? this.#medias[i].encryptRtcp(sr) : sr);
    }
  }

  /** RTCP that a reader sent to a group: a keepalive for the sessions of that host. */
  handleGroupRtcp(data: Uint8Array, from: NetAddr): void {
    let reports = 0;
    try {
      // SRTCP from readers is encrypted with each reader's own key: it still counts as a keepalive.
      if (!this.#secure) {
        for (const p of parseRtcpCompound(data)) if (p.type === "rr") reports += p.rr.reports.length;
      }
    } catch {
      return;
    }
    for (const m of this.#members) if (m.remoteHost === from.hostname) m.onGroupRtcp(reports);
  }

  /** Detaches from the stream, closes the groups and frees their addresses. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#fanOut.detach(this);
    for (const g of this.groups) g.close();
    this.#log.info(`multicast groups closed: ${this.groups.map((g) => g.group).join(", ")}`);
    this.#onEmpty();
  }
}
