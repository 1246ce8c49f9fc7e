/**
 * The benchmark's load process: one publisher replaying the recording at real-time pace and N
 * reader sessions (UDP, TCP, multicast or HTTP tunnel) on raw sockets, plus optional slow readers;
 * or, against a floor process (scripts/bench/floor.ts), N plain UDP sockets or TCP connections.
 * It shares CLOCK_REALTIME between send and arrival, so latency = arrival − send of the same packet.
 *
 * Usage: `deno run -A scripts/bench/load.ts '<LoadConfig JSON>'`. Events are JSON lines on stdout
 * (`progress`, `ports`, `ready`, `marked`, `report`, `error`); commands are lines on stdin:
 * `mark` opens the measurement window, `stop` closes it and reports, `quit` ends the process.
 *
 * @module
 */
import { raiseFileLimit } from "./libc.ts";
import { Publisher } from "./publisher.ts";
import { Reactor } from "./reactor.ts";
import { decodeRecording, type Recording, syntheticRecording } from "./recording.ts";
import { openFloorTcpReaders, openReaders, type ReaderSet } from "./reader_set.ts";
import { Tally, Window } from "./tally.ts";
import { bindPairs } from "./udp_receiver.ts";

/** What the load process does. */
export interface LoadConfig {
  mode: "udp" | "tcp" | "multicast" | "tunnel" | "srtp" | "floor" | "floor-tcp";
  readers: number;
  /** TCP readers that never read their socket, on top of `readers`. */
  slowReaders?: number;
  /** RTSP server (all modes but the floors). */
  host: string;
  port?: number;
  path?: string;
  /** SRTP mode: the RTSPS port readers use (the publisher uses `port`) and the server's certificate. */
  tlsPort?: number;
  caCertFile?: string;
  /** Floor modes: the floor process's receive port per media. */
  floorPorts?: number[];
  /** Floor-tcp mode: the floor process's TCP port, which readers connect to. */
  floorTcpPort?: number;
  /** A recording file, or `synthetic:<seconds>`. */
  recording: string;
  /** First local UDP port for reader sockets. */
  udpBase?: number;
  /** Readers set up at the same time. */
  concurrency?: number;
  /** Readers not set up after this many seconds count as failed (default 60 + N/10). */
  setupDeadlineS?: number;
}

/** The window's figures, as the `report` event carries them. */
export interface LoadReport {
  readers: number;
  expectedPerReader: number;
  received: number;
  lost: number;
  gaps: number;
  delivered: number;
  worstReaderLost: number;
  readersWithLoss: number;
  p50Ms: number;
  p99Ms: number;
  maxBinMs: number;
  latencySamples: number;
  loadCores: number;
  /** Local addresses of the slow readers (the server logs them as their sessions' creators). */
  slow: string[];
  /** Readers whose setup failed. */
  failedReaders: number;
  /** Failed setups and connections lost, by reason. */
  failures: Record<string, number>;
}

function emit(event: string, fields: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ event, ...fields }));
}

function cpuSeconds(): number {
  const f = Deno.readTextFileSync("/proc/self/stat").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** Lines of stdin, until it closes. */
async function* stdinLines(): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of Deno.stdin.readable) {
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split("\n");
    pending = lines.pop()!;
    yield* lines;
  }
}

async function loadRecording(spec: string): Promise<Recording> {
  if (spec.startsWith("synthetic:")) return syntheticRecording(Number(spec.slice("synthetic:".length)));
  return decodeRecording(await Deno.readFile(spec));
}

