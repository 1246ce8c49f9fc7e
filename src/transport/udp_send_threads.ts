/**
 * More than one core for the UDP fan-out: Deno Workers that each send a part of a batch the main
 * thread built (see UdpBatchSender's `threads`). Fork/join per flush: the main thread posts a job
 * to each worker (first message, count) through shared control words, sends its own part, then
 * waits for every worker's result with a deadline. Nothing of the batch is reused before the join,
 * so the workers never see a message the main thread is rewriting.
 *
 * Why threads and not Deno's FFI thread pool (`nonblocking: true`): the pool costs a promise and
 * a turn of the event loop per call, and its thread's work then competes with the main thread
 * instead of overlapping with it inside one flush.
 *
 * A worker that cannot start (no read access to its module in a scoped run, no FFI in it) leaves
 * the sender on one thread, with one call to `onFallback`. Every wait has a deadline: a job a
 * worker has not taken within `JOIN_TIMEOUT_MS` is cancelled and sent by the main thread; a
 * worker that misses it three times, or does not finish a job it took, is stopped for good.
 *
 * @module
 */
import {
  C_CALLS,
  C_COUNT,
  C_ERRNO,
  C_FIRST,
  C_SENT,
  C_SEQ,
  C_STATE,
  C_STOP,
  CONTROL_WORDS,
  S_CANCELLED,
  S_DONE,
  S_IDLE,
  S_POSTED,
  type WorkerInit,
} from "./udp_send_protocol.ts";

/** How long the main thread waits for a worker to take and finish its part. */
const JOIN_TIMEOUT_MS = 250;
/** How much longer it waits for a worker that took its part (it is inside a non-blocking sendmmsg). */
const TAKEN_TIMEOUT_MS = 1000;
/** Jobs a worker may leave untaken past the deadline before it is stopped. */
const MAX_CANCELLED = 3;

/** Step and bounds of the main thread's share of a chunk, balanced so that it waits little at the join. */
const SHARE_STEP = 0.01;
const MIN_SHARE = 0.05;
const MAX_SHARE = 0.95;
/** Threads sending one chunk at most (the main one included). */
export const MAX_THREADS = 8;
const EAGAIN = 11;
const ENOBUFS = 105;

const WORKER_MODULE = new URL("./udp_send_worker.ts", import.meta.url);

/**
 * The send worker's module and the modules it imports: a worker reads them when it starts, so a
 * run with narrowed read permissions must allow them (scripts/permissions.ts), and `deno compile`
 * must embed them (scripts/compile.ts).
 */
export const SEND_WORKER_MODULES: readonly URL[] = [
  WORKER_MODULE,
  new URL("./ffi_libc.ts", import.meta.url),
  new URL("./udp_send_protocol.ts", import.meta.url),
];

/** A worker's answer: messages sent from its first one, and errno where it stopped (0: all sent). */
export interface PartResult {
  sent: number;
  errno: number;
}

/** One worker and its control words. */
export interface SendWorker {
  readonly worker: Worker;
  readonly ctrl: Int32Array<SharedArrayBuffer>;
  cancelled: number;
}

/** What the fork/join needs of the sender whose chunk (messages 0 … m-1) it splits. */
export interface ChunkPort {
  /** Destination index of each message of the chunk (a destination's messages are consecutive). */
  readonly msgDest: Int32Array;
  /** Sends messages [from, to) on this thread; returns `to`, or the first unsent one (see stopCode). */
  sendHere(from: number, to: number): number;
  /** errno that stopped the last sendHere early, or the last stopsAt's. */
  stopCode(): number;
  /** Whether errno `code` on message `off` stops its part (else it is reported to its destination). */
  stopsAt(off: number, code: number): boolean;
  /** Messages [from, to) were sent by a worker. */
  countWorker(from: number, to: number): void;
  /** Messages [from, to) go through the async path. */
  sendSlow(from: number, to: number): void;
  /** The kernel refused segmentation offload with errno `code`: off for good. */
  refuseGso(code: number): void;
}

/** Options of UdpSendThreads. */
export interface UdpSendThreadsOptions {
  /** Workers to start (threads besides the main one). */
  workers: number;
  /** The UDP socket's descriptor (process-wide, so a worker can send on it). */
  fd: number;
  /** The batch's message array (struct mmsghdr[]), shared with the workers. */
  msgs: SharedArrayBuffer;
  /** Told once when the workers cannot be used (the sender then stays on one thread). */
  onFallback?: (reason: string) => void;
}

