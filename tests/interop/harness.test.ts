/** Self-tests of the interop harness pieces that need no RTSP client: parsers, config, ports, processes. */

import assert from "node:assert/strict";
import { FramecrcParser, frameReport, GstChainParser } from "../_helpers/frame_report.ts";
import { allocatePorts, allocateServerPorts, isPortFree } from "../_helpers/ports.ts";
import { spawnProcess } from "../_helpers/process.ts";
import { publishingLine, readingLine, sessionEndLine } from "../_helpers/server_logs.ts";
import { serverConfig } from "../_helpers/server_process.ts";
import { waitFor } from "../_helpers/wait.ts";

Deno.test("harness: framecrc lines give frames, pts in seconds and the declared frame rate", () => {
  const parser = new FramecrcParser();
  const lines = [
    "#software: Lavf59.27.100",
    "#tb 0: 1/25",
    "#media_type 0: video",
    ...[0, 1, 2, 3, 5, 6, 7, 8, 9].map((n) => `0, ${n}, ${n}, 1, 345600, 0x1f052396`),
    "1, 0, 0, 1024, 4, 0x0",
  ];
  const accepted = lines.filter((l) => parser.accept(l)).length;
  assert.equal(accepted, 9);
  const r = frameReport(parser, 30, 0, "");
  assert.deepEqual(
    { frames: r.frames, firstPts: r.firstPts, lastPts: r.lastPts, expected: r.expected, fps: r.fps },
    { frames: 9, firstPts: 0, lastPts: 0.36, expected: 10, fps: 25 },
  );
  assert.equal(r.ratio, 0.9);
});

Deno.test("harness: gst chain lines of the named sink only are counted, with their pts", () => {
  const chain = (sink: string, pts: string) =>
    `/GstPipeline:pipeline0/GstFakeSink:${sink}: last-message = chain   ******* (${sink}:sink) ` +
    `(345600 bytes, dts: none, pts: ${pts}, duration: 0:00:00.040000000, offset: -1, offset_end: -1, ` +
    `flags: 00000000 , meta: none) 0x7fb2700456c0`;
  const parser = new GstChainParser("vsink");
  assert.equal(parser.accept(chain("vsink", "0:00:01.000000000")), true);
  assert.equal(parser.accept(chain("asink", "0:00:01.010000000")), false);
  assert.equal(parser.accept(chain("vsink", "0:00:01.040000000")), true);
  assert.equal(parser.accept("/GstPipeline:pipeline0/GstFakeSink:vsink: last-message = event ..."), false);
  const r = frameReport(parser, 30, 0, "");
  assert.equal(r.frames, 2);
  assert.equal(r.expected, 2);
  assert.equal(r.fps, 25);
  assert.ok(Math.abs(r.firstPts - 1) < 1e-9 && Math.abs(r.lastPts - 1.04) < 1e-9);
});

Deno.test("harness: no frames gives a zero ratio", () => {
  const r = frameReport(new FramecrcParser(), 25, 1, "log");
  assert.deepEqual([r.frames, r.expected, r.ratio, r.exitCode], [0, 0, 0, 1]);
});

Deno.test("harness: serverConfig uses loopback ports and lets extra top-level keys win", () => {
  const ports = { rtsp: 30000, rtp: 30002, rtcp: 30003, rtsps: 30001, srtp: 30004, srtcp: 30005 };
  const base = serverConfig(ports);
  assert.match(base, /^rtspAddress: 127\.0\.0\.1:30000$/m);
  assert.match(base, /^rtpAddress: 127\.0\.0\.1:30002$/m);
  assert.match(base, /^rtcpAddress: 127\.0\.0\.1:30003$/m);
  assert.match(base, /^rtspTransports: \[udp, tcp\]$/m);
  assert.match(base, /^paths: \{ all_others: \{\} \}$/m);
  const custom = serverConfig(
    ports,
    "logLevel: debug\npaths:\n  all_others:\n    overridePublisher: false\n",
  );
  assert.equal(custom.match(/^paths:/gm)?.length, 1);
  assert.equal(custom.match(/^logLevel:/gm)?.length, 1);
  assert.match(custom, /^logLevel: debug$/m);
  assert.match(custom, /^ {4}overridePublisher: false$/m);
});

Deno.test("harness: server ports are free, RTP/SRTP even with RTCP/SRTCP next to them", async () => {
  const p = await allocateServerPorts();
  assert.equal(p.rtp % 2, 0);
  assert.equal(p.rtcp, p.rtp + 1);
  assert.equal(p.srtp % 2, 0);
  assert.equal(p.srtcp, p.srtp + 1);
  assert.equal(new Set(Object.values(p)).size, 6);
  for (const port of Object.values(p)) {
    assert.ok(port >= 20000 && port <= 59999);
    assert.ok(await isPortFree(port));
  }
  const [odd] = await allocatePorts(3, { even: true });
  assert.equal(odd % 2, 0);
  const listener = Deno.listen({ hostname: "127.0.0.1", port: p.rtsp });
  try {
    assert.equal(await isPortFree(p.rtsp), false);
  } finally {
    listener.close();
  }
});

Deno.test("harness: log patterns match MediaMTX-style lines", () => {
  const pub =
    "2026/11/24 10:00:00 INF [RTSP] [session 1a2b3c4d] is publishing to path 'cam_1', 2 tracks (H264, MPEG-4 Audio)";
  assert.equal(publishingLine("cam_1").exec(pub)?.[1], "1a2b3c4d");
  assert.equal(publishingLine("cam").exec(pub), null);
  const read =
    "2026/11/24 10:00:00 INF [RTSP] [session 9f] is reading from path 'cam_1', with UDP, 1 track (H264)";
  assert.equal(readingLine("cam_1").exec(read)?.[1], "9f");
  assert.ok(
    sessionEndLine("9f").test("2026/11/24 INF [RTSP] [session 9f] destroyed: torn down by 127.0.0.1:5000"),
  );
  assert.ok(sessionEndLine("9f").test("2026/11/24 INF [RTSP] [session 9f] closed"));
  assert.ok(!sessionEndLine("9f").test("2026/11/24 INF [RTSP] [session 9f0] destroyed"));
});

Deno.test("harness: waitFor times out with its message and passes predicate errors through", async () => {
  await assert.rejects(
    waitFor(() => false, { timeoutMs: 60, intervalMs: 10, message: "never" }),
    /^Error: never/,
  );
  await assert.rejects(
    waitFor(() => {
      throw new RangeError("boom");
    }, { timeoutMs: 1000, message: "x" }),
    RangeError,
  );
});

Deno.test("harness: stopping a process also kills what it started (process group)", async () => {
  const p = spawnProcess("sh", { args: ["-c", "sleep 60 & echo started; wait"] });
  await waitFor(() => p.lines.includes("started"), { timeoutMs: 5000, message: "shell started" });
  const status = await p.stop({ signal: "SIGTERM", graceMs: 2000 });
  assert.equal(status.success, false);
  // The background sleep was in the same group: nothing of the group runs any more (zombies left to
  // an init that does not reap them are dead already).
  await waitFor(() => liveGroupMembers(p.pid).length === 0, { timeoutMs: 2000, message: "group ended" });
});

/** Pids of the processes in group `pgid` that are not zombies (Linux /proc). */
function liveGroupMembers(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    let stat: string;
    try {
      stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
    } catch {
      continue; // exited meanwhile
    }
    // Fields after the parenthesised command: state, ppid, pgrp, …
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(pgrp) === pgid && state !== "Z") pids.push(Number(entry.name));
  }
  return pids;
}
