import type { Logger } from "../log/mod.ts";
import { HOOK_STOP_GRACE_MS, HookProcess } from "./hook_process.ts";
import type { HookOptions } from "./hook_process.ts";

/** A running hook its owner can stop (SIGINT to its group) and whose end it can await. */
export interface Hook {
  stop(): Promise<void>;
  readonly done: Promise<void>;
}

/** Options common to every hook of a runner. */
export interface HookRunnerOptions {
  /** Port of rtspAddress, given to every hook as RTSP_PORT. */
  rtspPort: number;
  restartPauseMs?: number;
  stopGraceMs?: number;
}

/**
 * Starts hook commands and keeps track of them, so that shutdown stops the running ones and
 * waits (with a deadline) for the one-shot ones (`runOnUnDemand`, `runOnDisconnect`, …).
 */
export class HookRunner {
  readonly #opts: HookRunnerOptions;
  readonly #live = new Set<HookProcess>();
  /** One-shot commands: shutdown lets them finish (up to the stop grace period). */
  readonly #oneShots = new Set<HookProcess>();
  #closing = false;

  constructor(opts: HookRunnerOptions) {
    this.#opts = { ...opts };
  }

  /** RTSP_PORT of every hook. */
  get rtspPort(): number {
    return this.#opts.rtspPort;
  }

  /** A reload moved rtspAddress: hooks started from now on get the new RTSP_PORT. */
  set rtspPort(port: number) {
    this.#opts.rtspPort = port;
  }

  /**
   * Starts `command` (stopped by its owner); undefined when the command is empty or the server is
   * shutting down.
   */
  start(
    name: string,
    command: string,
    env: Record<string, string>,
    restart: boolean,
    log: Logger,
  ): Hook | undefined {
    if (command === "" || this.#closing) return undefined;
    const hook = new HookProcess(this.#options({ name, command, env, restart, log }));
    this.#live.add(hook);
    hook.done.finally(() => this.#live.delete(hook));
    return hook;
  }

  /** Launches a one-shot command, never restarted or stopped (`runOnUnX`, `runOnDisconnect`). */
  launch(name: string, command: string, env: Record<string, string>, log: Logger): void {
    if (command === "" || this.#closing) return;
    log.info(`${name} command launched`);
    const hook = new HookProcess(this.#options({ name, command, env, restart: false, log }));
    this.#oneShots.add(hook);
    hook.done.finally(() => this.#oneShots.delete(hook));
  }

  #options(o: HookOptions): HookOptions {
    return { ...o, restartPauseMs: this.#opts.restartPauseMs, stopGraceMs: this.#opts.stopGraceMs };
  }

  /**
   * Shutdown: stops every running hook (SIGINT, then SIGKILL after the grace period) and gives
   * one-shot commands the grace period to finish before stopping them too.
   */
  async close(log: Logger): Promise<void> {
    this.#closing = true;
    if (this.#live.size === 0 && this.#oneShots.size === 0) return;
    log.info("waiting for running hooks");
    const grace = this.#opts.stopGraceMs ?? HOOK_STOP_GRACE_MS;
    await Promise.all([
      ...[...this.#live].map((h) => h.stop()),
      ...[...this.#oneShots].map(async (h) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([h.done, new Promise((resolve) => (timer = setTimeout(resolve, grace)))]);
        clearTimeout(timer);
        await h.stop();
      }),
    ]);
  }
}

/** The variables every path hook gets: MTX_PATH, RTSP_PATH (deprecated copy), RTSP_PORT, G1…. */
export function pathHookEnv(
  path: string,
  matches: readonly string[],
  rtspPort: number,
): Record<string, string> {
  const env: Record<string, string> = {
    MTX_PATH: path,
    RTSP_PATH: path,
    RTSP_PORT: String(rtspPort),
  };
  // matches[0] is the whole name; capture groups follow.
  for (let i = 1; i < matches.length; i++) env[`G${i}`] = matches[i] ?? "";
  return env;
}