/** The send workers of one UdpBatchSender. */
export class UdpSendThreads {
  /** Workers that are ready for jobs, in the order their parts are handed out. */
  readonly ready: SendWorker[] = [];
  readonly #all: SendWorker[] = [];
  readonly #onFallback: ((reason: string) => void) | undefined;
  #failed = false;
  #closed = false;
  // The chunk being sent: part bounds, the worker of each part, where and why each part stopped.
  readonly #bounds = new Int32Array(MAX_THREADS + 1);
  readonly #workers: SendWorker[] = [];
  readonly #stops = new Int32Array(MAX_THREADS);
  readonly #codes = new Int32Array(MAX_THREADS);
  #parts = 0;
  /** Fraction of a chunk's messages the main thread sends (tuned per chunk), for `#shareOf` threads. */
  #mainShare = 0.5;
  #shareOf = 2;

  /** Starts the workers, or returns undefined (after one `onFallback`) when Workers cannot run here. */
  static start(opts: UdpSendThreadsOptions): UdpSendThreads | undefined {
    const reason = workerUnavailableReason();
    if (reason !== undefined) {
      opts.onFallback?.(`${reason}; sending on one thread`);
      return undefined;
    }
    return new UdpSendThreads(opts);
  }

  private constructor(opts: UdpSendThreadsOptions) {
    this.#onFallback = opts.onFallback;
    for (let i = 0; i < opts.workers; i++) {
      const ctrl = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
      let worker: Worker;
      try {
        worker = new Worker(WORKER_MODULE, { type: "module", name: "udp-send" });
      } catch (e) {
        this.#fail(`cannot start a send worker: ${(e as Error).message}`);
        return;
      }
      const w: SendWorker = { worker, ctrl, cancelled: 0 };
      this.#all.push(w);
      worker.onmessage = (e: MessageEvent<{ ready?: boolean; error?: string }>) => {
        if (e.data.ready && !this.#closed && !this.#failed) this.ready.push(w);
        else if (e.data.error !== undefined) this.#fail(e.data.error);
      };
      worker.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        this.#fail(`the send worker failed: ${e.message}`);
      };
      worker.postMessage({ ctrl: ctrl.buffer, msgs: opts.msgs, fd: opts.fd } satisfies WorkerInit);
    }
  }

