/**
 * runOn* hooks with real commands: runOnDemand starting an ffmpeg publisher for ffprobe, stopped
 * (whole process group) runOnDemandCloseAfter after the reader leaves; runOnReady / runOnRead /
 * runOnConnect writing their environment to files.
 */
import assert from "node:assert/strict";
import { clientsAvailable, ffmpegPublish, interopIgnore, requireClients } from "../_helpers/clients.ts";
import { spawnProcess } from "../_helpers/process.ts";
import { waitFor } from "../_helpers/wait.ts";
import { startTestServer } from "../integration/_server.ts";

const available = await clientsAvailable();
const ignore = interopIgnore(available, ["ffmpeg"]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** ffprobe of an RTSP URL over TCP: whether it saw the H.264 stream, and its output. */
async function ffprobe(url: string): Promise<{ ok: boolean; output: string }> {
  await using p = spawnProcess("timeout", {
    args: ["-s", "KILL", "30", "ffprobe", "-v", "error", "-rtsp_transport", "tcp", "-show_streams", url],
  });
  const status = await p.wait(35_000);
  return { ok: status.code === 0 && /codec_name=h264/.test(p.output()), output: p.output() };
}

/** Pids whose process group is `pgid` (from /proc). */
function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      // Fields after the ")" that ends the command name: state ppid pgrp …
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid && fields[0] !== "Z") members.push(Number(entry.name));
    } catch {
      // The process ended meanwhile.
    }
  }
  return members;
}

/** Sends one DESCRIBE on a fresh connection and returns the status line. */
async function describeStatus(port: number, url: string): Promise<string> {
  using conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(`DESCRIBE ${url} RTSP/1.0\r\nCSeq: 1\r\n\r\n`));
  const buf = new Uint8Array(4096);
  const n = await conn.read(buf);
  return new TextDecoder().decode(buf.subarray(0, n ?? 0)).split("\r\n")[0];
}

function readLines(file: string): string[] {
  try {
    return Deno.readTextFileSync(file).split("\n").filter((l) => l !== "");
  } catch {
    return [];
  }
}

