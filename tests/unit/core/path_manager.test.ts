/**
 * PathManager and Path without sockets or processes: a fake clock drives on-demand start timeouts
 * and close delays, and a fake hook runner records what runOnDemand/runOnInit would have run.
 */
import assert from "node:assert/strict";
import { parseConfig } from "../../../src/config/mod.ts";
import { PathManager } from "../../../src/core/path_manager.ts";
import type { Hook, HookRunner } from "../../../src/hooks/mod.ts";
import { Logger } from "../../../src/log/logger.ts";
import type { PathRequest, ReaderSink } from "../../../src/server/stream_port.ts";
import { RtspError } from "../../../src/wire/rtsp/rtsp_error.ts";
import { parseSdp } from "../../../src/wire/sdp/mod.ts";
import { FakeClock } from "../../_helpers/fake_clock.ts";
import { rtpPacket } from "../../integration/_raw_rtsp.ts";

const MEDIAS = parseSdp(
  "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=x\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n",
).medias;

/** Records every start/stop/launch instead of spawning a process. */
class FakeHooks {
  readonly events: string[] = [];
  rtspPort = 8554;
  start(name: string, command: string, env: Record<string, string>): Hook | undefined {
    if (command === "") return undefined;
    this.events.push(`start ${name} ${env.MTX_PATH ?? ""}`);
    return {
      stop: () => {
        this.events.push(`stop ${name}`);
        return Promise.resolve();
      },
      done: new Promise(() => {}),
    };
  }
  launch(name: string, command: string): void {
    if (command !== "") this.events.push(`launch ${name}`);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

function setup(yaml: string) {
  const { config } = parseConfig(yaml, "test.yml", {});
  const clock = new FakeClock();
  const hooks = new FakeHooks();
  const logs: string[] = [];
  const log = new Logger("debug", (l) => logs.push(l));
  const pm = new PathManager(config, log, hooks as unknown as HookRunner, { clock });
  pm.start();
  return { pm, clock, hooks, logs };
}

const req = (path: string, query = ""): PathRequest => ({
  path,
  query,
  remote: { hostname: "127.0.0.1", port: 5000 },
  label: "test",
});

const sink: ReaderSink = { writeRtp() {}, closeByPath() {} };

async function statusOf(p: Promise<unknown>): Promise<number | "ok"> {
  try {
    await p;
    return "ok";
  } catch (e) {
    assert.ok(e instanceof RtspError, String(e));
    return e.status;
  }
}

/** Lets settled promises run their continuations. */
const flush = () => new Promise((r) => setTimeout(r, 0));

Deno.test("PathManager: the status of every request kind without a publisher", async (t) => {
  const { pm } = setup(
    "paths:\n  cam:\n  ~^re(\\d+)$:\n  moved:\n    source: redirect\n    sourceRedirect: rtsp://elsewhere/x\n",
  );
  const table: [string, () => Promise<unknown>, number | "ok"][] = [
    ["describe of a configured path without publisher", () => pm.describe(req("cam")), 404],
    ["describe of a regex path without publisher", () => pm.describe(req("re7")), 404],
    ["describe of an unconfigured path", () => pm.describe(req("nope")), 400],
    ["describe of an invalid name", () => pm.describe(req("a//b")), 400],
    ["describe of a redirect", () => pm.describe(req("moved")), 302],
    ["reader of a path without publisher", () => pm.addReader(req("cam")), 404],
    ["publisher of an unconfigured path", () => pm.addPublisher(req("nope"), MEDIAS, undefined, sink), 400],
  ];
  for (const [name, run, want] of table) {
    await t.step(name, async () => assert.equal(await statusOf(run()), want));
  }
  assert.equal(pm.paths.size, 0, "failed requests leave no path behind");
});

Deno.test("PathManager: a publisher makes the path readable; leaving closes its readers and frees it", async () => {
  const { pm } = setup("paths:\n  cam:\n");
  const pub = await pm.addPublisher(req("cam"), MEDIAS, "title", { closeByPath() {} });
  assert.equal(await statusOf(pm.describe(req("cam"))), 404, "not readable before RECORD");
  const input = pub.start();
  const desc = await pm.describe(req("cam"));
  assert.equal(desc.medias.length, 1);
  assert.equal(desc.title, "title");
  const got: number[] = [];
  let closed: string | undefined;
  const reader = await pm.addReader(req("cam"));
  reader.play({ writeRtp: (_i, p) => got.push(p.data[3]), closeByPath: (r) => (closed = r) }, [0]);
  input.writeRtp(0, rtpPacket(42, 0, new Uint8Array([0x65, 1])));
  assert.deepEqual(got, [42]);
  pub.remove();
  assert.ok(closed !== undefined, "the reader is told the stream ended");
  reader.remove();
  assert.equal(pm.paths.size, 0);
});

Deno.test("PathManager: overridePublisher false refuses a second publisher with 400; true kicks the first", async () => {
  for (const override of [false, true]) {
    const { pm } = setup(`paths:\n  cam:\n    overridePublisher: ${override}\n`);
    let kicked = false;
    (await pm.addPublisher(req("cam"), MEDIAS, undefined, { closeByPath: () => (kicked = true) })).start();
    const second = await statusOf(pm.addPublisher(req("cam"), MEDIAS, undefined, sink));
    assert.equal(second, override ? "ok" : 400, `overridePublisher: ${override}`);
    assert.equal(kicked, override);
  }
});

Deno.test("PathManager: maxReaders answers 400 to one reader too many", async () => {
  const { pm } = setup("paths:\n  cam:\n    maxReaders: 1\n");
  (await pm.addPublisher(req("cam"), MEDIAS, undefined, sink)).start();
  await pm.addReader(req("cam"));
  assert.equal(await statusOf(pm.addReader(req("cam"))), 400);
});

Deno.test("runOnDemand: started for the first reader, 400 after the start timeout, stopped (fake clock)", async () => {
  const { pm, clock, hooks } = setup(
    "paths:\n  od:\n    runOnDemand: publish-it\n    runOnDemandStartTimeout: 5s\n    runOnDemandCloseAfter: 3s\n",
  );
  const waiting = statusOf(pm.describe(req("od", "a=1")));
  await flush();
  assert.deepEqual(hooks.events, ["start runOnDemand od"]);
  clock.advance(4999);
  await flush();
  assert.deepEqual(hooks.events, ["start runOnDemand od"], "still waiting before the timeout");
  clock.advance(1);
  assert.equal(await waiting, 400);
  await flush();
  assert.deepEqual(hooks.events, ["start runOnDemand od", "stop runOnDemand"]);
});

Deno.test("runOnDemand: the publisher arrives in time; the command stops runOnDemandCloseAfter after the last reader", async () => {
  const { pm, clock, hooks } = setup(
    "paths:\n  od:\n    runOnDemand: publish-it\n    runOnUnDemand: bye\n    runOnDemandCloseAfter: 3s\n",
  );
  const reading = pm.addReader(req("od"));
  await flush();
  (await pm.addPublisher(req("od"), MEDIAS, undefined, sink)).start();
  const reader = await reading;
  reader.remove();
  clock.advance(2999);
  await flush();
  assert.ok(!hooks.events.includes("stop runOnDemand"), "stopped before runOnDemandCloseAfter");
  clock.advance(1);
  await flush();
  assert.deepEqual(hooks.events, ["start runOnDemand od", "stop runOnDemand", "launch runOnUnDemand"]);
});

Deno.test("runOnInit: started at start for configured paths, never for regex ones", () => {
  const { hooks } = setup("paths:\n  a:\n    runOnInit: x\n  b:\n");
  assert.deepEqual(hooks.events, ["start runOnInit a"]);
});
