/**
 * Runs our server (`main.ts`) as a real child process with a temporary mediamtx.yml, the way a user
 * would, and exposes its log lines so tests can wait for what it reports.
 */

import { fileURLToPath } from "node:url";
import { allocateServerPorts, type ServerPorts } from "./ports.ts";
import { ManagedProcess, spawnProcess } from "./process.ts";

/** Absolute path of the repository root. */
export const REPO_ROOT: string = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");

/** The log line that says the server is ready to accept connections. */
export const LISTENER_READY = /listener opened on/;

/** Options of `startServerProcess`. */
export interface ServerProcessOptions {
  /** mediamtx.yml content, written to a temporary file passed as the only argument. */
  config: string;
  /**
   * Deno permission flags; `["-A"]` by default. A function receives the temporary config file's
   * path, for flag sets that name it (see scripts/permissions.ts).
   */
  permissions?: string[] | ((configPath: string) => string[]);
  /** Extra environment variables, e.g. `MTX_…` overrides. */
  env?: Record<string, string>;
  /** How long to wait for the listener line; 15000 ms by default. */
  startTimeoutMs?: number;
  /** The ports `config` uses, kept on the returned ServerProcess for `url()`. */
  ports?: ServerPorts;
}

/** A running server process; `await using` stops it and removes its config file. */
export class ServerProcess implements AsyncDisposable {
  readonly #process: ManagedProcess;
  readonly #configPath: string;
  #closed: Promise<void> | undefined;
  /** The listener ports, when the server was started with known ports. */
  readonly ports: ServerPorts | undefined;

  /** Use `startServerProcess`. */
  constructor(process: ManagedProcess, configPath: string, ports?: ServerPorts) {
    this.#process = process;
    this.#configPath = configPath;
    this.ports = ports;
  }

  /** `rtsp://127.0.0.1:<rtsp port>/<path>`. */
  url(path: string): string {
    if (!this.ports) throw new Error("ServerProcess.url() needs the ports (start with startServerWithPorts)");
    return `rtsp://127.0.0.1:${this.ports.rtsp}/${path}`;
  }

  /** Process id of the server. */
  get pid(): number {
    return this.#process.pid;
  }

  /** Every line the server wrote so far, stdout and stderr interleaved. */
  get logs(): string[] {
    return this.#process.lines;
  }

  /** Path of the temporary config file. */
  get configPath(): string {
    return this.#configPath;
  }

  /** Exit status once the server has exited, else undefined. */
  get exitStatus(): Deno.CommandStatus | undefined {
    return this.#process.exitStatus;
  }

  /**
   * Waits for a log line matching `re` among the lines from index `since` on (0: all lines so far),
   * and returns its match. Fails with the recent logs on timeout, when the server exits first, or when
   * `check` throws (e.g. because a client it waits for has exited).
   */
  async waitForMatch(re: RegExp, timeoutMs = 10000, since = 0, check?: () => void): Promise<RegExpExecArray> {
    try {
      return await this.#process.waitForLine(re, { timeoutMs, since, check });
    } catch (e) {
      throw new Error(`waiting for server log ${re}: ${(e as Error).message}\n${this.describeLogs()}`);
    }
  }

  /** Same as `waitForMatch`, returning the whole line. */
  async waitForLog(re: RegExp, timeoutMs = 10000, since = 0): Promise<string> {
    return (await this.waitForMatch(re, timeoutMs, since)).input;
  }

  /** The last `count` log lines, indented, for failure messages. */
  describeLogs(count = 60): string {
    const tail = this.logs.slice(-count);
    return `--- server logs (last ${tail.length} of ${this.logs.length} lines) ---\n` +
      tail.map((l) => `  ${l}`).join("\n");
  }

