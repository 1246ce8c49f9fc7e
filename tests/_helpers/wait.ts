/** Deadline-based polling: the only way tests wait for something to happen. */

/** Options of `waitFor`. */
export interface WaitOptions {
  /** Give up after this many milliseconds. */
  timeoutMs: number;
  /** Pause between two checks; 50 ms by default. */
  intervalMs?: number;
  /** What was awaited; the timeout error starts with it. */
  message: string;
}

/**
 * Calls `predicate` until it returns true, throwing `Error(message)` once `timeoutMs` has passed.
 * An exception thrown by the predicate ends the wait at once and propagates.
 */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  opts: WaitOptions,
): Promise<void> {
  const interval = opts.intervalMs ?? 50;
  const deadline = Date.now() + opts.timeoutMs;
  while (true) {
    if (await predicate()) return;
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`${opts.message} (timed out after ${opts.timeoutMs} ms)`);
    await delay(Math.min(interval, left));
  }
}

/** Resolves after `ms`; for pacing polls and deadlines, never as synchronisation. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves with `promise`'s value, or rejects with `Error(message)` after `timeoutMs`. */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} (timed out after ${timeoutMs} ms)`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
