import type { ByteStream } from "./byte_stream.ts";
import type { ScheduledWriter, WriteScheduler } from "./write_scheduler.ts";
import type { SyncWriter } from "./tcp_sync_writer.ts";
import { type Clock, systemClock, type TimerId } from "../time/mod.ts";

/** A chunk at least this large is written from its own memory rather than merged in the scratch buffer. */
const DIRECT_WRITE_BYTES = 16 * 1024;

/** Why a StreamWriter gave up: the stream failed or a write exceeded the deadline. */
export type WriterFailure = { kind: "error"; error: unknown } | { kind: "timeout" };

/** Options of a StreamWriter. */
export interface StreamWriterOptions {
  /**
   * Maximum queued items (packets: writeQueueSize) that `enqueue` accepts; a chunk counts as the
   * items it says it holds (a burst of 20 packets is 20). Forced chunks ignore it.
   */
  maxQueued: number;
  /** Deadline for one write to complete, in ms (writeTimeout). */
  writeTimeoutMs: number;
  /** Chunks are merged into one write up to this many bytes. */
  coalesceBytes?: number;
  /**
   * Starts idle writes at the scheduler's flush point instead of at once, so a burst of
   * packets leaves in one write (forced chunks, i.e. RTSP responses, still start at once).
   */
  scheduler?: WriteScheduler;
  /** Non-blocking synchronous writes (plain TCP through FFI); the stream's write takes the rest. */
  sync?: SyncWriter;
  /** Called once when writing fails; the owner closes the connection. */
  onFailure: (failure: WriterFailure) => void;
  /** Time for the write deadline; the system clock when omitted. */
  clock?: Clock;
}

/**
 * Serialises writes on a byte stream through a bounded queue.
 *
 * The fan-out pushes packets without awaiting; one writer loop drains the queue and
 * merges queued chunks into a single write, so a reader that receives 400 packets/s
 * costs far fewer syscalls than packets. When the queue is full, `enqueue` returns
 * false and the caller counts a drop: a slow reader never blocks the publisher.
 */
export class StreamWriter implements ScheduledWriter {
  #stream: ByteStream;
  #opts: StreamWriterOptions & { coalesceBytes: number };
  #queue: Uint8Array[] = [];
  /** Items (packets) of each queued chunk, and in all. */
  #items: number[] = [];
  #queuedItems = 0;
  #acceptedBytes = 0;
  #running = false;
  #failed = false;
  #scheduled = false;
  #sync: SyncWriter | undefined;
  #idleWaiters: (() => void)[] = [];

  constructor(stream: ByteStream, opts: StreamWriterOptions) {
    this.#stream = stream;
    this.#opts = { coalesceBytes: 64 * 1024, ...opts };
    this.#sync = opts.sync;
  }

  /** Chunks waiting to be written. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Bytes accepted by `enqueue` so far (written or about to be). */
  get bytesAccepted(): number {
    return this.#acceptedBytes;
  }

  /** Whether a write has failed; later chunks are discarded. */
  get failed(): boolean {
    return this.#failed;
  }

  /** Items (packets) waiting to be written. */
  get queuedItems(): number {
    return this.#queuedItems;
  }

