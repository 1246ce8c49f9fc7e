/**
 * Child processes for tests: each runs in its own process group (`detached`, i.e. setsid) so that
 * stopping it also ends anything it started, its output is collected line by line, and disposing it
 * always waits for the exit and for both pipes to close, so no test leaks a process or a resource.
 */

import { waitFor, withTimeout } from "./wait.ts";

/** Options of `spawnProcess`. */
export interface SpawnOptions {
  /** Arguments after the command. */
  args: string[];
  /** Extra environment variables (the test's environment is inherited). */
  env?: Record<string, string>;
  /** Working directory; the test's own by default. */
  cwd?: string;
  /** Called for every output line, stdout and stderr alike, as it arrives. */
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
}

/** Options of `ManagedProcess.stop`. */
export interface StopOptions {
  /** First signal, sent to the process itself (not its group); SIGTERM by default. */
  signal?: Deno.Signal;
  /** How long to wait for a graceful exit before SIGKILL to the whole group; 5000 ms by default. */
  graceMs?: number;
}

const live = new Set<ManagedProcess>();
let unloadHooked = false;

/** A spawned child process with collected output; `await using` stops it. */
export class ManagedProcess implements AsyncDisposable {
  /** Process id, also the process-group id. */
  readonly pid: number;
  /** The command line, for messages. */
  readonly commandLine: string;
  /** Every output line in arrival order (stdout and stderr interleaved). */
  readonly lines: string[] = [];
  /** Lines of stdout only. */
  readonly stdoutLines: string[] = [];
  /** Lines of stderr only. */
  readonly stderrLines: string[] = [];
  /** Resolves when the process has exited. */
  readonly status: Promise<Deno.CommandStatus>;
  readonly #child: Deno.ChildProcess;
  readonly #pumps: Promise<void>;
  readonly #readers: ReadableStreamDefaultReader<Uint8Array>[] = [];
  #exit: Deno.CommandStatus | undefined;

  constructor(command: string, opts: SpawnOptions) {
    this.commandLine = [command, ...opts.args].join(" ");
    this.#child = new Deno.Command(command, {
      args: opts.args,
      cwd: opts.cwd,
      env: { NO_COLOR: "1", ...opts.env },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      detached: true,
    }).spawn();
    this.pid = this.#child.pid;
    this.status = this.#child.status.then((s) => {
      this.#exit = s;
      live.delete(this);
      return s;
    });
    this.#pumps = Promise.all([
      this.#pump(this.#child.stdout, "stdout", this.stdoutLines, opts.onLine),
      this.#pump(this.#child.stderr, "stderr", this.stderrLines, opts.onLine),
    ]).then(() => {});
    live.add(this);
    hookUnload();
  }

  /** Exit status once the process has exited, else undefined. */
  get exitStatus(): Deno.CommandStatus | undefined {
    return this.#exit;
  }

  /** All output so far as one string. */
  output(): string {
    return this.lines.join("\n");
  }

  /**
   * Waits for an output line matching `re` among the lines from index `since` on and returns its match.
   * Fails on timeout, when the process exits first, or when `check` throws (e.g. a peer exited).
   */
  async waitForLine(
    re: RegExp,
    opts: { timeoutMs: number; since?: number; check?: () => void },
  ): Promise<RegExpExecArray> {
    let match: RegExpExecArray | undefined;
    let next = opts.since ?? 0;
    const scan = () => {
      for (; next < this.lines.length; next++) {
        const m = re.exec(this.lines[next]);
        if (m) {
          match = m;
          return true;
        }
      }
      return false;
    };
    await waitFor(async () => {
      if (scan()) return true;
      if (this.#exit) {
        // The exit status can come before the last output: read the pipes to their end first.
        await withTimeout(this.#pumps, 1000, "output pipes closing").catch(() => {});
        if (scan()) return true;
        throw new Error(`${this.commandLine} exited (code ${this.#exit.code}) before printing ${re}`);
      }
      opts.check?.();
      return false;
    }, { timeoutMs: opts.timeoutMs, message: `no output line matching ${re}` });
    return match!;
  }

  /** Sends `signal` to the process only; a process that already exited is ignored. */
  signal(signal: Deno.Signal): void {
    if (this.#exit) return;
    try {
      Deno.kill(this.pid, signal);
    } catch {
      // Exited between the check and the kill.
    }
  }

  /** Sends `signal` to the whole process group (the process and everything it started). */
  signalGroup(signal: Deno.Signal): void {
    try {
      Deno.kill(-this.pid, signal);
    } catch {
      // The group is already empty.
    }
  }

  /**
   * Stops the process: `signal` to the process, then SIGKILL to its group after `graceMs`.
   * Always waits for the exit and for both pipes to close. Safe to call more than once.
   */
  async stop(opts: StopOptions = {}): Promise<Deno.CommandStatus> {
    if (!this.#exit) {
      this.signal(opts.signal ?? "SIGTERM");
      try {
        await withTimeout(this.status, opts.graceMs ?? 5000, "graceful exit");
      } catch {
        this.signalGroup("SIGKILL");
      }
    }
    const status = await this.status;
    // Anything left in the group (e.g. the child of a `timeout` wrapper that was killed) goes too.
    this.signalGroup("SIGKILL");
    try {
      await withTimeout(this.#pumps, 5000, "output pipes closing");
    } catch {
      // A process outside the group still holds a pipe: stop reading rather than hang.
      await Promise.allSettled(this.#readers.map((r) => r.cancel()));
      await this.#pumps;
    }
    return status;
  }

  /** Waits for the process to exit by itself, then closes it; SIGKILL to the group after `timeoutMs`. */
  async wait(timeoutMs: number): Promise<Deno.CommandStatus> {
    try {
      await withTimeout(this.status, timeoutMs, "process exit");
    } catch {
      this.signalGroup("SIGKILL");
    }
    return await this.stop();
  }

  /** Same as `stop()` with SIGTERM. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  async #pump(
    stream: ReadableStream<Uint8Array>,
    name: "stdout" | "stderr",
    own: string[],
    onLine: SpawnOptions["onLine"],
  ): Promise<void> {
    const reader = stream.getReader();
    const decoder = new TextDecoder();
    this.#readers.push(reader);
    let rest = "";
    const emit = (line: string) => {
      this.lines.push(line);
      own.push(line);
      onLine?.(line, name);
    };
    try {
      while (true) {
        const { value, done } = await reader.read();
        if (done) break;
        const parts = (rest + decoder.decode(value, { stream: true })).split(/\r\n|\n|\r/);
        rest = parts.pop() ?? "";
        for (const line of parts) emit(line);
      }
    } catch {
      // Cancelled by stop(): the remaining output is lost on purpose.
    } finally {
      if (rest !== "") emit(rest);
      reader.releaseLock();
    }
  }
}

/** Spawns `command` in a new process group with piped, collected output. */
export function spawnProcess(command: string, opts: SpawnOptions): ManagedProcess {
  return new ManagedProcess(command, opts);
}

/** Last resort when a test process ends without disposing: no child outlives it. */
function hookUnload(): void {
  if (unloadHooked) return;
  unloadHooked = true;
  globalThis.addEventListener("unload", () => {
    for (const p of live) p.signalGroup("SIGKILL");
  });
}
