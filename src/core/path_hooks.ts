import type { PathConf } from "../config/mod.ts";
import type { Logger } from "../log/mod.ts";
import type { Hook, HookRunner } from "../hooks/mod.ts";
import { pathHookEnv, queryEscape } from "../hooks/mod.ts";

/** Who publishes or reads, as MediaMTX's hooks name it (`rtspSession` + UUID, `rtspSource` + ""). */
export interface HookEntity {
  type: string;
  id: string;
  /** Raw query of the request (without `?`). */
  query: string;
}

/**
 * The hooks of one path: runOnDemand (+runOnUnDemand), runOnAvailable/runOnOnline (+un/offline)
 * and runOnRead (+runOnUnread). The path decides when; this class builds the environment,
 * starts and stops the commands.
 */
export class PathHooks {
  readonly #conf: PathConf;
  readonly #runner: HookRunner | undefined;
  readonly #log: Logger;
  readonly #base: Record<string, string>;
  #demand: { hook: Hook; env: Record<string, string> } | undefined;
  #available: { hooks: (Hook | undefined)[]; env: Record<string, string> } | undefined;

  constructor(
    name: string,
    conf: PathConf,
    matches: readonly string[],
    runner: HookRunner | undefined,
    log: Logger,
  ) {
    this.#conf = conf;
    this.#runner = runner;
    this.#log = log;
    this.#base = pathHookEnv(name, matches, runner?.rtspPort ?? 0);
  }

  /** Whether readers can make a publisher appear (runOnDemand on a publisher path). */
  get demandConfigured(): boolean {
    return this.#runner !== undefined && this.#conf.runOnDemand !== "" && this.#conf.source === "publisher";
  }

  /** Whether the runOnDemand command is running. */
  get demandRunning(): boolean {
    return this.#demand !== undefined;
  }

  /**
   * Starts runOnDemand for the first reader (idempotent: later readers share it). `onEnded` is
   * called if the command ends by itself for good (it exited and is not restarted).
   */
  startDemand(query: string, onEnded: () => void): void {
    if (this.#demand !== undefined || !this.demandConfigured) return;
    const env = { ...this.#base, MTX_QUERY: queryEscape(query) };
    const hook = this.#runner!.start(
      "runOnDemand",
      this.#conf.runOnDemand,
      env,
      this.#conf.runOnDemandRestart,
      this.#log,
    );
    if (hook === undefined) return;
    const demand = { hook, env };
    this.#demand = demand;
    hook.done.then(() => {
      if (this.#demand !== demand) return; // stopped by stopDemand()
      this.#demand = undefined;
      onEnded();
    });
  }

  /** Stops runOnDemand (`reason` is logged) and launches runOnUnDemand. */
  async stopDemand(reason: string): Promise<void> {
    const demand = this.#demand;
    if (demand === undefined) return;
    this.#demand = undefined;
    this.#log.info(`runOnDemand command stopped: ${reason}`);
    await demand.hook.stop();
    this.#runner?.launch("runOnUnDemand", this.#conf.runOnUnDemand, demand.env, this.#log);
  }

  /** The stream became available: starts runOnAvailable and runOnOnline. */
  streamAvailable(source: HookEntity | undefined): void {
    if (this.#runner === undefined || this.#available !== undefined) return;
    const env = { ...this.#base, ...entityEnv("SOURCE", source) };
    const c = this.#conf;
    this.#available = {
      env,
      hooks: [
        this.#runner.start("runOnAvailable", c.runOnAvailable, env, c.runOnAvailableRestart, this.#log),
        this.#runner.start("runOnOnline", c.runOnOnline, env, c.runOnOnlineRestart, this.#log),
      ],
    };
  }

  /** The stream ended: stops runOnAvailable/runOnOnline, launches runOnUnavailable/runOnOffline. */
  streamUnavailable(): void {
    const available = this.#available;
    if (available === undefined || this.#runner === undefined) return;
    this.#available = undefined;
    for (const h of available.hooks) h?.stop();
    this.#runner.launch("runOnUnavailable", this.#conf.runOnUnavailable, available.env, this.#log);
    this.#runner.launch("runOnOffline", this.#conf.runOnOffline, available.env, this.#log);
  }

  /** A reader started reading: runs runOnRead; the returned function stops it and launches runOnUnread. */
  readerStarted(reader: HookEntity): () => void {
    const runner = this.#runner;
    if (runner === undefined || (this.#conf.runOnRead === "" && this.#conf.runOnUnread === "")) {
      return () => {};
    }
    const env = { ...this.#base, ...entityEnv("READER", reader) };
    const hook = runner.start("runOnRead", this.#conf.runOnRead, env, this.#conf.runOnReadRestart, this.#log);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      hook?.stop();
      runner.launch("runOnUnread", this.#conf.runOnUnread, env, this.#log);
    };
  }
}

/** MTX_<ROLE>_TYPE, MTX_<ROLE>_ID and MTX_QUERY of a source or reader. */
function entityEnv(role: "SOURCE" | "READER", e: HookEntity | undefined): Record<string, string> {
  if (e === undefined) return {};
  return { [`MTX_${role}_TYPE`]: e.type, [`MTX_${role}_ID`]: e.id, MTX_QUERY: queryEscape(e.query) };
}
