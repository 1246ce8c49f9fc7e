/**
 * The benchmark's output: the stdout table, `docs/benchmarks.json` (every labelled run kept, so a
 * "before" and an "after" sit side by side) and `docs/benchmarks.md` rendered from it. The part of
 * the Markdown between `<!-- notes -->` and `<!-- /notes -->` is written by hand and kept.
 *
 * @module
 */
import type { RunResult, Scenario } from "./runner.ts";

/** A result with the figures derived from other runs of the same label. */
export interface Row extends RunResult {
  /** Floor (await loop) cores at the same N, and this run's ratio to it. */
  floorCores?: number;
  floorRatio?: number;
  /** This run's cores as a ratio to the sendmmsg floor and to the GSO floor at the same N. */
  mmsgRatio?: number;
  gsoRatio?: number;
  /** TCP-carried scenarios: cores as a ratio to the TCP floor at the same N. */
  tcpFloorRatio?: number;
  /** RSS growth per reader against N = 1 of the same scenario. */
  rssPerReaderKiB?: number;
}

/** One labelled benchmark run. */
export interface LabelledRun {
  date: string;
  quick: boolean;
  windowS: number;
  warmupS: number;
  commit: string;
  rows: Row[];
  /** Scenario -> why it was not run. */
  skipped: Record<string, string>;
}

/** docs/benchmarks.json. */
export interface BenchFile {
  machine: Record<string, string | number>;
  recording: Record<string, string | number>;
  runs: Record<string, LabelledRun>;
}

/** Scenarios whose readers get interleaved frames on TCP, compared with the TCP floor. */
const TCP_CARRIED: Scenario[] = ["tcp", "tunnel", "slow"];

/** Adds floor ratios and per-reader RSS growth. */
export function derive(results: RunResult[]): Row[] {
  return results.map((r) => {
    const floor = results.find((f) => f.scenario === "floor" && f.readers === r.readers);
    const one = results.find((o) => o.scenario === r.scenario && o.readers === 1);
    const row: Row = { ...r };
    if (floor !== undefined && r.scenario !== "floor") {
      row.floorCores = floor.cores;
      row.floorRatio = floor.cores > 0 ? r.cores / floor.cores : undefined;
    }
    const ratioTo = (scenario: Scenario) => {
      const fl = results.find((x) => x.scenario === scenario && x.readers === r.readers);
      return fl !== undefined && fl !== r && fl.cores > 0 ? r.cores / fl.cores : undefined;
    };
    row.mmsgRatio = ratioTo("floor-sendmmsg");
    row.gsoRatio = ratioTo("floor-gso");
    if (TCP_CARRIED.includes(r.scenario)) row.tcpFloorRatio = ratioTo("floor-tcp");
    if (one !== undefined && r.readers > 1) row.rssPerReaderKiB = (r.rssKiB - one.rssKiB) / (r.readers - 1);
    return row;
  });
}

const f = (
  n: number | undefined,
  digits: number,
) => (n === undefined || Number.isNaN(n) ? "–" : n.toFixed(digits));

const HEAD = [
  "scenario",
  "N",
  "cores",
  "user/sys",
  "floor",
  "ratio",
  "×mmsg",
  "×gso",
  "×tcpfl",
  "RSS MiB",
  "KiB/reader",
  "delivered",
  "lost",
  "p50 ms",
  "p99 ms",
  "load cores",
];

function cells(r: Row): string[] {
  return [
    r.scenario,
    String(r.readers),
    f(r.cores, 3),
    `${f(r.user, 2)}/${f(r.sys, 2)}`,
    f(r.floorCores, 3),
    f(r.floorRatio, 2),
    f(r.mmsgRatio, 2),
    f(r.gsoRatio, 2),
    f(r.tcpFloorRatio, 2),
    f(r.rssKiB / 1024, 1),
    f(r.rssPerReaderKiB, 1),
    f(r.delivered, 4),
    String(r.lost),
    f(r.p50Ms, 2),
    f(r.p99Ms, 2),
    f(r.loadCores, 2),
  ];
}

