/**
 * Keeps the benchmark's load generator working (scripts/bench/load.ts, run for real by
 * `deno task bench`): three readers of an in-process server over UDP and over TCP, and three TCP
 * readers of the TCP floor process (scripts/bench/floor.ts), a 2-second window of a synthetic
 * 4 Mbit/s stream, every packet delivered.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { Child } from "../../scripts/bench/child.ts";
import type { LoadConfig, LoadReport } from "../../scripts/bench/load.ts";
import { allocatePorts } from "../_helpers/ports.ts";
import { startTestServer } from "./_server.ts";

const LOAD = fileURLToPath(new URL("../../scripts/bench/load.ts", import.meta.url));
const FLOOR = fileURLToPath(new URL("../../scripts/bench/floor.ts", import.meta.url));

async function measure(cfg: LoadConfig, windowMs: number): Promise<LoadReport> {
  const load = new Child(Deno.execPath(), ["run", "-A", LOAD, JSON.stringify(cfg)], { stdin: true });
  try {
    await load.waitFor(/"event":"ready"/, 15000);
    await load.send("mark");
    await load.waitFor(/"event":"marked"/, 5000);
    await new Promise((r) => setTimeout(r, windowMs)); // the measurement window itself
    await load.send("stop");
    const line = await load.waitFor(/"event":"report"/, 10000);
    await load.send("quit");
    assert.equal((await load.exited(10000)).code, 0, load.tail(20));
    return (JSON.parse(line) as { report: LoadReport }).report;
  } finally {
    await load.stop();
  }
}

function assertEveryPacket(report: LoadReport): void {
  assert.equal(report.readers, 3);
  assert.ok(report.expectedPerReader > 500, `only ${report.expectedPerReader} packets published in 2 s`);
  assert.equal(report.delivered, 1, JSON.stringify(report));
  assert.equal(report.lost, 0);
  assert.equal(report.failedReaders, 0);
  assert.ok(report.latencySamples >= report.received, "every packet has a latency");
  assert.ok(report.p99Ms > 0 && report.p99Ms < 1000, `p99 ${report.p99Ms} ms`);
}

for (const mode of ["udp", "tcp"] as const) {
  Deno.test(`bench smoke: 3 ${mode.toUpperCase()} readers get every packet of a 2 s window`, async () => {
    await using server = await startTestServer("", { quiet: true });
    const report = await measure({
      mode,
      readers: 3,
      host: "127.0.0.1",
      port: server.ports.rtsp,
      path: `smoke_${mode}`,
      recording: "synthetic:4",
      udpBase: 30000 + 2 * Math.floor(Math.random() * 10000),
    }, 2000);
    assertEveryPacket(report);
  });
}

Deno.test("bench smoke: 3 readers of the TCP floor get every packet of a 2 s window", async () => {
  const [video, audio, tcpPort] = await allocatePorts(3);
  const floor = new Child(Deno.execPath(), [
    "run",
    "-A",
    "--unstable-net",
    FLOOR,
    JSON.stringify({ mode: "tcp", listen: [video, audio], dests: [], tcpPort, readers: 3 }),
  ]);
  try {
    await floor.waitFor(/"event":"ready"/, 15000);
    const report = await measure({
      mode: "floor-tcp",
      readers: 3,
      host: "127.0.0.1",
      floorPorts: [video, audio],
      floorTcpPort: tcpPort,
      recording: "synthetic:4",
    }, 2000);
    assertEveryPacket(report);
    assert.deepEqual(report.failures, {});
    await floor.waitFor(/"event":"accepted","readers":3/, 1000);
    assert.ok(!floor.lines.some((l) => l.includes('"event":"sends"')), floor.tail(5));
  } finally {
    await floor.stop();
  }
});
