/**
 * Batched UDP sends with segmentation offload. The datagrams queued during one turn of the event
 * loop leave at its end in as few `sendmmsg` system calls as possible (the stream's own hold,
 * rtspFanOutHold, decides how much one turn carries), instead of one Deno `send()` (an async op, a promise and a syscall) per datagram.
 *
 * Each packet's bytes are copied once into a native arena. At the flush, each destination's
 * datagrams are grouped: consecutive datagrams of equal size (the last of a group may be shorter,
 * at most 64 and 65507 bytes in all) become ONE message whose iovecs point at the shared copies,
 * with a `UDP_SEGMENT` control message (generic segmentation offload, Linux 4.18): the kernel
 * allocates, routes and copies once per group instead of once per datagram, and cuts the group
 * into the original datagrams on the way out. A key frame arrives as a burst of equal-size
 * fragments, so groups are long. All destinations' messages go in one sendmmsg (1024 messages per
 * call at most: UIO_MAXIOV). Order per destination is kept: its groups are consecutive messages.
 *
 * When the kernel refuses a segmented message (a kernel or route without it: EIO, EINVAL,
 * ENOPROTOOPT, EOPNOTSUPP), segmentation is switched off for good, once, with one call to
 * `onFallback`, and the rest of the batch is rebuilt as one message per datagram (the path
 * before GSO).
 *
 * The batch is built and sent on the main thread. With `threads` > 1, a large chunk is cut at
 * destination boundaries and the parts but the first are sent by Deno Workers at the same time
 * (udp_send_threads.ts); the native layout then lives in SharedArrayBuffers. (Handing batches to
 * Deno's FFI thread pool instead was measured slower: 400 readers, 0.76 against 0.52 cores.)
 *
 * Falls back to the socket's own `send()` when FFI is unavailable (see ffi_libc.ts), for
 * destinations that are not IPv4, and while the kernel pushes back (EAGAIN/ENOBUFS): the rest
 * of that batch and later datagrams then take the async path, which waits for room, until it
 * has drained, so datagrams to one reader stay in order.
 *
 * @module
 */
import type { NetAddr } from "./byte_stream.ts";
import { OrderedUdpSends } from "./ordered_udp_sends.ts";
import { type ChunkPort, MAX_THREADS, UdpSendThreads } from "./udp_send_threads.ts";
import {
  ARENA_BYTES,
  BatchLayout,
  type Dest,
  gsoUnavailable,
  MAX_MESSAGES,
  MAX_PAYLOADS,
  MMSGHDR,
  newDest,
  PRIVATE_IOVS,
} from "./udp_batch_layout.ts";
import {
  EAGAIN,
  EINTR,
  EINVAL,
  EIO,
  ENOBUFS,
  ENOPROTOOPT,
  EOPNOTSUPP,
  errno,
  findUdpSocketFd,
  type Libc,
  MSG_DONTWAIT,
  openLibc,
} from "./ffi_libc.ts";

/** Called when the kernel refuses a datagram (unreachable network, message too long, …). */
export type SendErrorHandler = (error: Error) => void;

/** Segments of one GSO message at most (the kernel's UDP_MAX_SEGMENTS is 64 up to Linux 6.9). */
const GSO_MAX_SEGMENTS = 64;
/** Bytes of one GSO message at most: the largest IPv4 UDP payload. */
const GSO_MAX_BYTES = 65507;
/** Default of `minParallelMessages`. */
const MIN_PARALLEL_MESSAGES = 128;

/** Options of a UdpBatchSender. */
export interface UdpBatchSenderOptions {
  /** Use the FFI path when available (default true); false forces Deno's `send()`. */
  accelerate?: boolean;
  /** Group equal-size datagrams per destination with UDP_SEGMENT when the kernel has it (default true). */
  gso?: boolean;
  /**
   * Threads sending a large chunk's messages (default 1: the main thread only). With more, the
   * parts but the first go to Deno Workers (needs FFI and read access to udp_send_worker.ts).
   */
  threads?: number;
  /** Messages a chunk needs before it is split over the threads (default 128). */
  minParallelMessages?: number;
  /** Told once when the kernel refuses segmentation offload, or the workers, and the sender falls back. */
  /** The socket's ordered Deno sends, when its owner sends on it too (one queue per destination). */
  ordered?: OrderedUdpSends;
  onFallback?: (reason: string) => void;
}

