/**
 * Control API v3 end to end: ffmpeg publishes, GStreamer reads, the real curl binary queries every
 * runtime endpoint; JSON checked field by field against the schema fixture; kick ends the reader.
 */
import assert from "node:assert/strict";
import {
  clientsAvailable,
  ffmpegPublish,
  interopIgnore,
  requireClients,
  startFfmpegRead,
  startGstRead,
} from "../_helpers/clients.ts";
import { allocatePorts } from "../_helpers/ports.ts";
import { waitFor } from "../_helpers/wait.ts";
import { makeTestCert } from "../_helpers/certs.ts";
import { curl, curlJson } from "../_helpers/curl.ts";
import { assertSchema } from "../_helpers/api_schema.ts";
import { startTestServer } from "../integration/_server.ts";

const available = await clientsAvailable();
const ignore = interopIgnore(available, ["ffmpeg", "gst"]);

type Json = Record<string, unknown>;

Deno.test({
  name:
    "api: curl lists paths, conns and sessions while ffmpeg publishes and GStreamer reads; kick ends the reader",
  ignore,
  async fn(t) {
    requireClients(available, ["ffmpeg", "gst"]);
    const [apiPort] = await allocatePorts(1);
    const cert = await makeTestCert();
    await using server = await startTestServer(
      [
        "api: yes",
        `apiAddress: 127.0.0.1:${apiPort}`,
        "rtspEncryption: optional",
        `rtspServerCert: ${cert.certFile}`,
        `rtspServerKey: ${cert.keyFile}`,
      ].join("\n"),
      { quiet: true },
    );
    const api = (p: string) => `http://127.0.0.1:${apiPort}${p}`;
    await using _pub = await ffmpegPublish({ url: server.url("cam"), transport: "tcp", media: "h264_aac" });
    let path: Json = {};
    await waitFor(async () => {
      const r = await curlJson(api("/v3/paths/get/cam"));
      path = r.json as Json;
      return r.status === 200 && path.available === true;
    }, { timeoutMs: 15_000, message: "path cam available" });
    await using reader = startGstRead({ url: server.url("cam"), protocols: "tcp", seconds: 25 });
    await waitFor(async () => {
      path = (await curlJson(api("/v3/paths/get/cam"))).json as Json;
      return (path.readers as unknown[]).length === 1;
    }, { timeoutMs: 15_000, message: "reader listed" });

    await t.step("info", async () => {
      const r = await curlJson(api("/v3/info"));
      assert.equal(r.status, 200);
      assert.equal(r.headers.get("server"), "mediamtx");
      assert.equal(r.headers.get("content-type"), "application/json; charset=utf-8");
      assert.equal(r.headers.get("access-control-allow-origin"), "*");
      assertSchema("Info", r.json);
      assert.match((r.json as Json).version as string, /^v\d+\.\d+\.\d+/);
    });

    let publisherId = "";
    let readerId = "";
    await t.step("paths", async () => {
      assertSchema("Path", path);
      assert.equal(path.name, "cam");
      assert.equal(path.confName, "all_others");
      const source = path.source as Json;
      assertSchema("PathSource", source);
      assert.equal(source.type, "rtspSession");
      publisherId = source.id as string;
      const readers = path.readers as Json[];
      assertSchema("PathReader", readers[0]);
      assert.equal(readers[0].type, "rtspSession");
      readerId = readers[0].id as string;
      for (const track of path.tracks2 as Json[]) assertSchema("PathTrack", track);
      assert.deepEqual(path.tracks, ["H264", "MPEG-4 Audio"]);
      const h264 = (path.tracks2 as Json[])[0].codecProps as Json;
      assert.equal(h264.width, 640);
      assert.equal(h264.height, 360);
      assert.equal(typeof h264.profile, "string");
      assert.match(h264.level as string, /^\d(\.\d)?$/);
      const aac = (path.tracks2 as Json[])[1].codecProps as Json;
      assert.ok(typeof aac.sampleRate === "number" && typeof aac.channelCount === "number");
      const list = await curlJson(api("/v3/paths/list"));
      assertSchema("List", list.json);
      const l = list.json as Json;
      assert.equal(l.itemCount, 1);
      assert.equal(l.pageCount, 1);
      assertSchema("Path", (l.items as Json[])[0]);
      const missing = await curlJson(api("/v3/paths/get/nope/deeper"));
      assert.equal(missing.status, 404);
      assert.deepEqual(missing.json, { status: "error", error: "path not found" });
    });

    await t.step("rtspsessions and rtspconns, counters grow", async () => {
      const list = (await curlJson(api("/v3/rtspsessions/list"))).json as Json;
      assertSchema("List", list);
      assert.equal(list.itemCount, 2);
      for (const s of list.items as Json[]) assertSchema("RTSPSession", s);
      const get = async (id: string) => (await curlJson(api(`/v3/rtspsessions/get/${id}`))).json as Json;
      const pub1 = await get(publisherId);
      const read1 = await get(readerId);
      assert.equal(pub1.state, "publish");
      assert.equal(pub1.transport, "TCP");
      assert.equal(pub1.profile, "AVP");
      assert.equal(pub1.path, "cam");
      assert.match(pub1.userAgent as string, /Lavf/);
      assert.equal(read1.state, "read");
      assert.match(read1.userAgent as string, /GStreamer/);
      await waitFor(async () => {
        const pub2 = await get(publisherId);
        const read2 = await get(readerId);
        return (pub2.inboundRTPPackets as number) > (pub1.inboundRTPPackets as number) &&
          (pub2.inboundBytes as number) > (pub1.inboundBytes as number) &&
          (read2.outboundRTPPackets as number) > (read1.outboundRTPPackets as number) &&
          (read2.outboundBytes as number) > (read1.outboundBytes as number);
      }, { timeoutMs: 5_000, message: "counters grow" });
      // RTCP: ffmpeg's sender reports in, our sender reports out to the reader, GStreamer's receiver reports in.
      await waitFor(async () => {
        const pub = await get(publisherId);
        const read = await get(readerId);
        return (pub.inboundRTCPPackets as number) > 0 && (read.outboundRTCPPackets as number) > 0 &&
          (read.inboundRTCPPackets as number) > 0;
      }, { timeoutMs: 10_000, message: "RTCP counters" });
      const pub3 = await get(publisherId);
      assert.equal(pub3.inboundRTPPacketsLost, 0);
      assert.equal(pub3.inboundRTPPacketsInError, 0);
      assert.ok(Number.isFinite(pub3.inboundRTPPacketsJitter));
      const pathAgain = (await curlJson(api("/v3/paths/get/cam"))).json as Json;
      assert.ok((pathAgain.inboundBytes as number) > 0 && (pathAgain.outboundBytes as number) > 0);
      const conns = (await curlJson(api("/v3/rtspconns/list"))).json as Json;
      assert.equal(conns.itemCount, 2);
      for (const c of conns.items as Json[]) {
        assertSchema("RTSPConn", c);
        assert.equal(c.tunnel, "none");
        assert.ok((c.inboundBytes as number) > 0);
      }
      const first = (conns.items as Json[])[0];
      const one = await curlJson(api(`/v3/rtspconns/get/${first.id}`));
      assert.equal(one.status, 200);
      assert.equal((one.json as Json).id, first.id);
      assert.ok([publisherId, readerId].includes((one.json as Json).session as string));
      const page = (await curlJson(api("/v3/rtspsessions/list?itemsPerPage=1&page=1"))).json as Json;
      assert.equal(page.pageCount, 2);
      assert.equal((page.items as unknown[]).length, 1);
    });

    await t.step("rtsps twins, errors and missing routes", async () => {
      const none = await curlJson(api("/v3/rtspssessions/list"));
      assert.equal(none.status, 200);
      assert.deepEqual(none.json, { itemCount: 0, pageCount: 0, items: [] });
      const cases: [string, string | undefined, number, unknown][] = [
        ["/v3/rtspsessions/get/abc", undefined, 400, { status: "error", error: "invalid UUID length: 3" }],
        [`/v3/rtspsessions/get/${crypto.randomUUID()}`, undefined, 404, {
          status: "error",
          error: "session not found",
        }],
        [`/v3/rtspconns/get/${crypto.randomUUID()}`, undefined, 404, {
          status: "error",
          error: "connection not found",
        }],
        [`/v3/rtspssessions/kick/${crypto.randomUUID()}`, "POST", 404, {
          status: "error",
          error: "session not found",
        }],
        ["/v3/paths/list?itemsPerPage=0", undefined, 400, {
          status: "error",
          error: "invalid items per page",
        }],
        ["/v3/paths/list?page=x", undefined, 400, {
          status: "error",
          error: 'strconv.ParseUint: parsing "x": invalid syntax',
        }],
      ];
      for (const [p, method, status, body] of cases) {
        const r = await curlJson(api(p), { method });
        assert.equal(r.status, status, p);
        assert.deepEqual(r.json, body, p);
      }
      for (
        const [p, method] of [["/v3/recordings/list"], ["/v3/hlsmuxers/list"], [
          "/v3/rtspsessions/list",
          "POST",
        ]]
      ) {
        const r = await curl(api(p), { method });
        assert.equal(r.status, 404, p);
        assert.equal(r.body, "404 page not found");
        assert.equal(r.headers.get("content-type"), "text/plain");
      }
      const pre = await curl(api("/v3/paths/list"), {
        method: "OPTIONS",
        args: ["-H", "Origin: http://example.com", "-H", "Access-Control-Request-Method: GET"],
      });
      assert.equal(pre.status, 204);
      assert.equal(pre.headers.get("access-control-allow-methods"), "OPTIONS, GET, POST, PATCH, DELETE");
      assert.equal(pre.headers.get("access-control-allow-headers"), "Authorization, Content-Type");
    });

    await t.step("an ffmpeg reader over the HTTP tunnel shows tunnel=http", async () => {
      await using tunneled = startFfmpegRead({ url: server.url("cam"), transport: "http", seconds: 25 });
      let conn: Json | undefined;
      await waitFor(async () => {
        const conns = (await curlJson(api("/v3/rtspconns/list"))).json as Json;
        conn = (conns.items as Json[]).find((c) => c.tunnel === "http" && c.session !== null);
        return conn !== undefined;
      }, { timeoutMs: 15_000, message: "tunnelled conn listed" });
      assertSchema("RTSPConn", conn);
      const session = (await curlJson(api(`/v3/rtspsessions/get/${conn!.session}`))).json as Json;
      assert.equal(session.transport, "TCP");
      await waitFor(() => tunneled.frames() > 0, { timeoutMs: 10_000, message: "tunnelled frames" });
    });

    await t.step("rtsps twins list an RTSPS reader, and kick ends it", async () => {
      await using tlsReader = startFfmpegRead({
        url: server.secureUrl("cam"),
        transport: "tcp",
        seconds: 25,
      });
      let sessions: Json = {};
      await waitFor(async () => {
        sessions = (await curlJson(api("/v3/rtspssessions/list"))).json as Json;
        return (sessions.items as Json[]).some((s) => s.state === "read");
      }, { timeoutMs: 15_000, message: "RTSPS reader listed" });
      const session = (sessions.items as Json[]).find((s) => s.state === "read")!;
      assertSchema("RTSPSession", session);
      assert.equal(session.transport, "TCP");
      const conns = (await curlJson(api("/v3/rtspsconns/list"))).json as Json;
      assert.equal(conns.itemCount, 1);
      assertSchema("RTSPConn", (conns.items as Json[])[0]);
      assert.equal((conns.items as Json[])[0].session, session.id);
      const readers = ((await curlJson(api("/v3/paths/get/cam"))).json as Json).readers as Json[];
      assert.deepEqual(readers.map((r) => r.type).sort(), ["rtspSession", "rtspsSession"]);
      const kick = await curlJson(api(`/v3/rtspssessions/kick/${session.id}`), { method: "POST" });
      assert.deepEqual(kick.json, { status: "ok" });
      await waitFor(() => tlsReader.exitStatus !== undefined, {
        timeoutMs: 10_000,
        message: "ffmpeg exits after kick",
      });
    });

    await t.step("kick ends the GStreamer reader", async () => {
      const r = await curlJson(api(`/v3/rtspsessions/kick/${readerId}`), { method: "POST" });
      assert.equal(r.status, 200);
      assert.deepEqual(r.json, { status: "ok" });
      await waitFor(() => reader.exitStatus !== undefined, {
        timeoutMs: 10_000,
        message: "gst exits after kick",
      });
      const gone = await curlJson(api(`/v3/rtspsessions/get/${readerId}`));
      assert.equal(gone.status, 404);
    });
  },
});

