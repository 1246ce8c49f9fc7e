import { loadConfig } from "../config/mod.ts";
import type { Logger } from "../log/mod.ts";
import type { App, ReloadReason } from "./app.ts";
import { ConfigWatcher } from "./config_watcher.ts";

/** Options of ConfigReloader. */
export interface ConfigReloaderOptions {
  app: App;
  /** The loaded configuration file; undefined when the built-in defaults run. */
  file: string | undefined;
  log: Logger;
  /** Environment of each load (MTX_* overrides are applied again); `Deno.env.toObject()` by default. */
  env?: () => Record<string, string>;
  /** Debounce of the file watcher (tests shorten it). */
  watch?: { settleMs?: number; minIntervalMs?: number };
}

/**
 * Reloads the configuration file on request (file change, SIGHUP) and applies it live. An invalid
 * file keeps the running configuration and logs why (key, file, line): MediaMTX exits instead.
 */
export class ConfigReloader implements AsyncDisposable {
  readonly #opts: ConfigReloaderOptions;
  #queue: Promise<unknown> = Promise.resolve();
  #watcher: ConfigWatcher | undefined;

  constructor(opts: ConfigReloaderOptions) {
    this.#opts = opts;
  }

  /** Loads the file again and applies it; resolves with whether it was applied. One load at a time. */
  reload(reason: ReloadReason): Promise<boolean> {
    const run = this.#queue.then(() => this.#reload(reason));
    this.#queue = run.catch(() => {});
    return run;
  }

  async #reload(reason: ReloadReason): Promise<boolean> {
    const { app, file, log } = this.#opts;
    log.info(`reloading configuration (${reason})`);
    let loaded;
    try {
      loaded = await loadConfig({
        file,
        searchPaths: file === undefined ? [] : undefined,
        env: (this.#opts.env ?? (() => Deno.env.toObject()))(),
      });
    } catch (e) {
      log.error(`${(e as Error).message}; keeping the running configuration`);
      return false;
    }
    for (const w of loaded.warnings) log.warn(w);
    try {
      await app.applyConfigQuietly(loaded.config);
    } catch (e) {
      log.error(`reload failed: ${(e as Error).message}`);
      return false;
    }
    return true;
  }

  /** Reloads whenever the file changes (nothing to watch without a file); false when it cannot watch. */
  watch(): boolean {
    const file = this.#opts.file;
    if (file === undefined || this.#watcher !== undefined) return false;
    const watcher = new ConfigWatcher({
      file,
      log: this.#opts.log,
      onChange: () => void this.reload("file changed"),
      ...this.#opts.watch,
    });
    if (!watcher.start()) return false;
    this.#watcher = watcher;
    return true;
  }

  /** Stops watching and waits for a reload in progress. */
  async close(): Promise<void> {
    await this.#watcher?.close();
    this.#watcher = undefined;
    await this.#queue;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
