/**
 * The control words shared by the UDP fan-out's main thread and its send workers
 * (udp_send_threads.ts, udp_send_worker.ts): one Int32Array on a SharedArrayBuffer per worker.
 *
 * A job: the main thread writes `C_FIRST`/`C_COUNT`, sets `C_STATE` to `S_POSTED`, increments
 * `C_SEQ` and notifies it. The worker takes the job (`S_POSTED` -> `S_TAKEN`, compare-exchange, so
 * a job the main thread cancelled after its deadline is never sent twice), sends, writes `C_SENT`
 * and `C_ERRNO`, sets `S_DONE` and notifies `C_STATE`.
 *
 * @module
 */

/** Incremented per job (and at stop): the word the worker waits on. */
export const C_SEQ = 0;
/** The job's state: S_IDLE, S_POSTED, S_TAKEN, S_DONE or S_CANCELLED. */
export const C_STATE = 1;
/** Index of the job's first message in the shared message array. */
export const C_FIRST = 2;
/** Messages of the job. */
export const C_COUNT = 3;
/** Messages the kernel took, from C_FIRST on. */
export const C_SENT = 4;
/** errno where the worker stopped (0 when it sent everything). */
export const C_ERRNO = 5;
/** 1 once the worker has opened libc and waits for jobs. */
export const C_READY = 6;
/** 1: the worker leaves its loop. */
export const C_STOP = 7;
/** sendmmsg calls the worker made so far. */
export const C_CALLS = 8;
/** Words per worker. */
export const CONTROL_WORDS = 16;

export const S_IDLE = 0;
export const S_POSTED = 1;
export const S_TAKEN = 2;
export const S_DONE = 3;
export const S_CANCELLED = 4;

/** struct mmsghdr on LP64: msghdr (56) + msg_len (4) + padding. */
export const MMSGHDR = 64;

/** The first (and only) message a worker receives. */
export interface WorkerInit {
  ctrl: SharedArrayBuffer;
  msgs: SharedArrayBuffer;
  fd: number;
}
