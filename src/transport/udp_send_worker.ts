/**
 * The second thread of the UDP fan-out (a Deno Worker, started by udp_send_threads.ts): sends a
 * part of a batch the main thread built. It gets the batch's message array (a SharedArrayBuffer:
 * same memory, same address on both threads) and the socket's descriptor (process-wide), opens
 * libc itself, then loops on `Atomics.wait` over its control words: for each job it calls
 * sendmmsg on messages `first … first+count-1` and reports how many left and the errno where it
 * stopped. The main thread interprets the result (retries, fallbacks, error reports), so this
 * loop stays a plain system-call pump.
 *
 * @module
 */
import { EINTR, errno, MSG_DONTWAIT, openLibc } from "./ffi_libc.ts";
import {
  C_CALLS,
  C_COUNT,
  C_ERRNO,
  C_FIRST,
  C_READY,
  C_SENT,
  C_SEQ,
  C_STATE,
  C_STOP,
  MMSGHDR,
  S_DONE,
  S_POSTED,
  S_TAKEN,
  type WorkerInit,
} from "./udp_send_protocol.ts";

interface WorkerScope {
  onmessage: ((e: MessageEvent<WorkerInit>) => void) | null;
  postMessage(message: unknown): void;
  close(): void;
}
const scope = globalThis as unknown as WorkerScope;

scope.onmessage = (e) => {
  scope.onmessage = null;
  const { ctrl: ctrlBuffer, msgs: msgsBuffer, fd } = e.data;
  const ctrl = new Int32Array(ctrlBuffer);
  const lib = openLibc();
  if (lib === undefined) {
    scope.postMessage({ error: "FFI is unavailable in the worker" });
    scope.close();
    return;
  }
  const msgs = new Uint8Array(msgsBuffer) as unknown as Uint8Array<ArrayBuffer>;
  Atomics.store(ctrl, C_READY, 1);
  Atomics.notify(ctrl, C_READY);
  scope.postMessage({ ready: true });
  let seq = Atomics.load(ctrl, C_SEQ);
  // The worker's only job: block until the next job or the stop word, never returning to its event loop.
  while (Atomics.load(ctrl, C_STOP) === 0) {
    Atomics.wait(ctrl, C_SEQ, seq);
    seq = Atomics.load(ctrl, C_SEQ);
    if (Atomics.load(ctrl, C_STOP) !== 0) break;
    // The main thread may have cancelled a job it stopped waiting for: then it sends it itself.
    if (Atomics.compareExchange(ctrl, C_STATE, S_POSTED, S_TAKEN) !== S_POSTED) continue;
    const first = ctrl[C_FIRST];
    const count = ctrl[C_COUNT];
    let off = 0;
    let code = 0;
    let calls = 0;
    while (off < count) {
      const sent = lib.sendmmsg(fd, msgs.subarray((first + off) * MMSGHDR), count - off, MSG_DONTWAIT);
      calls++;
      if (sent > 0) {
        off += sent;
        continue;
      }
      code = errno(lib);
      if (code !== EINTR) break;
    }
    ctrl[C_SENT] = off;
    ctrl[C_ERRNO] = off < count ? code : 0;
    ctrl[C_CALLS] += calls;
    Atomics.store(ctrl, C_STATE, S_DONE);
    Atomics.notify(ctrl, C_STATE);
  }
  scope.close();
};
