/**
 * The TCP floor's fan-out: what a straightforward C loop costs when it forwards RTSP-interleaved
 * frames to N TCP readers. Packets are held at most 1 ms (the GSO floor's hold), framed once into
 * one buffer (`$`, channel, u16 length, RTP packet; RFC 2326 §10.12), then ONE non-blocking
 * `send()` per reader per burst: no queues, no retries.
 *
 * A send the kernel refuses (EAGAIN) drops that burst for that reader; a partial send would leave
 * the reader's stream cut in the middle of a frame, so that reader is closed. Both are counted
 * (`sends` events on stdout), so a report can say whether the floor itself fell short.
 *
 * @module
 */
import {
  EAGAIN,
  errno,
  IPPROTO_TCP,
  libc,
  MSG_DONTWAIT,
  MSG_NOSIGNAL,
  setIntOption,
  SOCK_CLOEXEC,
  SOCK_NONBLOCK,
  TCP_NODELAY,
  tcpListener,
} from "./libc.ts";

/** What went wrong with the floor's sends, counted since start. */
export interface TcpSendStats {
  /** Sends that wrote only part of a burst (the reader was then closed). */
  partial: number;
  /** Sends refused with EAGAIN (that burst was dropped for that reader). */
  refused: number;
  /** Readers closed: by a partial send or a send error (EPIPE, ECONNRESET when the reader left). */
  closed: number;
}

const HOLD_MS = 1;
const ACCEPT_POLL_MS = 2;
const STATS_DELAY_MS = 100;
const ARENA_BYTES = 256 * 1024;

/** Accepts readers on a TCP port and forwards every packet to all of them, a burst at a time. */
export class TcpFanout {
  readonly #listenFd: number;
  readonly #expected: number;
  readonly #emit: (event: string, fields: Record<string, unknown>) => void;
  #readers: number[] = [];
  readonly #arena = new Uint8Array(new ArrayBuffer(ARENA_BYTES));
  #used = 0;
  #hold: ReturnType<typeof setTimeout> | undefined;
  #acceptTimer: ReturnType<typeof setInterval> | undefined;
  #statsTimer: ReturnType<typeof setTimeout> | undefined;
  /** Counted since start. */
  readonly stats: TcpSendStats = { partial: 0, refused: 0, closed: 0 };

  /**
   * Listens on 127.0.0.1:`port`; emits `accepted` once `expected` readers are connected, and
   * `sends` (the stats) shortly after a count changes.
   */
  constructor(
    port: number,
    expected: number,
    emit: (event: string, fields: Record<string, unknown>) => void,
  ) {
    this.#listenFd = tcpListener("127.0.0.1", port);
    this.#expected = expected;
    this.#emit = emit;
    // Set-up only: a timer polls the non-blocking listener until every reader is in.
    this.#acceptTimer = setInterval(() => this.#acceptAll(), ACCEPT_POLL_MS);
  }

  /** Frames one RTP packet onto the burst (interleaved `channel`); the burst leaves within 1 ms. */
  push(channel: number, packet: Uint8Array): void {
    if (this.#used + 4 + packet.length > ARENA_BYTES) this.#flush();
    const a = this.#arena;
    const at = this.#used;
    a[at] = 0x24;
    a[at + 1] = channel;
    a[at + 2] = packet.length >> 8;
    a[at + 3] = packet.length & 0xff;
    a.set(packet, at + 4);
    this.#used = at + 4 + packet.length;
    this.#hold ??= setTimeout(() => this.#flush(), HOLD_MS);
  }

  /** Stops accepting and closes every socket. */
  close(): void {
    clearInterval(this.#acceptTimer);
    clearTimeout(this.#hold);
    clearTimeout(this.#statsTimer);
    const c = libc();
    for (const fd of this.#readers) c.close(fd);
    this.#readers = [];
    c.close(this.#listenFd);
  }

  #acceptAll(): void {
    const c = libc();
    for (;;) {
      const fd = c.accept4(this.#listenFd, null, null, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) break;
      setIntOption(fd, IPPROTO_TCP, TCP_NODELAY, 1);
      this.#readers.push(fd);
    }
    if (this.#readers.length >= this.#expected) {
      clearInterval(this.#acceptTimer);
      this.#acceptTimer = undefined;
      this.#emit("accepted", { readers: this.#readers.length });
    }
  }

  #flush(): void {
    clearTimeout(this.#hold);
    this.#hold = undefined;
    const n = this.#used;
    this.#used = 0;
    if (n === 0) return;
    const c = libc();
    const buf = this.#arena;
    const len = BigInt(n);
    const readers = this.#readers;
    let dropped: Set<number> | undefined;
    for (let i = 0; i < readers.length; i++) {
      const fd = readers[i];
      const r = Number(c.send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL));
      if (r === n) continue;
      if (r < 0 && errno() === EAGAIN) {
        this.stats.refused++;
      } else {
        if (r >= 0) this.stats.partial++;
        this.stats.closed++;
        c.close(fd);
        (dropped ??= new Set()).add(fd);
      }
      this.#statsChanged();
    }
    if (dropped !== undefined) this.#readers = readers.filter((fd) => !dropped.has(fd));
  }

  #statsChanged(): void {
    this.#statsTimer ??= setTimeout(() => {
      this.#statsTimer = undefined;
      this.#emit("sends", { ...this.stats });
    }, STATS_DELAY_MS);
  }
}
