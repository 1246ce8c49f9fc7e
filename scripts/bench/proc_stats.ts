/**
 * CPU and memory of a process from /proc: user+sys clock ticks (`/proc/<pid>/stat`) and VmRSS
 * (`/proc/<pid>/status`), plus a description of the machine for the report.
 *
 * @module
 */

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** User and system CPU seconds of `pid` so far. */
export function cpuSeconds(pid: number): { user: number; sys: number } {
  const text = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { user: Number(f[11]) / TICKS_PER_SECOND, sys: Number(f[12]) / TICKS_PER_SECOND };
}

/**
 * CPU seconds of `pid` so far by kind of thread: its main thread (the JS event loop), its Deno Workers
 * (threads named `worker-…`, such as the UDP send workers of rtspUDPSendThreads), and the others
 * (Deno's runtime and V8's helpers). A thread that exits between two samples drops out of the sum.
 */
export function threadCpuSeconds(pid: number): { main: number; workers: number; other: number } {
  const out = { main: 0, workers: 0, other: 0 };
  for (const e of Deno.readDirSync(`/proc/${pid}/task`)) {
    let text: string;
    try {
      text = Deno.readTextFileSync(`/proc/${pid}/task/${e.name}/stat`);
    } catch {
      continue; // the thread exited
    }
    const name = text.slice(text.indexOf("(") + 1, text.lastIndexOf(")"));
    const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const s = (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND;
    if (e.name === String(pid)) out.main += s;
    else if (name.startsWith("worker-")) out.workers += s;
    else out.other += s;
  }
  return out;
}

/** Resident set size of `pid`, in KiB. */
export function rssKiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(Deno.readTextFileSync(`/proc/${pid}/status`));
  return m === null ? NaN : Number(m[1]);
}

/** A CPU sample to diff against a later one. */
export interface CpuSample {
  at: number;
  user: number;
  sys: number;
}

/** Samples `pid`'s CPU now. */
export function sampleCpu(pid: number): CpuSample {
  return { at: performance.now(), ...cpuSeconds(pid) };
}

/** Cores used between two samples (user, sys, total). */
export function coresBetween(a: CpuSample, b: CpuSample): { user: number; sys: number; cores: number } {
  const s = (b.at - a.at) / 1000;
  const user = (b.user - a.user) / s;
  const sys = (b.sys - a.sys) / s;
  return { user, sys, cores: user + sys };
}

/** The open-file limit of this process, [soft, hard]. */
export function fileLimit(): [number, number] {
  const m = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(
    Deno.readTextFileSync("/proc/self/limits"),
  );
  const n = (s: string | undefined) => (s === undefined || s === "unlimited" ? Infinity : Number(s));
  return [n(m?.[1]), n(m?.[2])];
}

/** What the report says about the machine. */
export function machineInfo(): Record<string, string | number> {
  const cpuinfo = Deno.readTextFileSync("/proc/cpuinfo");
  const mem = /^MemTotal:\s+(\d+) kB/m.exec(Deno.readTextFileSync("/proc/meminfo"));
  return {
    cpu: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? "unknown",
    cores: navigator.hardwareConcurrency,
    memoryGiB: mem === null ? 0 : Math.round(Number(mem[1]) / 1024 / 1024),
    kernel: Deno.readTextFileSync("/proc/sys/kernel/osrelease").trim(),
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    openFiles: fileLimit()[0],
  };
}
