/**
 * One benchmark run: a fresh server process (or the floor process), the load process with N
 * readers, a warm-up, then a fixed window over which the server's CPU (/proc/<pid>/stat) and RSS
 * are sampled while the load process counts packets, gaps and latency.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { Child } from "./child.ts";
import type { LoadConfig, LoadReport } from "./load.ts";
import { coresBetween, rssKiB, sampleCpu, threadCpuSeconds } from "./proc_stats.ts";
import type { TcpSendStats } from "./floor_tcp.ts";

/** The scenarios a run can measure. */
export type Scenario =
  | "udp"
  | "udp-2t"
  | "tcp"
  | "multicast"
  | "srtp"
  | "tunnel"
  | "slow"
  | "floor"
  | "floor-sendmmsg"
  | "floor-gso"
  | "floor-tcp";

/** What to run. */
export interface RunSpec {
  scenario: Scenario;
  readers: number;
  windowS: number;
  warmupS: number;
  recording: string;
  /** Inside a private network namespace: the server binds 0.0.0.0 and offers multicast. */
  netns?: boolean;
  /** Extra mediamtx.yml lines. */
  extraConfig?: string;
}

/** The figures of one run. */
export interface RunResult {
  scenario: Scenario;
  readers: number;
  windowS: number;
  cores: number;
  user: number;
  sys: number;
  rssKiB: number;
  delivered: number;
  lost: number;
  gaps: number;
  worstReaderLost: number;
  expectedPerReader: number;
  p50Ms: number;
  p99Ms: number;
  loadCores: number;
  /** Cores of the server's main thread, of its Deno Workers (UDP send threads) and of its other threads. */
  threads?: { main: number; workers: number; other: number };
  /** Slow-reader scenario: packets the server discarded for the slow reader, from its log. */
  slowDiscards?: number;
  /** Slow-reader scenario: why the server ended the slow session, if it did. */
  slowEnd?: string;
  /** "reader is too slow" lines of other sessions during the window. */
  othersTooSlow?: number;
  /** TCP floor: its sends that fell short in the window (and the 1 s after it, while readers still read). */
  floorSends?: TcpSendStats;
  setupS: number;
  /** Readers that could not be set up, and failures by reason. */
  failedReaders: number;
  failures: Record<string, number>;
}

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DENO = Deno.execPath();

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function isTcpFree(port: number, hostname: string): boolean {
  try {
    Deno.listen({ hostname, port }).close();
    return true;
  } catch {
    return false;
  }
}

function isUdpFree(port: number, hostname: string): boolean {
  try {
    Deno.listenDatagram({ transport: "udp", hostname, port }).close();
    return true;
  } catch {
    return false;
  }
}

/** An even base port with base (TCP) and base+2, base+3 (UDP) free. */
export function freeServerPorts(hostname = "127.0.0.1"): number {
  for (let i = 0; i < 500; i++) {
    const base = 20000 + 2 * Math.floor(Math.random() * 4000);
    if (isTcpFree(base, hostname) && isUdpFree(base + 2, hostname) && isUdpFree(base + 3, hostname)) {
      return base;
    }
  }
  throw new Error("no free ports for the server");
}

/** The server's configuration for a run; with `tls`, RTSPS and SRTP are offered too. */
export function serverConfig(
  base: number,
  netns: boolean,
  extra = "",
  tls?: { certFile: string; keyFile: string },
): string {
  const host = netns ? "" : "127.0.0.1";
  return [
    "logLevel: info",
    `rtspAddress: ${host}:${base}`,
    `rtpAddress: ${host}:${base + 2}`,
    `rtcpAddress: ${host}:${base + 3}`,
    `rtspTransports: [${netns ? "udp, multicast, tcp" : "udp, tcp"}]`,
    // Setting up thousands of readers can outlast the 60 s default while the load generator's
    // keepalives start only once every reader plays: the early sessions would time out.
    "rtspSessionTimeout: 300s",
    netns ? "multicastIPRange: 224.1.0.0/16" : "",
    ...(tls === undefined ? ['rtspEncryption: "no"'] : [
      "rtspEncryption: optional",
      `rtspsAddress: ${host}:${base + 4}`,
      `srtpAddress: ${host}:${base + 6}`,
      `srtcpAddress: ${host}:${base + 7}`,
      `rtspServerCert: ${tls.certFile}`,
      `rtspServerKey: ${tls.keyFile}`,
    ]),
    extra,
    "paths:",
    "  all_others:",
    "",
  ].join("\n");
}