/** Runs the load described by `cfg` until `quit` (or stdin closes). */
export async function runLoad(cfg: LoadConfig): Promise<void> {
  raiseFileLimit();
  const reactor = new Reactor();
  // TCP arrival times are those of the last segment a read takes: read those sockets at once.
  if (cfg.mode !== "tcp" && cfg.mode !== "tunnel" && cfg.mode !== "floor-tcp") reactor.minIntervalMs = 20;
  let reactorErrors = 0;
  reactor.onError = (e) => {
    if (reactorErrors++ < 5) emit("error", { message: `reader: ${(e as Error).stack}` });
  };
  const rec = await loadRecording(cfg.recording);
  const medias = rec.clockRates.length;
  let publisher: Publisher | undefined;
  let readers: ReaderSet | undefined;
  const cleanups: (() => void)[] = [];
  try {
    let window: Window;
    if (cfg.mode === "floor") {
      // The floor process forwards raw RTP: readers are plain UDP sockets, one pair per media.
      publisher = await Publisher.open(rec, { kind: "udp", host: cfg.host, ports: cfg.floorPorts! });
      window = new Window(medias, publisher.sendTimes);
      const pairs = bindPairs(reactor, "127.0.0.1", cfg.readers * medias, cfg.udpBase ?? 20000);
      const tallies: Tally[] = [];
      for (let r = 0; r < cfg.readers; r++) {
        const tally = new Tally(window);
        tallies.push(tally);
        for (let m = 0; m < medias; m++) pairs[r * medias + m].rtp.start((seq, t) => tally.record(m, seq, t));
      }
      for (const p of pairs) cleanups.push(() => (p.rtp.close(), p.rtcp.close()));
      emit("ports", { rtp: pairs.map((p) => p.rtp.port) });
      readers = { tallies, slow: [], failed: 0, closedReasons: () => ({}), keepalive() {}, close() {} };
      publisher.start();
    } else if (cfg.mode === "floor-tcp") {
      // Raw TCP connections to the floor, which sends interleaved frames without any RTSP.
      publisher = await Publisher.open(rec, { kind: "udp", host: cfg.host, ports: cfg.floorPorts! });
      window = new Window(medias, publisher.sendTimes);
      publisher.start();
      readers = await openFloorTcpReaders(reactor, cfg, window, (opened) => emit("progress", { opened }));
    } else {
      publisher = await Publisher.open(rec, {
        kind: "rtsp",
        url: `rtsp://${cfg.host}:${cfg.port}/${cfg.path}`,
      });
      publisher.start();
      window = new Window(medias, publisher.sendTimes);
      readers = await openReaders(reactor, cfg, window, (opened) => emit("progress", { opened }));
    }
    const rs = readers;
    const keepalive = setInterval(() => rs.keepalive(), 15_000);
    cleanups.push(() => clearInterval(keepalive));
    emit("ready", { readers: cfg.readers, slow: rs.slow });

    let cpu0 = 0;
    let t0 = 0;
    for await (const line of stdinLines()) {
      const cmd = line.trim();
      if (cmd === "mark") {
        for (const t of rs.tallies) t.reset();
        window.mark(publisher.nextSeq);
        cpu0 = cpuSeconds();
        t0 = performance.now();
        emit("marked");
      } else if (cmd === "stop") {
        window.close(publisher.nextSeq);
        const loadCores = (cpuSeconds() - cpu0) / ((performance.now() - t0) / 1000);
        await new Promise((r) => setTimeout(r, 1000)); // late packets of the window still count
        window.open = false;
        emit("report", { report: summarize(window, rs, loadCores) });
      } else if (cmd === "quit") {
        break;
      }
    }
  } finally {
    readers?.close();
    for (const c of cleanups) c();
    await publisher?.close();
    await reactor.close();
  }
}

function summarize(window: Window, rs: ReaderSet, loadCores: number): LoadReport {
  const expected = window.expected!;
  const perReader = expected.reduce((a, b) => a + b, 0);
  let received = 0;
  let lost = 0;
  let gaps = 0;
  let worst = 0;
  let withLoss = 0;
  for (const t of rs.tallies) {
    const c = t.count(expected);
    received += c.received;
    lost += c.lost;
    gaps += c.gaps;
    worst = Math.max(worst, c.lost);
    if (c.lost > 0) withLoss++;
  }
  // A shared receiver (multicast) stands for every reader: the ratio is its own.
  const receivers = rs.tallies.length;
  return {
    readers: receivers,
    expectedPerReader: perReader,
    received,
    lost,
    gaps,
    delivered: receivers === 0 || perReader === 0 ? 0 : received / (receivers * perReader),
    worstReaderLost: worst,
    readersWithLoss: withLoss,
    p50Ms: window.quantile(0.5),
    p99Ms: window.quantile(0.99),
    maxBinMs: window.quantile(1),
    latencySamples: window.samples,
    loadCores,
    slow: rs.slow,
    failedReaders: rs.failed,
    failures: rs.closedReasons(),
  };
}

if (import.meta.main) {
  try {
    await runLoad(JSON.parse(Deno.args[0]) as LoadConfig);
    Deno.exit(0);
  } catch (e) {
    emit("error", { message: (e as Error).stack ?? String(e) });
    Deno.exit(1);
  }
}
