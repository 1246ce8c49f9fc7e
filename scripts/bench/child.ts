/**
 * Child processes of the benchmark (server, load, floor): output collected line by line, waits
 * for a line matching a pattern, and a stop that ends the process by its pid (SIGTERM, then
 * SIGKILL) so nothing outlives a run.
 *
 * @module
 */

/** A spawned process whose stdout/stderr lines are kept (the last `keep` of them). */
export class Child {
  readonly pid: number;
  readonly lines: string[] = [];
  /** Index of the first kept line in the whole output (older lines are dropped). */
  dropped = 0;
  readonly #proc: Deno.ChildProcess;
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array> | undefined;
  readonly #waiters = new Set<() => void>();
  readonly #pumps: Promise<void>[];
  readonly #keep: number;
  readonly #onLine: ((line: string) => void) | undefined;
  status: Deno.CommandStatus | undefined;

  constructor(
    cmd: string,
    args: string[],
    opts: { cwd?: string; stdin?: boolean; keep?: number; onLine?: (line: string) => void } = {},
  ) {
    this.#proc = new Deno.Command(cmd, {
      args,
      cwd: opts.cwd,
      stdin: opts.stdin ? "piped" : "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.pid = this.#proc.pid;
    this.#keep = opts.keep ?? 20000;
    this.#onLine = opts.onLine;
    this.#stdin = opts.stdin ? this.#proc.stdin.getWriter() : undefined;
    this.#pumps = [this.#pump(this.#proc.stdout), this.#pump(this.#proc.stderr)];
    this.#proc.status.then((s) => {
      this.status = s;
      this.#wake();
    });
  }

  /** Writes one line to the child's stdin. */
  async send(line: string): Promise<void> {
    await this.#stdin?.write(new TextEncoder().encode(line + "\n"));
  }

  /** Resolves with the first line (from absolute index `since`) matching `re`; rejects on exit or timeout. */
  async waitFor(re: RegExp, timeoutMs: number, since = 0): Promise<string> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const start = Math.max(0, since - this.dropped);
      for (let i = start; i < this.lines.length; i++) if (re.test(this.lines[i])) return this.lines[i];
      if (this.status !== undefined) {
        throw new Error(`process ${this.pid} exited (${this.status.code}) before ${re}:\n${this.tail(30)}`);
      }
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`timed out waiting for ${re}:\n${this.tail(30)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.#waiters.add(() => done());
      });
    }
  }

  /** Absolute index of the next line. */
  get lineCount(): number {
    return this.dropped + this.lines.length;
  }

  /** The last `n` lines. */
  tail(n: number): string {
    return this.lines.slice(-n).join("\n");
  }

  /** Ends the process (SIGTERM, SIGKILL after `graceMs`) and waits for its output to end. */
  async stop(graceMs = 5000): Promise<void> {
    try {
      await this.#stdin?.close();
    } catch {
      // already closed
    }
    if (this.status === undefined) {
      try {
        this.#proc.kill("SIGTERM");
      } catch {
        // already exited
      }
      const timer = setTimeout(() => {
        try {
          this.#proc.kill("SIGKILL");
        } catch {
          // already exited
        }
      }, graceMs);
      await this.#proc.status;
      clearTimeout(timer);
    }
    await Promise.all(this.#pumps);
  }

  /** Waits for the process to exit by itself (e.g. after `quit`), killing it after `timeoutMs`. */
  async exited(timeoutMs: number): Promise<Deno.CommandStatus> {
    const timer = setTimeout(() => this.stop(), timeoutMs);
    const s = await this.#proc.status;
    clearTimeout(timer);
    await Promise.all(this.#pumps);
    return s;
  }

  #wake(): void {
    const ws = [...this.#waiters];
    this.#waiters.clear();
    for (const w of ws) w();
  }

  async #pump(stream: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let pending = "";
    const push = (line: string) => {
      this.lines.push(line);
      this.#onLine?.(line);
      if (this.lines.length > this.#keep) {
        const cut = this.lines.length - this.#keep;
        this.lines.splice(0, cut);
        this.dropped += cut;
      }
    };
    for await (const chunk of stream) {
      pending += decoder.decode(chunk, { stream: true });
      const parts = pending.split("\n");
      pending = parts.pop()!;
      for (const p of parts) push(p);
      this.#wake();
    }
    if (pending !== "") push(pending);
    this.#wake();
  }
}