function loadProcess(cfg: LoadConfig, progress: (line: string) => void): Child {
  return new Child(DENO, ["run", "-A", `${ROOT}scripts/bench/load.ts`, JSON.stringify(cfg)], {
    cwd: ROOT,
    stdin: true,
    keep: 2000,
    onLine: (line) => {
      const m = /"event":"progress","opened":(\d+)/.exec(line);
      if (m !== null) progress(`${m[1]} readers playing`);
      if (line.includes('"event":"error"')) progress(line);
    },
  });
}

/** Warm-up, window, report: the common part of every run. `pid` is the process measured. */
async function measure(
  load: Child,
  pid: number,
  spec: RunSpec,
  progress: (line: string) => void,
  server?: Child,
): Promise<
  {
    report: LoadReport;
    cpu: ReturnType<typeof coresBetween>;
    threads: RunResult["threads"];
    rss: number;
    logFrom: number;
    logTo: number;
    /** `server`'s line count when the report came, readers still connected. */
    logAtReport: number;
  }
> {
  progress(`warming up ${spec.warmupS} s`);
  await sleep(spec.warmupS * 1000);
  const logFrom = server?.lineCount ?? 0;
  const since = load.lineCount;
  await load.send("mark");
  await load.waitFor(/"event":"marked"/, 10000, since);
  const c0 = sampleCpu(pid);
  const t0 = threadCpuSeconds(pid);
  progress(`measuring ${spec.windowS} s`);
  await sleep(spec.windowS * 1000);
  const c1 = sampleCpu(pid);
  const t1 = threadCpuSeconds(pid);
  const s = (c1.at - c0.at) / 1000;
  const threads = {
    main: (t1.main - t0.main) / s,
    workers: (t1.workers - t0.workers) / s,
    other: (t1.other - t0.other) / s,
  };
  const rss = rssKiB(pid);
  const logTo = server?.lineCount ?? 0;
  const since2 = load.lineCount;
  await load.send("stop");
  const line = await load.waitFor(/"event":"report"/, 30000, since2);
  const report = (JSON.parse(line) as { report: LoadReport }).report;
  const logAtReport = server?.lineCount ?? 0;
  await load.send("quit");
  await load.exited(30000);
  return { report, cpu: coresBetween(c0, c1), threads, rss, logFrom, logTo, logAtReport };
}

function result(spec: RunSpec, m: Awaited<ReturnType<typeof measure>>, setupS: number): RunResult {
  const r = m.report;
  return {
    scenario: spec.scenario,
    readers: spec.readers,
    windowS: spec.windowS,
    cores: m.cpu.cores,
    user: m.cpu.user,
    sys: m.cpu.sys,
    rssKiB: m.rss,
    delivered: r.delivered,
    lost: r.lost,
    gaps: r.gaps,
    worstReaderLost: r.worstReaderLost,
    expectedPerReader: r.expectedPerReader,
    p50Ms: r.p50Ms,
    p99Ms: r.p99Ms,
    loadCores: r.loadCores,
    threads: m.threads,
    setupS,
    failedReaders: r.failedReaders,
    failures: r.failures,
  };
}

/** Runs the floor process against N plain UDP readers. */
async function runFloor(spec: RunSpec, progress: (line: string) => void): Promise<RunResult> {
  const listen: number[] = [];
  for (let p = 45000 + 2 * Math.floor(Math.random() * 2000); listen.length < 2; p++) {
    if (isUdpFree(p, "127.0.0.1")) listen.push(p);
  }
  const load = loadProcess({
    mode: "floor",
    readers: spec.readers,
    host: "127.0.0.1",
    floorPorts: listen,
    recording: spec.recording,
    udpBase: 30000 + 2 * Math.floor(Math.random() * 2000),
  }, progress);
  let floor: Child | undefined;
  try {
    const t0 = performance.now();
    const ports = JSON.parse(await load.waitFor(/"event":"ports"/, 60000)) as { rtp: number[] };
    const dests = [0, 1].map((m) => ports.rtp.filter((_, i) => i % 2 === m));
    const mode = spec.scenario === "floor" ? "await" : spec.scenario === "floor-gso" ? "gso" : "sendmmsg";
    floor = new Child(DENO, [
      "run",
      "-A",
      "--unstable-net",
      `${ROOT}scripts/bench/floor.ts`,
      JSON.stringify({ mode, listen, dests }),
    ], { cwd: ROOT });
    await floor.waitFor(/"event":"ready"/, 15000);
    await load.waitFor(/"event":"ready"/, 60000);
    const setupS = (performance.now() - t0) / 1000;
    return result(spec, await measure(load, floor.pid, spec, progress), setupS);
  } finally {
    await load.stop();
    await floor?.stop();
  }
}