/** Sends datagrams from one Deno UDP socket, batched through sendmmsg when possible. */
export class UdpBatchSender {
  /** Deno's send(), kept in order per reader (the async path, and every send without FFI). */
  readonly #ordered: OrderedUdpSends;
  readonly #lib: Libc | undefined;
  readonly #fd: number;
  readonly #onFallback: ((reason: string) => void) | undefined;
  #gso = false;
  readonly #threads: UdpSendThreads | undefined;
  readonly #minParallel: number;
  /** What the workers' fork/join uses of this sender (with threads only). */
  readonly #chunkPort: ChunkPort | undefined;
  /** Native memory (shared with the workers when there are any). */
  readonly #layout: BatchLayout;
  readonly #msgs: Uint8Array<ArrayBuffer>;
  // The batch being built.
  #batch = 0;
  #payloadCount = 0;
  #arenaUsed = 0;
  #lastData: Uint8Array | undefined;
  readonly #sizes: Int32Array;
  readonly #datas: (Uint8Array | undefined)[] = new Array(MAX_PAYLOADS);
  readonly #dests: Dest[] = [];
  #destCount = 0;
  // Per message of the chunk being sent: its destination, first record and datagram count.
  readonly #msgDest = new Int32Array(MAX_MESSAGES);
  readonly #msgFirst = new Int32Array(MAX_MESSAGES);
  readonly #msgCount = new Int32Array(MAX_MESSAGES);
  readonly #destsByAddr = new WeakMap<NetAddr, Dest | null>();
  /** Where each run was copied in the batch that holds it. */
  readonly #runs = new WeakMap<object, { batch: number; first: number }>();
  #scheduled = false;
  /** Datagrams handed to the async path and not settled yet. */
  #slowInFlight = 0;
  #closed = false;
  /** Messages and datagrams handed to the kernel through sendmmsg (for tests and the benchmark). */
  readonly stats = { calls: 0, messages: 0, datagrams: 0, workerMessages: 0 };
  readonly #scheduledFlush = () => {
    this.#scheduled = false;
    this.flush();
  };

  constructor(sock: Deno.DatagramConn, opts: UdpBatchSenderOptions = {}) {
    this.#ordered = opts.ordered ?? new OrderedUdpSends(sock);
    this.#onFallback = opts.onFallback;
    const local = sock.addr as Deno.NetAddr;
    const lib = opts.accelerate === false ? undefined : openLibc();
    const fd = lib === undefined ? undefined : findUdpSocketFd(lib, local.hostname, local.port);
    this.#lib = fd === undefined ? undefined : lib;
    this.#fd = fd ?? -1;
    const threads = this.#lib === undefined
      ? 1
      : Math.min(MAX_THREADS, Math.max(1, Math.floor(opts.threads ?? 1)));
    this.#minParallel = Math.max(2, opts.minParallelMessages ?? MIN_PARALLEL_MESSAGES);
    const layout = this.#layout = new BatchLayout(threads > 1);
    this.#msgs = layout.msgs;
    this.#sizes = layout.sizes;
    if (this.#lib !== undefined) {
      layout.prepare(this.#lib, this.#fd);
      const code = opts.gso === false ? 0 : gsoUnavailable(this.#lib, this.#fd);
      this.#gso = opts.gso !== false && code === 0;
      if (code !== 0) {
        this.#onFallback?.(
          `the kernel has no UDP segmentation offload (errno ${code}), sending one datagram per message`,
        );
      }
    }
    this.#threads = threads > 1
      ? UdpSendThreads.start({
        workers: threads - 1,
        fd: this.#fd,
        msgs: this.#msgs.buffer as unknown as SharedArrayBuffer,
        onFallback: this.#onFallback,
      })
      : undefined;
    this.#chunkPort = this.#threads === undefined ? undefined : {
      msgDest: this.#msgDest,
      sendHere: (from, to) => this.#sendPart(this.#lib!, from, to),
      stopCode: () => this.#stopCode,
      stopsAt: (off, code) => this.#stopsAt(off, code),
      countWorker: (from, to) => {
        this.#countSent(from, to);
        this.stats.workerMessages += to - from;
      },
      sendSlow: (from, to) => this.#sendMessagesSlow(from, to),
      refuseGso: (code) => this.#refuseGso(code),
    };
  }

  /** Whether datagrams go through sendmmsg (false: Deno's `send()` for each). */
  get accelerated(): boolean {
    return this.#lib !== undefined;
  }

  /** Whether equal-size datagrams to one destination leave as one segmented message (UDP_SEGMENT). */
  get segmented(): boolean {
    return this.#gso;
  }

  /**
   * Queues one datagram. Returns undefined when it joined the batch (sent at the end of this
   * turn; a refusal is reported to `onError`), or the promise of Deno's `send()` when it took
   * the async path (the caller counts it in flight and handles its rejection). A destination is
   * the `to` object: order is kept among datagrams sent with the same object (the server keeps
   * one per session media), not across two objects holding the same address when threads split.
   */
  send(data: Uint8Array, to: NetAddr, onError: SendErrorHandler): Promise<number> | undefined {
    if (this.#lib === undefined || this.#closed) return this.#sendDeno(data, to);
    if (this.#slowInFlight > 0) return this.#sendSlow(data, to);
    const d = this.#destOf(to);
    if (d === null || data.length > ARENA_BYTES) return this.#sendDeno(data, to);
    if (data !== this.#lastData) this.#addPayload(data);
    if (d.batch !== this.#batch) {
      d.batch = this.#batch;
      d.count = 0;
      this.#dests[this.#destCount++] = d;
    }
    d.payloads[d.count++] = this.#payloadCount - 1;
    d.onError = onError;
    this.#schedule();
    return undefined;
  }

  /** `to`'s batch state, cached per address object; null when it is not IPv4. */
  #destOf(to: NetAddr): Dest | null {
    let d = this.#destsByAddr.get(to);
    if (d === undefined) this.#destsByAddr.set(to, d = newDest(to));
    return d;
  }

  /** Arms the flush at the end of this turn. */
  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(this.#scheduledFlush);
  }

  /**
   * Hot path: queues a run of datagrams (one media's packets of one turn, the same array for
   * every reader) to `to`. The run is copied into the batch once, whatever the number of
   * destinations it goes to. Returns false when it cannot be batched (no FFI, not IPv4, the
   * kernel pushing back, a run larger than a batch): the caller then sends its datagrams one by one.
   */
  sendRun(run: readonly { readonly data: Uint8Array }[], to: NetAddr, onError: SendErrorHandler): boolean {
    if (this.#lib === undefined || this.#closed || this.#slowInFlight > 0) return false;
    const d = this.#destOf(to);
    if (d === null) return false;
    let at = this.#runs.get(run);
    if (at === undefined || at.batch !== this.#batch) {
      let bytes = 0;
      for (let i = 0; i < run.length; i++) bytes += (run[i].data.length + 7) & ~7;
      if (bytes > ARENA_BYTES || run.length > MAX_PAYLOADS) return false;
      if (this.#arenaUsed + bytes > ARENA_BYTES || this.#payloadCount + run.length > MAX_PAYLOADS) {
        this.flush();
      }
      at = { batch: this.#batch, first: this.#payloadCount };
      for (let i = 0; i < run.length; i++) this.#addPayload(run[i].data);
      this.#lastData = undefined;
      this.#runs.set(run, at);
    }
    if (d.batch !== this.#batch) {
      d.batch = this.#batch;
      d.count = 0;
      this.#dests[this.#destCount++] = d;
    }
    const payloads = d.payloads;
    for (let i = 0; i < run.length; i++) payloads[d.count++] = at.first + i;
    d.onError = onError;
    this.#schedule();
    return true;
  }

  /** Sends the batch now (also called at the end of the turn, or of the hold, in which it started). */
  flush(): void {
    if (this.#lib === undefined || this.#payloadCount === 0) return;
    try {
      this.#sendBatch(this.#lib);
    } finally {
      this.#batch++;
      this.#dests.fill(undefined as unknown as Dest, 0, this.#destCount);
      this.#destCount = 0;
      this.#datas.fill(undefined, 0, this.#payloadCount);
      this.#payloadCount = 0;
      this.#arenaUsed = 0;
      this.#lastData = undefined;
    }
  }

  /** Sends what is queued, stops the workers and stops using the descriptor (call before closing the socket). */
  close(): void {
    this.flush();
    this.#closed = true;
    this.#threads?.close();
  }

  /** Threads that send a large chunk now: 1, plus the workers that are ready. */
  get sendThreads(): number {
    return 1 + (this.#threads?.ready.length ?? 0);
  }

  /** sendmmsg calls made by the workers (0 without them). */
  get workerCalls(): number {
    return this.#threads?.calls ?? 0;
  }

  /** Builds the batch's messages, up to 1024 at a time, and hands each chunk to sendmmsg. */
  #sendBatch(lib: Libc): void {
    this.#sendRange(lib, 0, 0, this.#destCount, 0);
  }

  /**
   * Sends destination records from (di, ri) up to (endDi, endRi), not included. Returns whether it
   * met a full socket buffer: the rest of the range then took the async path, as must what follows.
   */
  #sendRange(lib: Libc, di: number, ri: number, endDi: number, endRi: number): boolean {
    while ((di < endDi || (di === endDi && ri < endRi)) && !this.#closed) {
      // Build one chunk.
      let m = 0;
      let priv = 0;
      while (
        (di < endDi || (di === endDi && ri < endRi)) && m < MAX_MESSAGES &&
        priv + GSO_MAX_SEGMENTS <= PRIVATE_IOVS
      ) {
        const d = this.#dests[di];
        let n = this.#group(d, ri);
        if (di === endDi && ri + n > endRi) n = endRi - ri;
        priv = this.#layout.writeMessage(m, d, ri, n, priv);
        this.#msgDest[m] = di;
        this.#msgFirst[m] = ri;
        this.#msgCount[m] = n;
        m++;
        ri += n;
        if (ri === d.count) {
          di++;
          ri = 0;
        }
      }
      // Send it: over the threads when it is large, else here.
      if (this.#threads !== undefined && this.#threads.ready.length > 0 && m >= this.#minParallel) {
        const outcome = this.#threads.sendChunk(this.#chunkPort!, m);
        if (outcome === "sent") continue;
        if (outcome === "gso" && !this.#resendUnsent(lib, m, di, ri)) continue;
        // Something went the async path: so does the rest, to keep each reader's order.
        this.#sendRestSlow(di, ri, endDi, endRi);
        return true;
      }
      const off = this.#sendPart(lib, 0, m);
      if (off === m) continue;
      if (this.#stopCode === EAGAIN || this.#stopCode === ENOBUFS) {
        // The socket buffer is full: the rest waits for room on the async path.
        this.#sendRestSlow(this.#msgDest[off], this.#msgFirst[off], endDi, endRi);
        return true;
      }
      // Segmentation refused: off for good, and the rest is rebuilt one datagram per message.
      this.#refuseGso(this.#stopCode);
      di = this.#msgDest[off];
      ri = this.#msgFirst[off];
    }
    return false;
  }

  /**
   * After the kernel refused GSO in a chunk split over the threads (up to record (di, ri)):
   * rebuilds each part's unsent messages one datagram per message, part after part. Returns
   * whether a full socket buffer sent the rest of them the async path.
   */
  #resendUnsent(lib: Libc, m: number, di: number, ri: number): boolean {
    const threads = this.#threads!;
    const ranges: number[] = []; // (from di, from ri, to di, to ri), read before the layout is reused
    for (let p = 0; p < threads.parts; p++) {
      const stop = threads.partStop(p);
      const end = threads.partEnd(p);
      if (stop === end) continue;
      ranges.push(this.#msgDest[stop], this.#msgFirst[stop]);
      ranges.push(end < m ? this.#msgDest[end] : di, end < m ? this.#msgFirst[end] : ri);
    }
    for (let k = 0; k < ranges.length; k += 4) {
      const [a, b, c, d] = ranges.slice(k, k + 4);
      if (!this.#sendRange(lib, a, b, c, d)) continue;
      for (let j = k + 4; j < ranges.length; j += 4) {
        this.#sendRestSlow(ranges[j], ranges[j + 1], ranges[j + 2], ranges[j + 3]);
      }
      return true;
    }
    return false;
  }

  /** errno that stopped the last #sendPart early: EAGAIN/ENOBUFS (buffer full) or a GSO refusal. */
  #stopCode = 0;

  /**
   * Sends messages [from, to) of the chunk here; reports refused messages to their destination and
   * goes on. Returns where it stopped: `to`, or the first unsent message (reason in #stopCode).
   */
  #sendPart(lib: Libc, from: number, to: number): number {
    let off = from;
    while (off < to) {
      const view = off === 0 ? this.#msgs : this.#msgs.subarray(off * MMSGHDR);
      const sent = lib.sendmmsg(this.#fd, view, to - off, MSG_DONTWAIT);
      this.stats.calls++;
      if (sent > 0) {
        this.#countSent(off, off + sent);
        off += sent;
        continue;
      }
      const code = errno(lib);
      if (code === EINTR) continue;
      if (this.#stopsAt(off, code)) return off;
      off++;
    }
    return off;
  }

  /** Whether errno `code` on message `off` stops its part (set in #stopCode); else it is reported. */
  #stopsAt(off: number, code: number): boolean {
    this.#stopCode = code;
    if (code === EAGAIN || code === ENOBUFS) return true;
    if (
      this.#msgCount[off] > 1 &&
      (code === EIO || code === EINVAL || code === ENOPROTOOPT || code === EOPNOTSUPP)
    ) {
      return true;
    }
    // This message was refused (the ones before it were sent): report it, go on with the next.
    const d = this.#dests[this.#msgDest[off]];
    d.onError(new Error(`sendmmsg to ${d.to.hostname}:${d.to.port} failed: errno ${code}`));
    return false;
  }

  #refuseGso(code: number): void {
    this.#gso = false;
    this.#onFallback?.(
      `the kernel refused UDP segmentation offload (errno ${code}), sending one datagram per message`,
    );
  }

  /** Messages [from, to) of the chunk, one datagram at a time, through Deno's send(). */
  #sendMessagesSlow(from: number, to: number): void {
    for (let i = from; i < to; i++) {
      const d = this.#dests[this.#msgDest[i]];
      for (let r = this.#msgFirst[i], end = r + this.#msgCount[i]; r < end; r++) {
        this.#sendSlow(this.#datas[d.payloads[r]]!, d.to).catch(d.onError);
      }
    }
  }

  /** How many of `d`'s datagrams from record `ri` on form one message. */
  #group(d: Dest, ri: number): number {
    const left = d.count - ri;
    if (!this.#gso || left === 1) return 1;
    const payloads = d.payloads;
    const sizes = this.#sizes;
    const size = sizes[payloads[ri]];
    let bytes = size;
    let n = 1;
    const max = left < GSO_MAX_SEGMENTS ? left : GSO_MAX_SEGMENTS;
    while (n < max) {
      const s = sizes[payloads[ri + n]];
      if (s > size || bytes + s > GSO_MAX_BYTES) break;
      bytes += s;
      n++;
      if (s < size) break; // a shorter datagram ends the group
    }
    return n;
  }

  #countSent(from: number, to: number): void {
    let datagrams = 0;
    for (let i = from; i < to; i++) datagrams += this.#msgCount[i];
    this.stats.messages += to - from;
    this.stats.datagrams += datagrams;
  }

  /** The rest of the batch (or up to record (endDi, endRi)), from `di`'s record `ri`, through Deno's send(). */
  #sendRestSlow(di: number, ri: number, endDi = this.#destCount, endRi = 0): void {
    for (; di < endDi || (di === endDi && ri < endRi); di++, ri = 0) {
      const d = this.#dests[di];
      for (const last = di === endDi ? endRi : d.count; ri < last; ri++) {
        const p = d.payloads[ri];
        this.#sendSlow(this.#datas[p]!, d.to).catch(d.onError);
      }
    }
  }

  #sendDeno(data: Uint8Array, to: NetAddr): Promise<number> {
    return this.#ordered.send(data, to);
  }

  /** A send on the async path while the kernel pushes back: counted, so the batch waits for it. */
  #sendSlow(data: Uint8Array, to: NetAddr): Promise<number> {
    this.#slowInFlight++;
    const p = this.#sendDeno(data, to);
    p.then(this.#slowSettled, this.#slowSettled);
    return p;
  }

  readonly #slowSettled = () => {
    this.#slowInFlight--;
  };

  /** Copies a packet into the arena (sending the batch first when it is full). */
  #addPayload(data: Uint8Array): void {
    if (this.#arenaUsed + data.length > ARENA_BYTES || this.#payloadCount === MAX_PAYLOADS) this.flush();
    const p = this.#payloadCount++;
    this.#layout.putPayload(p, data, this.#arenaUsed);
    this.#datas[p] = data;
    this.#arenaUsed += (data.length + 7) & ~7;
    this.#lastData = data;
  }
}
