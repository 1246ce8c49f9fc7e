import assert from "node:assert/strict";
import { HookRunner } from "../../../src/hooks/mod.ts";
import { Logger } from "../../../src/log/logger.ts";
import { delay, waitFor } from "../../_helpers/wait.ts";

function collectingLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: new Logger("debug", (line) => lines.push(line)), lines };
}

function readLines(file: string): string[] {
  try {
    return Deno.readTextFileSync(file).split("\n").filter((l) => l !== "");
  } catch {
    return [];
  }
}

function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

Deno.test("hooks: a restartable command runs again after the pause; stop ends it for good", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { log, lines } = collectingLogger();
    const runner = new HookRunner({ rtspPort: 8554, restartPauseMs: 100 });
    const hook = runner.start(
      "runOnInit",
      `sh -c 'echo $MTX_PATH >> ${dir}/runs; echo out-$MTX_PATH'`,
      {
        MTX_PATH: "cam",
      },
      true,
      log,
    );
    assert.ok(hook !== undefined);
    await waitFor(() => readLines(`${dir}/runs`).length >= 3, { timeoutMs: 5000, message: "no restarts" });
    await hook.stop();
    const runs = readLines(`${dir}/runs`).length;
    await delay(300); // an absence check: a restart would have happened within the 100 ms pause
    assert.equal(readLines(`${dir}/runs`).length, runs, "no run after stop");
    assert.ok(lines.some((l) => /INF \[runOnInit\] out-cam$/.test(l)), "output goes to the log");
    assert.ok(lines.some((l) => /runOnInit command exited with code 0/.test(l)));
    assert.ok(lines.some((l) => /runOnInit command stopped/.test(l)));
    await runner.close(log);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("hooks: stop sends SIGINT to the whole group, then SIGKILL after the grace period", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { log, lines } = collectingLogger();
    const runner = new HookRunner({ rtspPort: 8554, stopGraceMs: 300 });
    // The shell ignores SIGINT and starts a background child in the same group.
    const hook = runner.start(
      "runOnDemand",
      `sh -c 'trap "" INT; sleep 60 & echo $! > ${dir}/child; echo $$ > ${dir}/pid; wait'`,
      {},
      false,
      log,
    )!;
    await waitFor(() => readLines(`${dir}/child`).length === 1 && readLines(`${dir}/pid`).length === 1, {
      timeoutMs: 5000,
      message: "the command did not start",
    });
    const pids = [Number(readLines(`${dir}/pid`)[0]), Number(readLines(`${dir}/child`)[0])];
    const started = performance.now();
    await hook.stop();
    assert.ok(performance.now() - started >= 250, "SIGKILL only after the grace period");
    for (const pid of pids) assert.equal(alive(pid), false, `pid ${pid} survived`);
    assert.ok(lines.some((l) => /runOnDemand command ignored SIGINT; killing it/.test(l)));
    await runner.close(log);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("hooks: a missing program is logged, not thrown", async () => {
  const { log, lines } = collectingLogger();
  const runner = new HookRunner({ rtspPort: 8554 });
  const hook = runner.start("runOnRead", "/nonexistent/program --x", {}, false, log)!;
  await hook.done;
  assert.ok(lines.some((l) => /ERR runOnRead command exited: .*/.test(l)), lines.join("\n"));
  runner.start("runOnRead", "a 'b", {}, false, log);
  await waitFor(() => lines.some((l) => /runOnRead command cannot run: .*unterminated/.test(l)), {
    timeoutMs: 1000,
    message: "no log line for a bad command line",
  });
  await runner.close(log);
});