/** The TCP floor's last `sends` counts before line `before` (absolute index); zeros if none. */
function floorSendsBefore(floor: Child, before: number): TcpSendStats {
  for (let i = Math.min(floor.lines.length, before - floor.dropped) - 1; i >= 0; i--) {
    const line = floor.lines[i];
    if (line.includes('"event":"sends"')) return JSON.parse(line) as TcpSendStats;
  }
  return { partial: 0, refused: 0, closed: 0 };
}

/** Runs the TCP floor process against N plain TCP readers. */
async function runFloorTcp(spec: RunSpec, progress: (line: string) => void): Promise<RunResult> {
  const listen: number[] = [];
  for (let p = 45000 + 2 * Math.floor(Math.random() * 2000); listen.length < 2; p++) {
    if (isUdpFree(p, "127.0.0.1")) listen.push(p);
  }
  let tcpPort = 41000 + Math.floor(Math.random() * 3000);
  while (!isTcpFree(tcpPort, "127.0.0.1")) tcpPort++;
  const t0 = performance.now();
  const floor = new Child(DENO, [
    "run",
    "-A",
    "--unstable-net",
    `${ROOT}scripts/bench/floor.ts`,
    JSON.stringify({ mode: "tcp", listen, dests: [], tcpPort, readers: spec.readers }),
  ], { cwd: ROOT });
  let load: Child | undefined;
  try {
    await floor.waitFor(/"event":"ready"/, 15000);
    load = loadProcess({
      mode: "floor-tcp",
      readers: spec.readers,
      host: "127.0.0.1",
      floorPorts: listen,
      floorTcpPort: tcpPort,
      recording: spec.recording,
    }, progress);
    // The load is ready once every reader has data, so the floor has accepted them all.
    await load.waitFor(/"event":"ready"/, 60000 + spec.readers * 100);
    const setupS = (performance.now() - t0) / 1000;
    const m = await measure(load, floor.pid, spec, progress, floor);
    const r = result(spec, m, setupS);
    // Counts change in the floor's output within 100 ms; the report comes 1 s after the window.
    const [from, to] = [floorSendsBefore(floor, m.logFrom), floorSendsBefore(floor, m.logAtReport)];
    r.floorSends = {
      partial: to.partial - from.partial,
      refused: to.refused - from.refused,
      closed: to.closed - from.closed,
    };
    return r;
  } finally {
    await load?.stop();
    await floor.stop();
  }
}