Deno.test({
  name:
    "api: a user config without loopback access asks for credentials (401) and accepts Basic and Bearer user:pass",
  async fn() {
    const [apiPort] = await allocatePorts(1);
    await using _server = await startTestServer(
      [
        "api: yes",
        `apiAddress: 127.0.0.1:${apiPort}`,
        "authInternalUsers:",
        "  - user: any",
        "    permissions: [{ action: publish }, { action: read }]",
        "  - user: admin",
        "    pass: secret",
        "    permissions: [{ action: api }]",
      ].join("\n"),
      { quiet: true },
    );
    const url = `http://127.0.0.1:${apiPort}/v3/paths/list`;
    const anon = await curl(url);
    assert.equal(anon.status, 401);
    assert.deepEqual(JSON.parse(anon.body), { status: "error", error: "authentication error" });
    assert.equal(anon.headers.get("www-authenticate"), 'Basic realm="mediamtx"');
    const basic = await curl(url, { args: ["-u", "admin:secret"] });
    assert.equal(basic.status, 200);
    const bearer = await curl(url, { args: ["-H", "Authorization: Bearer admin:secret"] });
    assert.equal(bearer.status, 200);
    const notFound = await curl(`http://127.0.0.1:${apiPort}/v3/nothing`);
    assert.equal(notFound.status, 401, "auth comes before routing");
  },
});

