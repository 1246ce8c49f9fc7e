/**
 * `deno task bench`: the fan-out benchmark of issue 6. For each scenario (the floors: a Deno loop,
 * sendmmsg, GSO and TCP send loops; UDP, UDP with the sends over two threads (`udp-2t`:
 * rtspUDPSendThreads 2), TCP, multicast in a private network namespace, SRTP, HTTP tunnel, a slow
 * reader) and each N, a fresh server process serves one publisher replaying a real 4 Mbit/s
 * H.264 + AAC recording to N readers of a separate load process; prints a table and writes
 * docs/benchmarks.{md,json}. `BENCH_SERVER_FLAGS` adds `deno run` flags to the server (profiling),
 * `BENCH_SERVER_CONFIG` mediamtx.yml lines (a literal `\n` separates lines).
 *
 *   deno task bench [--quick] [--label=NAME] [--scenarios=udp,tcp,…] [--readers=1,10,…]
 *                   [--window=SECONDS] [--warmup=SECONDS] [--no-write]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { Logger } from "../src/log/logger.ts";
import { RtspServer } from "../src/server/rtsp_server.ts";
import type { RtspServerOptions } from "../src/server/server_context.ts";
import { Child } from "./bench/child.ts";
import { raiseFileLimit } from "./bench/libc.ts";
import { machineInfo } from "./bench/proc_stats.ts";
import { CACHE_DIR, loadOrMakeRecording, RECORDING_FILE, recordingRate } from "./bench/recording.ts";
import {
  type BenchFile,
  derive,
  failureNotes,
  floorSendNotes,
  markdown,
  slowSummary,
  sortRows,
  textTable,
} from "./bench/report.ts";
import { runOnce, type RunResult, type Scenario, tunnelAvailable } from "./bench/runner.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const ALL = [
  "floor",
  "floor-sendmmsg",
  "floor-gso",
  "floor-tcp",
  "udp",
  "udp-2t",
  "tcp",
  "multicast",
  "srtp",
  "tunnel",
  "slow",
];

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    quick: { type: "boolean" },
    label: { type: "string" },
    scenarios: { type: "string" },
    readers: { type: "string" },
    window: { type: "string" },
    warmup: { type: "string" },
    "no-write": { type: "boolean" },
    render: { type: "boolean" },
    "netns-child": { type: "string" }, // internal: run these multicast specs, write results to this file
  },
});

const quick = flags.quick ?? false;
const readers = (flags.readers ?? (quick ? "1,10,100" : "1,10,100,400,800")).split(",").map(Number);
const windowS = Number(flags.window ?? (quick ? 4 : 10));
const warmupS = Number(flags.warmup ?? (quick ? 2 : 3));
const scenarios = (flags.scenarios ?? ALL.join(",")).split(",");
for (const s of scenarios) {
  if (!ALL.includes(s)) throw new Error(`unknown scenario "${s}" (known: ${ALL.join(", ")})`);
}

function say(line: string): void {
  console.log(line);
}

/** Whether the server offers SRTP (RTP/SAVP), as RtspServer reports it for an RTSPS listener. */
function srtpAvailable(): boolean {
  const server = new RtspServer({
    label: "RTSPS",
    hostname: "127.0.0.1",
    port: 0,
    transports: ["udp", "tcp"],
    tls: { certFile: "", keyFile: "" },
    readTimeoutMs: 10000,
    writeTimeoutMs: 10000,
    writeQueueSize: 512,
    sessionTimeoutMs: 60000,
    pathManager: {} as RtspServerOptions["pathManager"],
    log: new Logger("error", () => {}),
  } as RtspServerOptions);
  return server.srtp;
}

async function canUnshare(): Promise<boolean> {
  try {
    return (await new Deno.Command("unshare", { args: ["-n", "true"], stdout: "null", stderr: "null" })
      .output())
      .success;
  } catch {
    return false;
  }
}

