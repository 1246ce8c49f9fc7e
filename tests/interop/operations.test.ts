/**
 * The operational surfaces together, on the real server process started from its mediamtx.yml, the
 * way a user runs it: the control API edits the configuration live (ffprobe plays a path added with
 * a `source`, and no longer once it is deleted; `logLevel` switches to debug), `/metrics` agrees with
 * the API's counters, and the API and metrics listeners themselves follow file edits and API writes
 * while an RTSP reader keeps receiving every packet.
 */
import assert from "node:assert/strict";
import { RtspClient } from "../../src/client/mod.ts";
import { rtpSequenceNumber } from "../../src/wire/rtp/packet.ts";
import type { ApiPath, ApiRtspSession } from "../../src/api/mod.ts";
import {
  clientsAvailable,
  ffmpegPublish,
  ffprobeVideo,
  interopIgnore,
  requireClients,
} from "../_helpers/clients.ts";
import { curl, curlJson } from "../_helpers/curl.ts";
import { allocatePorts } from "../_helpers/ports.ts";
import { parsePrometheusText, sampleValue } from "../_helpers/prometheus.ts";
import { serverConfig, type ServerProcess, startServerWithPorts } from "../_helpers/server_process.ts";
import { publishingSession } from "../_helpers/server_logs.ts";
import { waitFor, withTimeout } from "../_helpers/wait.ts";
import { startTestServer } from "../integration/_server.ts";

const available = await clientsAvailable();
const ignore = interopIgnore(available, ["ffmpeg"]);

/** Whether nothing listens on `port` any more (curl cannot connect). */
async function refuses(port: number): Promise<boolean> {
  try {
    await curl(`http://127.0.0.1:${port}/v3/info`, { args: ["--max-time", "2"] });
    return false;
  } catch (e) {
    return /Failed to connect|Connection refused|couldn't connect/i.test((e as Error).message);
  }
}

/** curl with a JSON body. */
function send(method: string, url: string, body: unknown) {
  return curlJson(url, {
    method,
    args: ["-H", "Content-Type: application/json", "-d", JSON.stringify(body)],
  });
}

/** The one session of `state` on `path`, from `/v3/rtspsessions/list`. */
async function sessionOf(api: string, path: string, state: "read" | "publish"): Promise<ApiRtspSession> {
  const { json } = await curlJson(`${api}/v3/rtspsessions/list`);
  const found = (json as { items: ApiRtspSession[] }).items.filter((s) =>
    s.path === path && s.state === state
  );
  assert.equal(found.length, 1, JSON.stringify(json));
  return found[0];
}

/** Our own RTSP reader of `url`, recording every RTP sequence number per media. */
async function sequenceReader(url: string) {
  const client = await RtspClient.connect(url, { transport: "tcp" });
  const seqs: number[][] = [];
  client.onRtp = (media, p) => (seqs[media] ??= []).push(rtpSequenceNumber(p));
  await client.describe();
  await client.setupAll();
  await client.play();
  let ended = false;
  client.closed.then(() => (ended = true));
  return {
    client,
    packets: () => seqs.reduce((n, list) => n + list.length, 0),
    ended: () => ended,
    /** Fails on the first gap in any media's sequence numbers. */
    assertNoGap() {
      for (const [media, list] of seqs.entries()) {
        assert.ok(list.length > 10, `media ${media}: ${list.length} packets`);
        for (let i = 1; i < list.length; i++) {
          assert.equal(list[i], (list[i - 1] + 1) & 0xffff, `media ${media}: gap after packet ${i - 1}`);
        }
      }
    },
  };
}

/** Writes the server's file again with `extra` and waits for the reload it causes. */
async function editFile(server: ServerProcess, extra: string): Promise<number> {
  const since = server.logs.length;
  await Deno.writeTextFile(server.configPath, serverConfig(server.ports!, extra));
  await server.waitForLog(/INF reloading configuration \(file changed\)/, 10_000, since);
  return since;
}