/** A throw-away self-signed certificate for 127.0.0.1 (CA:FALSE: rustls refuses a CA as end entity). */
async function makeCert(dir: string): Promise<{ certFile: string; keyFile: string }> {
  const certFile = `${dir}/server.crt`;
  const keyFile = `${dir}/server.key`;
  const out = await new Deno.Command("openssl", {
    args: [
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
      ...["-keyout", keyFile, "-out", certFile, "-days", "2", "-subj", "/CN=localhost"],
      ...[
        "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-addext",
        "basicConstraints=critical,CA:FALSE",
      ],
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`openssl failed: ${new TextDecoder().decode(out.stderr)}`);
  return { certFile, keyFile };
}

/**
 * Sums the slow session's discards and finds how it ended, from the server log. `slow` holds the
 * slow readers' local addresses: the server tags a session's lines with its own id (never the
 * secret session id) and logs "created by <address>" first.
 */
function slowReaderFacts(server: Child, slow: string[], logFrom: number, logTo: number) {
  let discards = 0;
  let end: string | undefined;
  let others = 0;
  const tags: string[] = [];
  for (const line of server.lines) {
    const m = /(\[session [0-9a-f]+\]) created by (\S+)$/.exec(line);
    if (m !== null && slow.includes(m[2])) tags.push(m[1]);
  }
  server.lines.forEach((line, i) => {
    if (i + server.dropped >= logTo) return; // the end of the run closes every session
    const mine = tags.some((t) => line.includes(t));
    const m = /reader is too slow, discarding (\d+) packets/.exec(line);
    if (mine && m !== null) discards += Number(m[1]);
    if (mine && line.includes("destroyed:")) end = line.slice(line.indexOf("destroyed:") + 11);
    if (!mine && m !== null && i + server.dropped >= logFrom) others++;
  });
  return { discards, end, others };
}

/** Runs one scenario against a fresh server process. */
async function runServer(spec: RunSpec, progress: (line: string) => void): Promise<RunResult> {
  const netns = spec.netns ?? false;
  const base = freeServerPorts(netns ? "0.0.0.0" : "127.0.0.1");
  const dir = await Deno.makeTempDir({ prefix: "bench-" });
  const configPath = `${dir}/mediamtx.yml`;
  const tls = spec.scenario === "srtp" ? await makeCert(dir) : undefined;
  // udp-2t: UDP readers with the fan-out's sends split over two threads (a send worker).
  const extra = spec.scenario === "udp-2t"
    ? `rtspUDPSendThreads: 2\n${spec.extraConfig ?? ""}`
    : spec.extraConfig;
  // BENCH_SERVER_CONFIG: extra mediamtx.yml lines for every server (e.g. "rtspFanOutHold: 0ms").
  const envConfig = (Deno.env.get("BENCH_SERVER_CONFIG") ?? "").replaceAll("\\n", "\n");
  await Deno.writeTextFile(configPath, serverConfig(base, netns, [extra ?? "", envConfig].join("\n"), tls));
  // BENCH_SERVER_FLAGS: extra `deno run` flags for the server (e.g. --v8-flags=--perf-basic-prof).
  const extraFlags = (Deno.env.get("BENCH_SERVER_FLAGS") ?? "").split(" ").filter((f) => f !== "");
  const server = new Child(DENO, ["run", "-A", ...extraFlags, `${ROOT}main.ts`, configPath], {
    cwd: ROOT,
    keep: 100000,
  });
  let load: Child | undefined;
  try {
    await server.waitFor(/listener opened/, 20000);
    const slow = spec.scenario === "slow";
    const t0 = performance.now();
    load = loadProcess({
      mode: slow ? "tcp" : spec.scenario === "udp-2t" ? "udp" : spec.scenario as LoadConfig["mode"],
      readers: spec.readers,
      slowReaders: slow ? 1 : 0,
      host: "127.0.0.1",
      port: base,
      path: "bench",
      tlsPort: base + 4,
      caCertFile: tls?.certFile,
      recording: spec.recording,
      udpBase: 30000 + 2 * Math.floor(Math.random() * 2000),
    }, progress);
    const ready = JSON.parse(await load.waitFor(/"event":"ready"/, 150_000 + spec.readers * 150)) as {
      slow: string[];
    };
    const setupS = (performance.now() - t0) / 1000;
    const m = await measure(load, server.pid, spec, progress, server);
    const r = result(spec, m, setupS);
    if (slow) {
      const facts = slowReaderFacts(server, ready.slow, m.logFrom, m.logTo);
      r.slowDiscards = facts.discards;
      r.slowEnd = facts.end;
      r.othersTooSlow = facts.others;
    }
    return r;
  } finally {
    await load?.stop();
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

/** Runs `spec`; `progress` receives human-readable lines. */
export function runOnce(spec: RunSpec, progress: (line: string) => void): Promise<RunResult> {
  if (spec.scenario === "floor-tcp") return runFloorTcp(spec, progress);
  return spec.scenario === "floor" || spec.scenario === "floor-sendmmsg" || spec.scenario === "floor-gso"
    ? runFloor(spec, progress)
    : runServer(spec, progress);
}

/** Whether a fresh server answers an HTTP tunnel GET with 200 (tunnels wired into its listener). */
export async function tunnelAvailable(): Promise<boolean> {
  const base = freeServerPorts();
  const dir = await Deno.makeTempDir({ prefix: "bench-" });
  await Deno.writeTextFile(`${dir}/mediamtx.yml`, serverConfig(base, false));
  const server = new Child(DENO, ["run", "-A", `${ROOT}main.ts`, `${dir}/mediamtx.yml`], { cwd: ROOT });
  try {
    await server.waitFor(/listener opened/, 20000);
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: base });
    try {
      await conn.write(new TextEncoder().encode(
        "GET /probe HTTP/1.0\r\nx-sessioncookie: benchprobe\r\nAccept: application/x-rtsp-tunnelled\r\n\r\n",
      ));
      const buf = new Uint8Array(256);
      const timer = setTimeout(() => conn.close(), 5000);
      const n = await conn.read(buf).catch(() => null);
      clearTimeout(timer);
      return n !== null && /^HTTP\/1\.[01] 200/.test(new TextDecoder().decode(buf.subarray(0, n)));
    } finally {
      try {
        conn.close();
      } catch {
        // closed by the timer
      }
    }
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
}
