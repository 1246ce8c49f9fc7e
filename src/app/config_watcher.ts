import { basename, dirname, resolve } from "node:path";
import type { Logger } from "../log/mod.ts";

/** Options of ConfigWatcher. */
export interface ConfigWatcherOptions {
  /** The configuration file. */
  file: string;
  /** Called once per burst of changes. */
  onChange: () => void;
  log: Logger;
  /** Quiet time after the last event before `onChange` (the writer may not be done); 100 ms. */
  settleMs?: number;
  /** At least this long between two calls (MediaMTX: 1 s); later events wait, none is lost. */
  minIntervalMs?: number;
}

/**
 * Watches the configuration file the way MediaMTX does: through its folder, so that an editor
 * replacing the file (write to a temporary file, rename) and a Kubernetes ConfigMap swapping the
 * symlink the file points through (`..data`) are both seen. Events are debounced: a burst of them
 * gives one call, at most one per `minIntervalMs`, after `settleMs` without events.
 */
export class ConfigWatcher implements Disposable {
  readonly #opts: ConfigWatcherOptions;
  readonly #file: string;
  #watcher: Deno.FsWatcher | undefined;
  #target: string | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastCall = -Infinity;
  #loop: Promise<void> | undefined;

  constructor(opts: ConfigWatcherOptions) {
    this.#opts = opts;
    this.#file = resolve(opts.file);
  }

  /** Starts watching; false (and a warning) when the folder cannot be watched. */
  start(): boolean {
    const folder = dirname(this.#file);
    try {
      this.#watcher = Deno.watchFs(folder, { recursive: false });
    } catch (e) {
      this.#opts.log.warn(
        `cannot watch ${folder} for configuration changes (${(e as Error).message}); send SIGHUP to reload`,
      );
      return false;
    }
    this.#target = this.#realPath();
    this.#loop = this.#run(this.#watcher);
    return true;
  }

  async #run(watcher: Deno.FsWatcher): Promise<void> {
    const name = basename(this.#file);
    try {
      for await (const event of watcher) {
        if (event.kind === "access") continue;
        const named = event.paths.some((p) => basename(p) === name);
        // A symlink swap touches another entry of the folder (`..data`) but moves the file's target.
        const target = this.#realPath();
        const moved = target !== this.#target;
        this.#target = target;
        if (named || moved) this.#schedule();
      }
    } catch (e) {
      this.#opts.log.warn(`configuration watcher stopped: ${(e as Error).message}`);
    }
  }

  #realPath(): string | undefined {
    try {
      return Deno.realPathSync(this.#file);
    } catch {
      return undefined;
    }
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    const settle = this.#opts.settleMs ?? 100;
    const interval = this.#opts.minIntervalMs ?? 1000;
    const now = performance.now();
    const at = Math.max(now + settle, this.#lastCall + interval);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#lastCall = performance.now();
      this.#opts.onChange();
    }, at - now);
  }

  /** Stops watching; a pending call is dropped. */
  async close(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    try {
      this.#watcher?.close();
    } catch {
      // already closed
    }
    await this.#loop;
  }

  [Symbol.dispose](): void {
    void this.close();
  }
}