/** Runs the multicast scenario in a private network namespace, through a child bench. */
async function multicastInNetns(ns: number[]): Promise<RunResult[]> {
  const resultFile = await Deno.makeTempFile({ prefix: "bench-mc-", suffix: ".json" });
  const args = [
    `--window=${windowS}`,
    `--warmup=${warmupS}`,
    `--readers=${ns.join(",")}`,
    `--netns-child=${resultFile}`,
  ];
  const script = [
    "set -e",
    "ip link set lo up",
    "ip route add 224.0.0.0/4 dev lo",
    `exec "${Deno.execPath()}" run -A "${ROOT}scripts/bench.ts" ${args.join(" ")}`,
  ].join("\n");
  const child = new Child("unshare", ["-n", "bash", "-c", script], { cwd: ROOT, onLine: (l) => say(l) });
  try {
    const status = await child.exited(3600_000);
    if (!status.success) throw new Error(`multicast namespace run failed (${status.code})`);
    return JSON.parse(await Deno.readTextFile(resultFile)) as RunResult[];
  } finally {
    await Deno.remove(resultFile).catch(() => {});
  }
}

async function runAll(list: { scenario: Scenario; n: number }[], netns: boolean): Promise<RunResult[]> {
  const results: RunResult[] = [];
  for (const { scenario, n } of list) {
    const tag = `[${scenario} N=${n}]`;
    say(`${tag} starting`);
    // The slow reader needs time: the kernel buffers megabytes before the server's writes block.
    const slow = scenario === "slow";
    let r: RunResult;
    try {
      r = await runOnce(
        {
          scenario,
          readers: n,
          windowS: slow ? Math.max(windowS, 10) : windowS,
          warmupS: slow ? Math.max(warmupS, 5) : warmupS,
          recording: RECORDING_FILE,
          netns,
        },
        (line) => say(`${tag} ${line}`),
      );
    } catch (e) {
      // One broken run must not lose the others.
      const lines = (e as Error).message.split("\n");
      say(`${tag} FAILED: ${lines[0]} ${lines.filter((l) => l.includes('"error"')).slice(-1).join("")}`);
      continue;
    }
    say(
      `${tag} cores ${r.cores.toFixed(3)} (user ${r.user.toFixed(3)}, sys ${r.sys.toFixed(3)}), ` +
        `RSS ${(r.rssKiB / 1024).toFixed(1)} MiB, delivered ${r.delivered.toFixed(4)}, lost ${r.lost}, ` +
        `p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, setup ${r.setupS.toFixed(1)} s` +
        (r.threads === undefined
          ? ""
          : `, threads: main ${r.threads.main.toFixed(3)}, workers ${r.threads.workers.toFixed(3)}, other ${
            r.threads.other.toFixed(3)
          }`) +
        (r.failedReaders > 0 ? `, ${r.failedReaders} readers failed to set up` : "") +
        (r.floorSends !== undefined
          ? `, floor sends short: ${r.floorSends.partial} partial, ${r.floorSends.refused} EAGAIN`
          : ""),
    );
    results.push(r);
  }
  return results;
}

/** Writes docs/benchmarks.md from `file`, keeping its notes, formatted as `deno fmt` wants it. */
async function writeMarkdown(file: BenchFile): Promise<void> {
  const mdPath = `${ROOT}docs/benchmarks.md`;
  await Deno.writeTextFile(mdPath, markdown(file, await Deno.readTextFile(mdPath).catch(() => undefined)));
  await new Deno.Command(Deno.execPath(), { args: ["fmt", "-q", mdPath], cwd: ROOT }).output();
}

/** Re-renders docs/benchmarks.md from docs/benchmarks.json. */
async function render(): Promise<void> {
  await writeMarkdown(JSON.parse(await Deno.readTextFile(`${ROOT}docs/benchmarks.json`)) as BenchFile);
}