  /** sendmmsg calls made by the workers so far. */
  get calls(): number {
    let n = 0;
    for (const w of this.#all) n += Atomics.load(w.ctrl, C_CALLS);
    return n;
  }

  /**
   * Sends chunk [0, m) in parts cut at destination boundaries (a reader's messages stay in one
   * part, hence in order): the first on this thread, the others by the ready workers at the same
   * time; returns once every part is done (fork/join: the layout is reused only then). Returns
   * "sent" when nothing stopped a part; "full" when a full socket buffer did (every unsent message
   * of the chunk then took the async path, and so must the rest of the batch); "gso" when the
   * kernel refused segmentation (the caller rebuilds each part's unsent messages, see partStop).
   */
  sendChunk(port: ChunkPort, m: number): "sent" | "full" | "gso" {
    const bounds = this.#bounds, workers = this.#workers, stops = this.#stops, codes = this.#codes;
    const msgDest = port.msgDest;
    const want = Math.min(this.ready.length + 1, MAX_THREADS);
    if (want !== this.#shareOf) {
      this.#shareOf = want;
      this.#mainShare = 1 / want;
    }
    // The main part first (its share balanced below), then equal parts for the workers.
    const mainEnd = m * this.#mainShare;
    let n = 0;
    for (let p = 1; p < want; p++) {
      const target = mainEnd + ((m - mainEnd) * (p - 1)) / (want - 1);
      let at = Math.max(Math.round(target), bounds[n] + 1);
      while (at < m && msgDest[at] === msgDest[at - 1]) at++;
      if (at >= m) break;
      bounds[++n] = at;
    }
    bounds[++n] = m;
    for (let p = 1; p < n; p++) {
      workers[p - 1] = this.ready[p - 1];
      this.post(workers[p - 1], bounds[p], bounds[p + 1] - bounds[p]);
    }
    stops[0] = port.sendHere(0, bounds[1]);
    codes[0] = port.stopCode();
    let waited = false;
    for (let p = 1; p < n; p++) {
      const end = bounds[p + 1];
      if (Atomics.load(workers[p - 1].ctrl, C_STATE) !== S_DONE) waited = true;
      const r = this.join(workers[p - 1]);
      let off: number;
      if (r === undefined) {
        off = port.sendHere(bounds[p], end); // the worker did not take it in time
      } else {
        off = bounds[p] + r.sent;
        port.countWorker(bounds[p], off);
        // Where the worker stopped: a refused message is reported and the rest of the part sent here.
        if (off < end && !port.stopsAt(off, r.errno)) off = port.sendHere(off + 1, end);
      }
      stops[p] = off;
      codes[p] = port.stopCode();
    }
    workers.fill(undefined as unknown as SendWorker, 0, n - 1);
    this.#parts = n;
    // Balance: the main thread takes more while it finishes first (and waits), less while it is last.
    if (n > 1) {
      const share = this.#mainShare + (waited ? SHARE_STEP : -SHARE_STEP);
      this.#mainShare = share < MIN_SHARE ? MIN_SHARE : share > MAX_SHARE ? MAX_SHARE : share;
    }
    let gso = 0;
    let full = false;
    for (let p = 0; p < n; p++) {
      if (stops[p] === bounds[p + 1]) continue;
      if (codes[p] === EAGAIN || codes[p] === ENOBUFS) full = true;
      else if (gso === 0) gso = codes[p];
    }
    if (gso !== 0) port.refuseGso(gso);
    if (!full) return gso !== 0 ? "gso" : "sent";
    for (let p = 0; p < n; p++) port.sendSlow(stops[p], bounds[p + 1]);
    return "full";
  }

  /** Parts of the last chunk. */
  get parts(): number {
    return this.#parts;
  }

  /** Where part `p` of the last chunk stopped (its end when it was sent whole). */
  partStop(p: number): number {
    return this.#stops[p];
  }

  /** The end of part `p` of the last chunk (the next part's first message). */
  partEnd(p: number): number {
    return this.#bounds[p + 1];
  }

  /** Hands messages `first … first+count-1` to `w`; its result comes from `join`. */
  post(w: SendWorker, first: number, count: number): void {
    const c = w.ctrl;
    Atomics.store(c, C_FIRST, first);
    Atomics.store(c, C_COUNT, count);
    Atomics.store(c, C_STATE, S_POSTED);
    Atomics.add(c, C_SEQ, 1);
    Atomics.notify(c, C_SEQ);
  }

  /**
   * Waits for `w`'s part. Undefined: the worker did not take it in time and the job was
   * cancelled, so the caller sends that part itself.
   */
  join(w: SendWorker): PartResult | undefined {
    const c = w.ctrl;
    if (this.#waitDone(c, JOIN_TIMEOUT_MS)) return this.#result(w);
    if (Atomics.compareExchange(c, C_STATE, S_POSTED, S_CANCELLED) === S_POSTED) {
      if (++w.cancelled >= MAX_CANCELLED) {
        this.#fail(`a send worker missed ${MAX_CANCELLED} jobs by ${JOIN_TIMEOUT_MS} ms`);
      }
      return undefined;
    }
    // Taken: the worker is inside a non-blocking sendmmsg; give it longer, then give up on it.
    if (this.#waitDone(c, TAKEN_TIMEOUT_MS)) return this.#result(w);
    this.#fail(`a send worker did not finish its part within ${JOIN_TIMEOUT_MS + TAKEN_TIMEOUT_MS} ms`);
    // Its outcome is unknown; counting the part as sent avoids sending a datagram twice.
    return { sent: Atomics.load(c, C_COUNT), errno: 0 };
  }

  /** Stops every worker (its loop ends, and it is terminated). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.ready.length = 0;
    for (const w of this.#all) stopWorker(w);
  }

  #waitDone(c: Int32Array<SharedArrayBuffer>, timeoutMs: number): boolean {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const s = Atomics.load(c, C_STATE);
      if (s === S_DONE) return true;
      const left = deadline - performance.now();
      if (left <= 0) return false;
      Atomics.wait(c, C_STATE, s, left);
    }
  }

  #result(w: SendWorker): PartResult {
    w.cancelled = 0;
    const c = w.ctrl;
    const r = { sent: Atomics.load(c, C_SENT), errno: Atomics.load(c, C_ERRNO) };
    Atomics.store(c, C_STATE, S_IDLE);
    return r;
  }

  /** Stops using threads: one line for the log, every worker stopped. */
  #fail(reason: string): void {
    if (this.#failed || this.#closed) return;
    this.#failed = true;
    this.ready.length = 0;
    for (const w of this.#all) stopWorker(w);
    this.#onFallback?.(`${reason}; sending on one thread`);
  }
}

function stopWorker(w: SendWorker): void {
  Atomics.store(w.ctrl, C_STOP, 1);
  Atomics.add(w.ctrl, C_SEQ, 1);
  Atomics.notify(w.ctrl, C_SEQ);
  w.worker.terminate();
}

/** Why no worker can be started here, or undefined when one can be tried. */
function workerUnavailableReason(): string | undefined {
  if (typeof Worker !== "function" || typeof SharedArrayBuffer !== "function") {
    return "Workers or SharedArrayBuffer are unavailable";
  }
  for (const url of SEND_WORKER_MODULES) {
    if (url.protocol !== "file:") continue;
    const path = decodeURIComponent(url.pathname);
    try {
      if (Deno.permissions.querySync({ name: "read", path }).state !== "granted") {
        return `no read access to the send worker's module ${path}`;
      }
    } catch {
      return `the read permission of ${path} cannot be queried`;
    }
  }
  return undefined;
}