  /** SIGTERM, SIGKILL after 5 s, waits for the exit and deletes the config file. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      try {
        await this.#process.stop({ signal: "SIGTERM", graceMs: 5000 });
      } finally {
        await Deno.remove(this.#configPath).catch(() => {});
      }
    })();
    return this.#closed;
  }

  /** Same as `close()`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/**
 * Writes `config` to a temporary mediamtx.yml and runs `deno run <permissions> main.ts <file>` from the
 * repository root, resolving once the server logs `listener opened on`. Fails with the collected logs
 * if the process exits first or 15 s pass.
 */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const configPath = await Deno.makeTempFile({ prefix: "mediamtx-test-", suffix: ".yml" });
  let process: ManagedProcess;
  try {
    await Deno.writeTextFile(configPath, options.config);
    const permissions = typeof options.permissions === "function"
      ? options.permissions(configPath)
      : options.permissions ?? ["-A"];
    process = spawnProcess(Deno.execPath(), {
      args: ["run", `--config=${REPO_ROOT}/deno.json`, ...permissions, `${REPO_ROOT}/main.ts`, configPath],
      cwd: REPO_ROOT,
      env: options.env,
    });
  } catch (e) {
    await Deno.remove(configPath).catch(() => {});
    throw e;
  }
  const server = new ServerProcess(process, configPath, options.ports);
  try {
    await server.waitForLog(LISTENER_READY, options.startTimeoutMs ?? 15000);
  } catch (e) {
    await server.close();
    throw new Error(`server did not start: ${(e as Error).message}`, { cause: e });
  }
  return server;
}

/**
 * Builds a mediamtx.yml for tests: loopback listeners on `ports`, UDP and TCP transports, info logs
 * and `paths: { all_others: {} }`. Top-level keys present in `extra` replace these defaults.
 */
export function serverConfig(ports: ServerPorts, extra = ""): string {
  const defaults: [string, string][] = [
    ["logLevel", "info"],
    ["rtspAddress", `127.0.0.1:${ports.rtsp}`],
    ["rtpAddress", `127.0.0.1:${ports.rtp}`],
    ["rtcpAddress", `127.0.0.1:${ports.rtcp}`],
    ["rtspsAddress", `127.0.0.1:${ports.rtsps}`],
    ["srtpAddress", `127.0.0.1:${ports.srtp}`],
    ["srtcpAddress", `127.0.0.1:${ports.srtcp}`],
    // Multicast needs a route for 224.0.0.0/4, which the test host does not have.
    ["rtspTransports", "[udp, tcp]"],
    ["paths", "{ all_others: {} }"],
  ];
  const overridden = new Set([...extra.matchAll(/^([A-Za-z0-9_]+)\s*:/gm)].map((m) => m[1]));
  const lines = defaults.filter(([key]) => !overridden.has(key)).map(([key, value]) => `${key}: ${value}`);
  return lines.join("\n") + "\n" + (extra.trim() === "" ? "" : extra.trim() + "\n");
}

/** Options of `startServerWithPorts`. */
export type StartWithPortsOptions = Omit<ServerProcessOptions, "config"> & {
  /** YAML added to `serverConfig(ports)` (its top-level keys win). */
  extraConfig?: string;
  /** Attempts with fresh ports when a listener port was taken meanwhile; 3 by default. */
  attempts?: number;
};

/**
 * Allocates ports, builds the config and starts the server, retrying on fresh ports when the logs
 * show a port that was taken between allocation and bind (another test file running in parallel).
 */
export async function startServerWithPorts(options: StartWithPortsOptions = {}): Promise<ServerProcess> {
  const attempts = options.attempts ?? 3;
  for (let attempt = 1;; attempt++) {
    const ports = await allocateServerPorts();
    try {
      return await startServerProcess({
        ...options,
        ports,
        config: serverConfig(ports, options.extraConfig),
      });
    } catch (e) {
      const addressInUse = /address already in use|AddrInUse|EADDRINUSE/i.test((e as Error).message);
      if (!addressInUse || attempt >= attempts) throw e;
    }
  }
}