async function main(): Promise<void> {
  if (flags.render) return await render();
  if (Deno.build.os !== "linux") {
    throw new Error("the benchmark reads /proc and uses Linux sockets: Linux only");
  }
  const [soft, hard] = raiseFileLimit();
  const need = 6 * Math.max(...readers) + 200;
  if (soft < need) {
    say(
      `warning: open files limit ${soft} (hard ${hard}) is below the ${need} that N=${
        Math.max(...readers)
      } needs`,
    );
  }

  if (flags["netns-child"] !== undefined) {
    const results = await runAll(readers.map((n) => ({ scenario: "multicast" as const, n })), true);
    await Deno.writeTextFile(flags["netns-child"], JSON.stringify(results));
    return;
  }

  const rec = await loadOrMakeRecording(say);
  const rate = recordingRate(rec);
  const description = `${rec.packets.length} RTP packets over ${(rec.durationUs / 1e6).toFixed(1)} s, ` +
    `${rate.packetsPerSecond.toFixed(0)} packets/s, ${rate.mbitPerSecond.toFixed(2)} Mbit/s ` +
    `(H.264 720p25 + AAC, made by ffmpeg, cached in ${CACHE_DIR.slice(ROOT.length)})`;
  say(`recording: ${description}; open files ${soft}; readers ${readers.join(", ")}; window ${windowS} s`);

  const skipped: Record<string, string> = {};
  const list: { scenario: Scenario; n: number }[] = [];
  for (const s of scenarios) {
    if (s === "srtp" && !srtpAvailable()) {
      skipped.srtp = "skipped: SRTP not available (RtspServer.srtp is false)";
      say(`srtp: ${skipped.srtp}`);
    } else if (s === "tunnel" && !(await tunnelAvailable())) {
      skipped.tunnel = "skipped: HTTP tunnel not available (the RTSP listener does not answer a tunnel GET)";
      say(`tunnel: ${skipped.tunnel}`);
    } else if (s === "multicast") {
      continue; // below, in its namespace
    } else if (s === "slow") {
      list.push({ scenario: "slow", n: quick ? 10 : 100 });
    } else {
      for (const n of readers) list.push({ scenario: s as Scenario, n });
    }
  }
  const results = await runAll(list, false);
  if (scenarios.includes("multicast")) {
    if (await canUnshare()) results.push(...(await multicastInNetns(readers)));
    else {
      skipped.multicast =
        "skipped: needs `unshare -n` (root or CAP_SYS_ADMIN) for a private network namespace";
      say(`multicast: ${skipped.multicast}`);
    }
  }

  const rows = sortRows(derive(results));
  say("\n" + textTable(rows));
  for (const s of [...slowSummary(rows), ...floorSendNotes(rows), ...failureNotes(rows)]) say(s);
  if (flags["no-write"]) return;

  const jsonPath = `${ROOT}docs/benchmarks.json`;
  let file: BenchFile;
  try {
    file = JSON.parse(await Deno.readTextFile(jsonPath)) as BenchFile;
  } catch {
    file = { machine: {}, recording: {}, runs: {} };
  }
  file.machine = machineInfo();
  file.recording = {
    description,
    packetsPerSecond: Math.round(rate.packetsPerSecond),
    mbitPerSecond: rate.mbitPerSecond,
  };
  const label = flags.label ?? "latest";
  const commit = new TextDecoder().decode(
    (await new Deno.Command("git", { args: ["rev-parse", "--short", "HEAD"], cwd: ROOT, stdout: "piped" })
      .output())
      .stdout,
  ).trim();
  // Re-running some scenarios under an existing label replaces just those rows.
  const kept = (file.runs[label]?.rows ?? []).filter((o) =>
    !rows.some((r) => r.scenario === o.scenario && r.readers === o.readers)
  );
  const merged = sortRows(derive([...kept, ...rows]));
  const skippedAll = { ...(file.runs[label]?.skipped ?? {}), ...skipped };
  for (const s of scenarios) if (!(s in skipped)) delete skippedAll[s];
  file.runs[label] = {
    date: new Date().toISOString(),
    quick,
    windowS,
    warmupS,
    commit,
    rows: merged,
    skipped: skippedAll,
  };
  await Deno.mkdir(`${ROOT}docs`, { recursive: true });
  await Deno.writeTextFile(jsonPath, JSON.stringify(file, null, 1) + "\n");
  await writeMarkdown(file);
  say(`\nwrote docs/benchmarks.json and docs/benchmarks.md (run "${label}")`);
}

await main();