Deno.test({
  name: "api: HTTPS listener (apiEncryption) shows the authenticated user and User-Agent of a publisher",
  ignore: interopIgnore(available, ["ffmpeg"]),
  async fn() {
    requireClients(available, ["ffmpeg"]);
    const [apiPort] = await allocatePorts(1);
    const cert = await makeTestCert();
    await using server = await startTestServer(
      [
        "api: yes",
        `apiAddress: 127.0.0.1:${apiPort}`,
        "apiEncryption: yes",
        `apiServerCert: ${cert.certFile}`,
        `apiServerKey: ${cert.keyFile}`,
        "authInternalUsers:",
        "  - user: cam",
        "    pass: campass",
        "    permissions: [{ action: publish }]",
        "  - user: any",
        "    ips: [127.0.0.1]",
        "    permissions: [{ action: read }, { action: api }]",
      ].join("\n"),
      { quiet: true },
    );
    const url = `https://127.0.0.1:${apiPort}/v3/rtspsessions/list`;
    await using _pub = await ffmpegPublish({
      url: `rtsp://cam:campass@127.0.0.1:${server.ports.rtsp}/door`,
      transport: "tcp",
      media: "h264_bframes_opus",
    });
    let item: Json | undefined;
    await waitFor(async () => {
      const r = await curlJson(url);
      item = ((r.json as Json).items as Json[]).find((s) => s.state === "publish");
      return item !== undefined;
    }, { timeoutMs: 15_000, message: "publisher listed over HTTPS" });
    assert.equal(item!.user, "cam");
    assert.match(item!.userAgent as string, /^Lavf/);
    assert.equal(item!.path, "door");
    const path = (await curlJson(`https://127.0.0.1:${apiPort}/v3/paths/get/door`)).json as Json;
    assert.deepEqual(path.tracks, ["H264", "Opus"]);
    const [video, audio] = path.tracks2 as Json[];
    assert.equal((video.codecProps as Json).profile, "High");
    assert.deepEqual(audio.codecProps, { channelCount: 1 }, "mono Opus (no sprop-stereo)");
    const plain = await new Deno.Command("curl", {
      args: ["-sS", "--max-time", "5", `http://127.0.0.1:${apiPort}/v3/info`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(!plain.success || new TextDecoder().decode(plain.stdout) === "", "plain HTTP is not served");
  },
});