  /**
   * Queues a chunk of `items` packets (one by default). Returns false (and drops it) when the
   * queue would hold more than `maxQueued` items, unless `force` is set (RTSP responses are never
   * dropped). A chunk larger than the whole bound is taken when the queue is empty.
   */
  enqueue(chunk: Uint8Array, force = false, items = 1): boolean {
    if (this.#failed) return false;
    if (!force && this.#queuedItems > 0 && this.#queuedItems + items > this.#opts.maxQueued) return false;
    this.#queue.push(chunk);
    this.#items.push(items);
    this.#queuedItems += items;
    this.#acceptedBytes += chunk.length;
    if (this.#running) return true; // the write in flight is followed by one with everything queued
    const scheduler = this.#opts.scheduler;
    if (force || scheduler === undefined) this.#start();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      scheduler.schedule(this);
    }
    return true;
  }

  /**
   * Hot path for a chunk that is ready to leave now (a stream's burst, at the end of its hold):
   * an idle writer sends it at once from its own memory, with no queueing and no scheduling;
   * otherwise it is queued like `enqueue` (same bound, same order). Returns false when dropped.
   */
  writeNow(chunk: Uint8Array, items = 1): boolean {
    const sync = this.#sync;
    if (sync === undefined || this.#running || this.#failed || this.#queue.length > 0) {
      return this.enqueue(chunk, false, items);
    }
    this.#acceptedBytes += chunk.length;
    let rest: Uint8Array | undefined;
    try {
      rest = this.#writeDirect(sync, chunk);
    } catch (error) {
      this.#fail({ kind: "error", error });
      return true; // accepted, then the connection failed: the owner closes it
    }
    if (rest !== undefined) this.#run(rest); // the rest waits for room
    return true;
  }

  /** WriteScheduler: starts writing what was queued since the writer went idle. */
  flushScheduled(): void {
    this.#scheduled = false;
    if (!this.#running && !this.#failed && this.#queue.length > 0) this.#start();
  }

  /** Resolves when everything queued so far has been written (or writing failed). */
  flushed(): Promise<void> {
    if (this.#scheduled) this.flushScheduled();
    if (!this.#running || this.#failed) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Starts writing. While the socket takes everything (the common case), this is a loop of
   * synchronous writes with no promise and no async frame per reader and flush; only what the
   * kernel does not take goes to the async `#run`.
   */
  #start(): void {
    if (this.#sync !== undefined) {
      try {
        while (this.#queue.length > 0 && this.#sync !== undefined) {
          const rest = this.#writeHeadSync(this.#sync);
          if (rest !== undefined) {
            this.#run(rest);
            return;
          }
        }
      } catch (error) {
        this.#fail({ kind: "error", error });
        return;
      }
      if (this.#queue.length === 0) return;
    }
    this.#run();
  }

  async #run(leftover?: Uint8Array): Promise<void> {
    this.#running = true;
    try {
      if (leftover !== undefined) await this.#writeWithDeadline(leftover);
      while (this.#queue.length > 0 && !this.#failed) {
        const sync = this.#sync;
        // Common case: the socket has room, the write completes here without a promise.
        const rest = sync === undefined ? this.#take() : this.#writeHeadSync(sync);
        if (rest !== undefined) await this.#writeWithDeadline(rest);
      }
    } catch (error) {
      this.#fail({ kind: "error", error });
    } finally {
      this.#running = false;
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  /**
   * One synchronous write from the head of the queue: a lone or large chunk from its own memory
   * (a stream's burst, shared by every reader, is never copied per reader), else the queued
   * chunks merged in the scratch buffer. Returns what the kernel did not take, to be written
   * asynchronously (chunks are never modified once queued, so a view of one is safe), or
   * undefined when it took everything.
   */
  #writeHeadSync(sync: SyncWriter): Uint8Array | undefined {
    const first = this.#queue[0];
    if (this.#queue.length === 1 || first.length >= Math.min(DIRECT_WRITE_BYTES, this.#opts.coalesceBytes)) {
      this.#removeHead(1);
      return this.#writeDirect(sync, first);
    }
    const n = this.#takeInto(sync.buffer);
    const done = sync.write(n);
    if (done === n) return undefined;
    if (done < 0) this.#sync = undefined; // this path is unavailable: the stream's own writes from now on
    return sync.buffer.slice(Math.max(done, 0), n); // out of the scratch buffer, shared by every writer
  }

  /** Sends `chunk` from its own memory; returns a view of what the kernel did not take, if any. */
  #writeDirect(sync: SyncWriter, chunk: Uint8Array): Uint8Array | undefined {
    const done = sync.writeChunk(chunk);
    if (done === chunk.length) return undefined;
    if (done < 0) this.#sync = undefined; // this path is unavailable: the stream's own writes from now on
    return chunk.subarray(Math.max(done, 0));
  }

  /** Moves queued chunks, up to coalesceBytes, into `buf`; returns their size (0: the first does not fit). */
  #takeInto(buf: Uint8Array): number {
    const limit = Math.min(buf.length, this.#opts.coalesceBytes);
    let n = 0;
    let size = 0;
    while (n < this.#queue.length && size + this.#queue[n].length <= limit) {
      buf.set(this.#queue[n], size);
      size += this.#queue[n].length;
      n++;
    }
    this.#removeHead(n);
    return size;
  }

  /** Removes queued chunks up to coalesceBytes and returns them as one buffer. */
  #take(): Uint8Array {
    const first = this.#queue[0];
    if (this.#queue.length === 1 || first.length >= this.#opts.coalesceBytes) {
      this.#removeHead(1);
      return first;
    }
    let n = 0;
    let size = 0;
    while (n < this.#queue.length && size + this.#queue[n].length <= this.#opts.coalesceBytes) {
      size += this.#queue[n].length;
      n++;
    }
    const out = new Uint8Array(size);
    let off = 0;
    for (let i = 0; i < n; i++) {
      out.set(this.#queue[i], off);
      off += this.#queue[i].length;
    }
    this.#removeHead(n);
    return out;
  }

  /** Drops the first `n` queued chunks, taken for a write. */
  #removeHead(n: number): void {
    let items = 0;
    for (let i = 0; i < n; i++) items += this.#items[i];
    if (n === this.#queue.length) {
      this.#queue.length = 0;
      this.#items.length = 0;
    } else if (n === 1) {
      this.#queue.shift();
      this.#items.shift();
    } else {
      this.#queue.splice(0, n);
      this.#items.splice(0, n);
    }
    this.#queuedItems -= items;
  }

  async #writeWithDeadline(chunk: Uint8Array): Promise<void> {
    const clock = this.#opts.clock ?? systemClock;
    let timer: TimerId | undefined;
    const deadline = new Promise<"timeout">((resolve) => {
      timer = clock.setTimeout(() => resolve("timeout"), this.#opts.writeTimeoutMs);
    });
    try {
      const result = await Promise.race([this.#stream.write(chunk), deadline]);
      if (result === "timeout") this.#fail({ kind: "timeout" });
    } finally {
      clock.clearTimeout(timer);
    }
  }

  #fail(failure: WriterFailure): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#queue = [];
    this.#items = [];
    this.#queuedItems = 0;
    this.#opts.onFailure(failure);
  }
}
