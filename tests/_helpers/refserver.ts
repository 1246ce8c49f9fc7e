/**
 * GStreamer's own RTSP server (refserver.py, GstRtspServer 1.22) as a known-good peer, used to prove
 * the client harness right independently of our server. Mounts: /test (live H.264+AAC, PLAY), /record
 * (RECORD, 2 streams), /recordv (RECORD, 1 stream); RECORD mounts print decoded-buffer counts.
 */

import { fileURLToPath } from "node:url";
import { SYSTEM_PYTHON } from "./availability.ts";
import { allocatePorts } from "./ports.ts";
import { ManagedProcess, spawnProcess } from "./process.ts";

const SCRIPT = fileURLToPath(new URL("./refserver.py", import.meta.url));

/** A running reference server; `await using` stops it. */
export class RefServer implements AsyncDisposable {
  readonly process: ManagedProcess;
  /** RTSP port on 127.0.0.1. */
  readonly port: number;

  /** Use `startRefServer`. */
  constructor(process: ManagedProcess, port: number) {
    this.process = process;
    this.port = port;
  }

  /** `rtsp://127.0.0.1:<port><mount>`. */
  url(mount: string): string {
    return `rtsp://127.0.0.1:${this.port}${mount}`;
  }

  /**
   * Latest decoded-buffer count per stream of a RECORD mount, from the `[count]` lines (every 2 s) and
   * `[final]` lines (at teardown): e.g. `{ stream0: 469, stream1: 250 }`. Only output lines from index
   * `since` on are read, so that one publish run is told apart from the previous one.
   */
  counts(mount: string, since = 0): Record<string, number> {
    const counts: Record<string, number> = {};
    const re = /^\[(?:count|final)\] (\S+) (stream\d+): (\d+) buffers/;
    for (const line of this.process.lines.slice(since)) {
      const m = re.exec(line);
      if (m && m[1] === mount) counts[m[2]] = Number(m[3]);
    }
    return counts;
  }

  /** Waits for an output line from index `since` on matching `re`; fails with the output on timeout or exit. */
  async waitForLine(re: RegExp, timeoutMs: number, since = 0): Promise<string> {
    try {
      return (await this.process.waitForLine(re, { timeoutMs, since })).input;
    } catch (e) {
      throw new Error(`refserver: ${(e as Error).message}:\n${this.process.output()}`);
    }
  }

  /** SIGTERM (quits its GLib loop), SIGKILL after 5 s. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.process.stop({ signal: "SIGTERM", graceMs: 5000 });
  }
}

/** Options of `startRefServer`. */
export interface RefServerOptions {
  /** Certificate and key files: every connection must then be TLS (rtsps://). */
  tls?: { certFile: string; keyFile: string };
}

/** Starts refserver.py on a free port, serving `file` on /file, and waits for its `ready` line. */
export async function startRefServer(file: string, options: RefServerOptions = {}): Promise<RefServer> {
  const tls = options.tls === undefined ? [] : ["--tls", options.tls.certFile, options.tls.keyFile];
  for (let attempt = 1;; attempt++) {
    const [port] = await allocatePorts(1);
    const process = spawnProcess(SYSTEM_PYTHON, {
      args: [SCRIPT, "--port", String(port), "--file", file, ...tls],
    });
    const server = new RefServer(process, port);
    try {
      await server.waitForLine(/^ready rtsps?:\/\//, 15000);
      return server;
    } catch (e) {
      await server[Symbol.asyncDispose]();
      if (attempt >= 3 || !/failed to attach/.test(process.output())) throw e;
    }
  }
}