/** `KEY=value` lines of `env` output. */
function readEnv(file: string): Record<string, string> {
  return Object.fromEntries(
    readLines(file).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
}

Deno.test({
  name:
    "runOnDemand: two first readers share one ffmpeg; its process group is gone CloseAfter after they leave",
  ignore,
  async fn() {
    requireClients(available, ["ffmpeg"]);
    const dir = await Deno.makeTempDir();
    const pidFile = `${dir}/pids`;
    const closeAfterMs = 2000;
    // `$$` is not a variable name: the server leaves it to sh, which writes its pid (= the group id,
    // since the hook runs in its own session) before exec'ing ffmpeg.
    const publish = "ffmpeg -hide_banner -loglevel error -re -f lavfi -i testsrc=size=320x240:rate=25 " +
      "-c:v libx264 -preset ultrafast -tune zerolatency -g 25 -f rtsp rtsp://localhost:$RTSP_PORT/$MTX_PATH";
    await using server = await startTestServer(`
paths:
  ondemand:
    runOnDemand: sh -c 'echo $$ >> ${pidFile}; exec ${publish}'
    runOnDemandStartTimeout: 20s
    runOnDemandCloseAfter: ${closeAfterMs / 1000}s
    runOnUnDemand: sh -c 'echo undemand >> ${dir}/undemand'
`);
    try {
      const [a, b] = await Promise.all([ffprobe(server.url("ondemand")), ffprobe(server.url("ondemand"))]);
      const left = performance.now();
      assert.ok(a.ok, `${a.output}\n${server.logs.slice(-30).join("\n")}`);
      assert.ok(b.ok, b.output);
      const pids = readLines(pidFile);
      assert.equal(pids.length, 1, `one command for both readers, got ${pids.join(",")}`);
      const pgid = Number(pids[0]);
      assert.ok(groupMembers(pgid).length > 0, "the publisher keeps running right after the readers leave");
      await waitFor(() => groupMembers(pgid).length === 0, {
        timeoutMs: closeAfterMs + 8000,
        message: "the runOnDemand process group is still there",
      });
      const goneAfter = performance.now() - left;
      console.log(`runOnDemand: process group gone ${Math.round(goneAfter)} ms after the readers left`);
      assert.ok(goneAfter >= closeAfterMs - 300, `stopped too early (${goneAfter} ms)`);
      await waitFor(() => readLines(`${dir}/undemand`).length === 1, {
        timeoutMs: 5000,
        message: "runOnUnDemand was not launched",
      });
      assert.ok(
        server.logs.some((l) =>
          /\[path ondemand\] runOnDemand command stopped: not needed by anyone/.test(l)
        ),
      );
      assert.equal(server.app.pathManager.paths.has("ondemand"), false, "the idle path is forgotten");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "runOnDemand: no publisher within runOnDemandStartTimeout answers 400 and stops the command",
  async fn() {
    const dir = await Deno.makeTempDir();
    await using server = await startTestServer(`
paths:
  late:
    runOnDemand: sh -c 'echo $$ > ${dir}/pid; exec sleep 60'
    runOnDemandStartTimeout: 1s
`);
    try {
      assert.equal(await describeStatus(server.ports.rtsp, server.url("late")), "RTSP/1.0 400 Bad Request");
      const pgid = Number(readLines(`${dir}/pid`)[0]);
      await waitFor(() => groupMembers(pgid).length === 0, { timeoutMs: 8000, message: "sleep still runs" });
      assert.ok(server.logs.some((l) => /runOnDemand command stopped: timed out/.test(l)));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "runOnDemand: a command that ended by itself is started again for the next reader",
  async fn() {
    const dir = await Deno.makeTempDir();
    await using server = await startTestServer(`
paths:
  flaky:
    runOnDemand: sh -c 'echo $$ >> ${dir}/pids'
    runOnDemandStartTimeout: 500ms
`);
    try {
      for (let i = 1; i <= 2; i++) {
        assert.equal(
          await describeStatus(server.ports.rtsp, server.url("flaky")),
          "RTSP/1.0 400 Bad Request",
        );
        assert.equal(readLines(`${dir}/pids`).length, i, `attempt ${i} started a command`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "runOnInit runs from startup to shutdown; runOnDemand gets the first reader's query",
  async fn() {
    const dir = await Deno.makeTempDir();
    const server = await startTestServer(`
paths:
  init:
    runOnInit: sh -c 'env > ${dir}/init.env; echo $$ > ${dir}/init.pid; exec sleep 60'
  demand:
    runOnDemand: sh -c 'echo "$MTX_QUERY" > ${dir}/demand.query; exec sleep 60'
    runOnDemandStartTimeout: 300ms
`);
    try {
      await waitFor(() => readLines(`${dir}/init.pid`).length === 1, {
        timeoutMs: 5000,
        message: "no runOnInit",
      });
      const env = readEnv(`${dir}/init.env`);
      assert.equal(env.MTX_PATH, "init");
      assert.equal(env.RTSP_PORT, String(server.ports.rtsp));
      assert.equal(
        await describeStatus(server.ports.rtsp, `${server.url("demand")}?user=a b&x=1`.replace(" ", "%20")),
        "RTSP/1.0 400 Bad Request",
      );
      assert.equal(readLines(`${dir}/demand.query`)[0], "user%3Da%2520b%26x%3D1");
      const pgid = Number(readLines(`${dir}/init.pid`)[0]);
      assert.ok(groupMembers(pgid).length > 0);
      await server[Symbol.asyncDispose]();
      assert.equal(groupMembers(pgid).length, 0, "runOnInit is stopped at shutdown");
      assert.ok(server.logs.some((l) => /\[path init\] runOnInit command stopped/.test(l)));
    } finally {
      await server[Symbol.asyncDispose]();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "runOnReady, runOnRead and runOnConnect get MediaMTX's variables",
  ignore,
  async fn() {
    requireClients(available, ["ffmpeg"]);
    const dir = await Deno.makeTempDir();
    await using server = await startTestServer(`
runOnConnect: sh -c 'env > ${dir}/connect_$$.env'
runOnDisconnect: sh -c 'echo $MTX_CONN_ID >> ${dir}/disconnect'
paths:
  "~^cam(\\\\d+)$":
    runOnReady: sh -c 'env > ${dir}/ready.env; exec sleep 60'
    runOnNotReady: sh -c 'echo $MTX_SOURCE_ID > ${dir}/notready'
    runOnRead: sh -c 'env > ${dir}/read.env'
    runOnUnread: sh -c 'echo $MTX_READER_ID > ${dir}/unread'
`);
    try {
      const port = String(server.ports.rtsp);
      {
        await using _pub = await ffmpegPublish({
          url: `rtsp://127.0.0.1:${port}/cam7?pubq=1`,
          transport: "tcp",
          media: "h264_aac",
        });
        await waitFor(() => readEnv(`${dir}/ready.env`).MTX_SOURCE_ID !== undefined, {
          timeoutMs: 15000,
          message: "runOnReady did not run",
        });
        const probe = await ffprobe(`rtsp://127.0.0.1:${port}/cam7?a=1&b=2`);
        assert.ok(probe.ok, probe.output);
        await waitFor(() => readLines(`${dir}/unread`).length === 1, {
          timeoutMs: 5000,
          message: "no runOnUnread",
        });
      }
      const ready = readEnv(`${dir}/ready.env`);
      assert.equal(ready.MTX_PATH, "cam7");
      assert.equal(ready.RTSP_PATH, "cam7");
      assert.equal(ready.RTSP_PORT, port);
      assert.equal(ready.G1, "7");
      assert.equal(ready.MTX_SOURCE_TYPE, "rtspSession");
      assert.match(ready.MTX_SOURCE_ID, UUID);
      assert.equal(ready.MTX_QUERY, "pubq%3D1");
      assert.equal(ready.PATH, Deno.env.get("PATH"), "the server's environment is inherited");

      const read = readEnv(`${dir}/read.env`);
      assert.equal(read.MTX_PATH, "cam7");
      assert.equal(read.G1, "7");
      assert.equal(read.RTSP_PORT, port);
      assert.equal(read.MTX_READER_TYPE, "rtspSession");
      assert.match(read.MTX_READER_ID, UUID);
      assert.notEqual(read.MTX_READER_ID, ready.MTX_SOURCE_ID);
      assert.equal(read.MTX_QUERY, "a%3D1%26b%3D2");
      assert.equal(readLines(`${dir}/unread`)[0], read.MTX_READER_ID);

      // The publisher left: runOnReady's sleep is stopped and runOnNotReady launched.
      await waitFor(() => readLines(`${dir}/notready`).length === 1, {
        timeoutMs: 8000,
        message: "no runOnNotReady",
      });
      assert.equal(readLines(`${dir}/notready`)[0], ready.MTX_SOURCE_ID);

      const connects = [...Deno.readDirSync(dir)].filter((e) => e.name.startsWith("connect_"));
      assert.ok(connects.length >= 2, "publisher and reader connections");
      for (const e of connects) {
        const env = readEnv(`${dir}/${e.name}`);
        assert.equal(env.MTX_CONN_TYPE, "rtspConn");
        assert.match(env.MTX_CONN_ID, UUID);
        assert.equal(env.RTSP_PORT, port);
        assert.equal(env.MTX_PATH, undefined);
      }
      await waitFor(() => readLines(`${dir}/disconnect`).length >= 2, {
        timeoutMs: 5000,
        message: "no runOnDisconnect",
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
