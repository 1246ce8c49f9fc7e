import type { Logger } from "../log/mod.ts";
import { hookArgv } from "./command_line.ts";

/** How long a restartable hook waits before running again (MediaMTX: 5 s). */
const HOOK_RESTART_PAUSE_MS = 5_000;
/** How long a stopped hook's process group has to exit after SIGINT before SIGKILL. */
export const HOOK_STOP_GRACE_MS = 5_000;

/** Options of one hook command. */
export interface HookOptions {
  /** The key, for logs: `runOnDemand`. */
  name: string;
  /** The command line as configured. */
  command: string;
  /** The hook's variables (MTX_PATH, …), added to the server's environment. */
  env: Record<string, string>;
  /** Run again HOOK_RESTART_PAUSE_MS after the process exits by itself. */
  restart: boolean;
  /** Logger with the owner's prefix (`[path cam]`, `[conn …]`). */
  log: Logger;
  restartPauseMs?: number;
  stopGraceMs?: number;
}

/**
 * One running hook command (MediaMTX's process rules): argv from the command line, no shell,
 * its own process group (setsid), stdin closed, stdout and stderr copied to the server's log.
 * `stop()` sends SIGINT to the whole group and SIGKILL after a grace period.
 */
export class HookProcess {
  readonly #opts: HookOptions;
  #child: Deno.ChildProcess | undefined;
  #stopped = false;
  #wake: (() => void) | undefined;
  /** Resolves when the hook has ended for good (exited without restart, or stopped). */
  readonly done: Promise<void>;

  constructor(opts: HookOptions) {
    this.#opts = opts;
    this.done = this.#run().catch((e) =>
      opts.log.error(`${opts.name} command failed: ${(e as Error).message}`)
    );
  }

  /** Whether the hook is still running or waiting to restart. */
  get running(): boolean {
    return !this.#stopped;
  }

  /** Process id (= process-group id) of the current child, if one runs. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  async #run(): Promise<void> {
    const { name, log } = this.#opts;
    while (!this.#stopped) {
      const code = await this.#once();
      if (this.#stopped) break;
      if (!this.#opts.restart) {
        this.#stopped = true;
        if (code !== undefined && code !== 0) log.info(`${name} command exited with code ${code}`);
        break;
      }
      log.info(`${name} command exited with code ${code ?? "unknown"}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#opts.restartPauseMs ?? HOOK_RESTART_PAUSE_MS);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }

  /** Runs the command once; the exit code, or undefined when it could not start. */
  async #once(): Promise<number | undefined> {
    const { name, log, env } = this.#opts;
    let argv: string[];
    try {
      argv = hookArgv(this.#opts.command, (k) => env[k] ?? Deno.env.get(k));
      if (argv.length === 0) throw new SyntaxError("empty command");
    } catch (e) {
      log.error(`${name} command cannot run: ${(e as Error).message}`);
      return undefined;
    }
    try {
      this.#child = new Deno.Command(argv[0], {
        args: argv.slice(1),
        env,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        detached: true, // setsid: its own process group, stopped as a whole
      }).spawn();
    } catch (e) {
      log.error(`${name} command exited: ${(e as Error).message}`);
      return undefined;
    }
    log.info(`${name} command started`);
    const child = this.#child;
    const out = log.with(`[${name}]`);
    const pumps = Promise.all([copyLines(child.stdout, out), copyLines(child.stderr, out)]);
    const status = await child.status;
    await pumps;
    this.#child = undefined;
    return status.code;
  }

  /** Stops the hook: no restart, SIGINT to the group, SIGKILL after the grace period. */
  async stop(): Promise<void> {
    if (this.#stopped && this.#child === undefined) {
      await this.done;
      return;
    }
    this.#stopped = true;
    this.#wake?.();
    const child = this.#child;
    if (child !== undefined) {
      signalGroup(child.pid, "SIGINT");
      const grace = this.#opts.stopGraceMs ?? HOOK_STOP_GRACE_MS;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const exited = await Promise.race([
        child.status.then(() => true),
        new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), grace))),
      ]);
      clearTimeout(timer);
      if (!exited) this.#opts.log.warn(`${this.#opts.name} command ignored SIGINT; killing it`);
      // Whatever is left in the group (children of a `sh -c`) goes too.
      signalGroup(child.pid, "SIGKILL");
    }
    await this.done;
    this.#opts.log.info(`${this.#opts.name} command stopped`);
  }
}

function signalGroup(pid: number, signal: Deno.Signal): void {
  try {
    Deno.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** Copies a child's output to the log, line by line, until it closes. */
async function copyLines(stream: ReadableStream<Uint8Array>, log: Logger): Promise<void> {
  let rest = "";
  try {
    const decoder = new TextDecoder();
    for await (const bytes of stream) {
      const lines = (rest + decoder.decode(bytes, { stream: true })).split(/\r?\n|\r/);
      rest = lines.pop() ?? "";
      for (const line of lines) if (line.trim() !== "") log.info(line);
      if (rest.length > 4096) {
        log.info(rest);
        rest = "";
      }
    }
  } catch {
    // The pipe broke: the process is gone.
  }
  if (rest.trim() !== "") log.info(rest);
}