/** A plain-text table for the terminal. */
export function textTable(rows: Row[]): string {
  const all = [HEAD, ...rows.map(cells)];
  const widths = HEAD.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  return all.map((r) => r.map((c, i) => (i < 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "))
    .join(
      "\n",
    );
}

/** One line per slow-reader run. */
export function slowSummary(rows: Row[]): string[] {
  return rows.filter((r) => r.scenario === "slow").map((r) =>
    `slow reader (TCP, never reads) next to ${r.readers} TCP readers: the others lost ${r.lost} packets ` +
    `(delivered ${f(r.delivered, 4)}, ${r.othersTooSlow ?? 0} "too slow" lines for them); the server ` +
    `discarded ${r.slowDiscards ?? 0} packets for the slow one` +
    (r.slowEnd !== undefined ? ` and closed it: ${r.slowEnd}` : "")
  );
}

/** One line per TCP floor run: whether its own sends fell short (then it is no floor at that N). */
export function floorSendNotes(rows: Row[]): string[] {
  return rows.filter((r) => r.floorSends !== undefined).map((r) =>
    `floor-tcp N=${r.readers}: ${r.floorSends!.partial} partial sends (reader closed), ` +
    `${r.floorSends!.refused} sends refused with EAGAIN (burst dropped for that reader), ` +
    `${r.floorSends!.closed} readers closed, in the window and the 1 s after it`
  );
}

/** One line per run where readers failed or were dropped by the server. */
export function failureNotes(rows: Row[]): string[] {
  return rows.filter((r) => Object.keys(r.failures ?? {}).length > 0).map((r) =>
    `${r.scenario} N=${r.readers}: ${r.failedReaders} readers could not be set up; failures: ` +
    Object.entries(r.failures).map(([why, n]) => `${n} × ${why}`).join("; ")
  );
}

function markdownTable(rows: Row[]): string {
  const line = (c: string[]) => `| ${c.join(" | ")} |`;
  return [line(HEAD), line(HEAD.map((_, i) => (i < 1 ? "---" : "---:"))), ...rows.map((r) => line(cells(r)))]
    .join(
      "\n",
    );
}

const ORDER: Scenario[] = [
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

/** Rows sorted by scenario then N. */
export function sortRows(rows: Row[]): Row[] {
  return [...rows].sort((a, b) =>
    ORDER.indexOf(a.scenario) - ORDER.indexOf(b.scenario) || a.readers - b.readers
  );
}

/** Renders docs/benchmarks.md, keeping the hand-written notes of `previous`. */
export function markdown(file: BenchFile, previous: string | undefined): string {
  const notes = /<!-- notes -->[\s\S]*?<!-- \/notes -->/.exec(previous ?? "")?.[0] ??
    "<!-- notes -->\n(Analysis written by hand goes here; `deno task bench` keeps it.)\n<!-- /notes -->";
  const m = file.machine;
  const out = [
    "# Fan-out benchmark",
    "",
    "Generated by `deno task bench` (`scripts/bench.ts`) from [`benchmarks.json`](benchmarks.json); only the",
    "notes section is written by hand.",
    "",
    notes,
    "",
    "## How to run",
    "",
    "```sh",
    "deno task bench                 # full run: N = 1, 10, 100, 400, 800 (25-45 minutes on 2 cores)",
    "deno task bench --quick         # N = 1, 10, 100 with short windows (about 5 minutes)",
    "deno task bench --label=after   # name the run (kept next to the others in benchmarks.json)",
    "deno task bench --scenarios=udp,tcp --readers=100,800 --window=10",
    "deno task bench --render        # only re-render this file from benchmarks.json",
    "```",
    "",
    "It needs ffmpeg (once, to make the recording), Linux, and root for the multicast scenario",
    "(`unshare -n`: a private network namespace, so multicast never leaves the machine). The server runs",
    "as its own process (`deno run -A main.ts <temp config>`, loopback ports); the load process",
    "(`scripts/bench/load.ts`) hosts the publisher and the N readers, on raw sockets through FFI (epoll,",
    "recvmmsg with kernel receive timestamps), so that hundreds of readers stay cheap.",
    "",
    "Columns: `cores` = server user+sys CPU over the window (from `/proc/<pid>/stat`), `floor` = the",
    "same measure for a minimal Deno process forwarding the same packets to the same N UDP ports with one",
    "`await send()` per packet per reader (`scripts/bench/floor.ts`), `ratio` = cores / floor,",
    "`RSS MiB` = server VmRSS at the end of the window, `KiB/reader` = (RSS(N) − RSS(1)) / (N − 1),",
    "`delivered` = packets received / (readers × packets published in the window; a packet arriving",
    "more than 1 s after the window counts as lost), `lost` = missing sequence numbers over all readers,",
    "`p50/p99` = arrival minus the publisher's send time of the same packet, both on CLOCK_REALTIME;",
    "arrival is the kernel's receive timestamp (SO_TIMESTAMPNS; for TCP that of the last segment a",
    "read took), so the load process's own delays do not count; `load cores` = the load process's CPU.",
    "Readers that could not be set up (an overloaded server) count as receiving nothing.",
    "`floor-sendmmsg` is the kernel's share: one FFI `sendmmsg` per packet for all readers.",
    "`floor-gso` is the kernel's share with segmentation offload: packets held at most 1 ms, then per",
    "reader one `UDP_SEGMENT` message per run of equal-size packets, all readers in one `sendmmsg`.",
    "`×mmsg` and `×gso` = cores / the `floor-sendmmsg` and `floor-gso` cores at the same N.",
    "`floor-tcp` is the kernel's share for TCP readers: packets held at most 1 ms, framed once as",
    "RTSP-interleaved frames, then one non-blocking `send()` per reader per burst (no queues, no",
    "retries; its short sends are listed under the run). `×tcpfl` = cores / the `floor-tcp` cores at",
    "the same N, for the TCP-carried scenarios (tcp, tunnel, slow).",
    "Multicast readers share one receiving socket per group (on a LAN the copies are made by switches).",
    "",
    "## Machine",
    "",
    `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Linux ${m.kernel}, Deno ${m.deno} (V8 ${m.v8}),`,
    `open files limit ${m.openFiles}. Recording: ${file.recording.description}.`,
    "",
  ];
  for (const [label, run] of Object.entries(file.runs)) {
    out.push(
      `## Run "${label}"`,
      "",
      `${run.date}, commit ${run.commit}, ${
        run.quick ? "quick" : "full"
      }: warm-up ${run.warmupS} s, window ${run.windowS} s.`,
      "",
      markdownTable(sortRows(run.rows)),
      "",
    );
    for (const s of [...slowSummary(run.rows), ...floorSendNotes(run.rows), ...failureNotes(run.rows)]) {
      out.push(`- ${s}`);
    }
    for (const [scenario, why] of Object.entries(run.skipped)) out.push(`- ${scenario}: ${why}`);
    out.push("");
  }
  return out.join("\n");
}