Deno.test({
  name: "operations: /v3/config adds a path with a source (ffprobe plays it), sets logLevel, deletes it",
  ignore,
  async fn() {
    requireClients(available, ["ffmpeg"]);
    const [apiPort, movedApiPort] = await allocatePorts(2);
    await using server = await startServerWithPorts({
      extraConfig: `api: yes\napiAddress: 127.0.0.1:${apiPort}\npaths:\n  cam:\n`,
    });
    const api = `http://127.0.0.1:${apiPort}`;
    await using _publisher = await ffmpegPublish({
      url: server.url("cam"),
      transport: "tcp",
      media: "h264_aac",
    });
    await publishingSession(server, "cam");

    const source = `rtsp://127.0.0.1:${server.ports!.rtsp}/cam`;
    const added = await send("POST", `${api}/v3/config/paths/add/cam2`, { source });
    assert.deepEqual([added.status, added.json], [200, { status: "ok" }]);
    assert.equal(await ffprobeVideo(server.url("cam2")), "h264,640,360", server.describeLogs());
    const got = await curlJson(`${api}/v3/config/paths/get/cam2`);
    assert.equal(got.status, 200);
    assert.equal((got.json as { name: string; source: string }).name, "cam2");
    assert.equal((got.json as { source: string }).source, source);
    const path = await curlJson(`${api}/v3/paths/get/cam2`);
    assert.deepEqual((path.json as ApiPath).source, { type: "rtspSource", id: "" });

    // logLevel: nothing at debug before, debug lines (the RTSP requests) once patched.
    assert.ok(!server.logs.some((l) => / DEB /.test(l)), "debug lines at logLevel info");
    const patched = await send("PATCH", `${api}/v3/config/global/patch`, { logLevel: "debug" });
    assert.deepEqual([patched.status, patched.json], [200, { status: "ok" }]);
    assert.equal(
      ((await curlJson(`${api}/v3/config/global/get`)).json as { logLevel: string }).logLevel,
      "debug",
    );
    let since = server.logs.length;
    assert.equal(await ffprobeVideo(server.url("cam")), "h264,640,360");
    await server.waitForLog(/ DEB \[RTSP\] .*DESCRIBE/, 5_000, since);

    const deleted = await curlJson(`${api}/v3/config/paths/delete/cam2`, { method: "DELETE" });
    assert.deepEqual([deleted.status, deleted.json], [200, { status: "ok" }]);
    const gone = await ffprobeVideo(server.url("cam2"));
    assert.match(gone, /^exit [1-9].*(400|404)/s);
    assert.equal((await curlJson(`${api}/v3/config/paths/get/cam2`)).status, 404);

    // A write that moves the API listener itself is answered (then the listener moves), in time.
    since = server.logs.length;
    const moved = await withTimeout(
      send("PATCH", `${api}/v3/config/global/patch`, { apiAddress: `127.0.0.1:${movedApiPort}` }),
      5_000,
      "PATCH apiAddress answers",
    );
    assert.deepEqual([moved.status, moved.json], [200, { status: "ok" }]);
    await server.waitForLog(
      new RegExp(`\\[API\\] listener opened on 127\\.0\\.0\\.1:${movedApiPort}`),
      5_000,
      since,
    );
    const info = await curlJson(`http://127.0.0.1:${movedApiPort}/v3/info`);
    assert.equal(info.status, 200);
    assert.ok(await refuses(apiPort), `the API still answers on ${apiPort}`);
    // The API write is kept: the moved API still shows debug, and the publisher was never dropped.
    assert.equal(
      ((await curlJson(`http://127.0.0.1:${movedApiPort}/v3/config/global/get`)).json as { logLevel: string })
        .logLevel,
      "debug",
    );
    assert.equal(server.logs.filter((l) => /\[path cam\] closing/.test(l)).length, 0, server.describeLogs());
  },
});

Deno.test({
  name:
    "operations: file edits move the API and turn metrics on while a reader plays on; /metrics matches the API",
  ignore,
  async fn() {
    requireClients(available, ["ffmpeg"]);
    const [portA, portB, metricsPort] = await allocatePorts(3);
    const paths = "paths:\n  cam:\n";
    await using server = await startServerWithPorts({
      extraConfig:
        `api: yes\napiAddress: 127.0.0.1:${portA}\nmetricsAddress: 127.0.0.1:${metricsPort}\n${paths}`,
    });
    await using _publisher = await ffmpegPublish({
      url: server.url("cam"),
      transport: "tcp",
      media: "h264_aac",
    });
    await publishingSession(server, "cam");
    const reader = await sequenceReader(server.url("cam"));
    await using _client = reader.client;
    await waitFor(() => reader.packets() > 20, { timeoutMs: 10_000, message: "our reader receives cam" });
    assert.equal((await curl(`http://127.0.0.1:${portA}/v3/info`)).status, 200);
    assert.ok(await refuses(metricsPort), "metrics: no, yet something answers");

    // apiAddress A -> B.
    let since = await editFile(
      server,
      `api: yes\napiAddress: 127.0.0.1:${portB}\nmetricsAddress: 127.0.0.1:${metricsPort}\n${paths}`,
    );
    await server.waitForLog(
      new RegExp(`\\[API\\] listener opened on 127\\.0\\.0\\.1:${portB}`),
      5_000,
      since,
    );
    const api = `http://127.0.0.1:${portB}`;
    assert.equal((await curl(`${api}/v3/info`)).status, 200);
    assert.ok(await refuses(portA), `the API still answers on ${portA}`);

    // metrics: no -> yes.
    since = await editFile(
      server,
      `api: yes\napiAddress: 127.0.0.1:${portB}\nmetrics: yes\nmetricsAddress: 127.0.0.1:${metricsPort}\n${paths}`,
    );
    await server.waitForLog(/\[metrics\] listener opened on/, 5_000, since);

    // /metrics between two API reads: api1 <= metrics <= api2 for every counter compared.
    const readerId = (await sessionOf(api, "cam", "read")).id;
    const publisherId = (await sessionOf(api, "cam", "publish")).id;
    const get = async (id: string) =>
      (await curlJson(`${api}/v3/rtspsessions/get/${id}`)).json as ApiRtspSession;
    const [reader1, publisher1] = [await get(readerId), await get(publisherId)];
    const scraped = await curl(`http://127.0.0.1:${metricsPort}/metrics`);
    assert.equal(scraped.status, 200);
    const samples = parsePrometheusText(scraped.body);
    const [reader2, publisher2] = [await get(readerId), await get(publisherId)];
    const within = (name: string, id: string, before: number, after: number) => {
      const value = sampleValue(samples, name, { id });
      assert.ok(before <= value && value <= after, `${name}{id=${id}}: ${before} <= ${value} <= ${after}`);
      return value;
    };
    assert.ok(
      within(
        "rtsp_sessions_outbound_rtp_packets",
        readerId,
        reader1.outboundRTPPackets,
        reader2.outboundRTPPackets,
      ) >
        0,
    );
    within("rtsp_sessions_outbound_bytes", readerId, reader1.outboundBytes, reader2.outboundBytes);
    assert.ok(
      within(
        "rtsp_sessions_inbound_rtp_packets",
        publisherId,
        publisher1.inboundRTPPackets,
        publisher2.inboundRTPPackets,
      ) > 0,
    );
    within("rtsp_sessions_inbound_bytes", publisherId, publisher1.inboundBytes, publisher2.inboundBytes);
    const readers = ((await curlJson(`${api}/v3/paths/get/cam`)).json as ApiPath).readers;
    assert.deepEqual(readers, [{ type: "rtspSession", id: readerId }]);
    const perType = samples.filter((s) => s.name === "paths_readers" && s.labels.name === "cam");
    assert.deepEqual(perType.map((s) => [s.labels.readerType, s.value]), [["rtspSession", readers.length]]);

    // And off again through the API: answered, the metrics listener closes, the API stays.
    since = server.logs.length;
    const off = await send("PATCH", `${api}/v3/config/global/patch`, { metrics: false });
    assert.deepEqual([off.status, off.json], [200, { status: "ok" }]);
    await server.waitForLog(/\[metrics\] listener is closing/, 5_000, since);
    await waitFor(() => refuses(metricsPort), { timeoutMs: 5_000, message: "metrics listener closed" });
    assert.equal((await curl(`${api}/v3/info`)).status, 200);

    // The reader of cam never noticed: still receiving, no gap, cam never closed.
    const packets = reader.packets();
    await waitFor(() => reader.packets() > packets + 20, {
      timeoutMs: 5_000,
      message: "the reader still receives",
    });
    assert.equal(reader.ended(), false, "our reader of cam was closed");
    reader.assertNoGap();
    assert.equal(server.logs.filter((l) => /\[path cam\] closing/.test(l)).length, 0, server.describeLogs());
  },
});

Deno.test("operations: the API on a unix:// socket counts as 127.0.0.1 for users restricted to it (curl --unix-socket)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "api-socket-" });
  const socket = `${dir}/api.sock`;
  try {
    await using _server = await startTestServer(
      `api: yes
apiAddress: unix://${socket}
authInternalUsers:
  - user: admin
    pass: secret
    ips: [127.0.0.1]
    permissions: [{ action: api }]
`,
      { quiet: true },
    );
    const list = (user?: string) =>
      curlJson("http://localhost/v3/paths/list", {
        args: ["--unix-socket", socket, ...(user === undefined ? [] : ["-u", user])],
      });
    const ok = await list("admin:secret");
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.json, { itemCount: 0, pageCount: 0, items: [] });
    const anonymous = await list();
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.headers.get("www-authenticate"), 'Basic realm="mediamtx"');
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
