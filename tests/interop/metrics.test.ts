/**
 * `/metrics` end to end, as a Prometheus user checks it: the real server with `metrics: yes`,
 * ffmpeg publishing, ffmpeg reading, and curl scraping. Every scrape must parse as Prometheus text,
 * and its series must name the same sessions the status (the API's objects) lists.
 */
import assert from "node:assert/strict";
import {
  clientsAvailable,
  ffmpegPublish,
  interopIgnore,
  requireClients,
  startFfmpegRead,
} from "../_helpers/clients.ts";
import { makeTestCert } from "../_helpers/certs.ts";
import { allocatePorts } from "../_helpers/ports.ts";
import { parsePrometheusText, type PromSample, sampleValue } from "../_helpers/prometheus.ts";
import { waitFor } from "../_helpers/wait.ts";
import { startTestServer } from "../integration/_server.ts";
import type { ApiRtspSession } from "../../src/api/status_types.ts";

const available = await clientsAvailable();
const ignore = interopIgnore(available, ["ffmpeg"]);

interface CurlResult {
  status: number;
  headers: Headers;
  body: string;
}

/** One request with the curl binary (`-i`: status line and headers, then the body, byte for byte). */
async function curl(url: string, args: string[] = []): Promise<CurlResult> {
  const out = await new Deno.Command("curl", {
    args: ["-sS", "-i", "--max-time", "10", ...args, url],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, `curl ${url}: ${new TextDecoder().decode(out.stderr)}`);
  const split = text.indexOf("\r\n\r\n");
  const head = text.slice(0, split).split("\r\n");
  const headers = new Headers();
  for (const line of head.slice(1)) {
    const colon = line.indexOf(":");
    headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return { status: Number(head[0].split(" ")[1]), headers, body: text.slice(split + 4) };
}

/** Scrapes and parses; fails on any line a Prometheus scraper would reject. */
async function scrape(base: string, query = ""): Promise<{ text: string; samples: PromSample[] }> {
  const res = await curl(`${base}/metrics${query}`);
  assert.equal(res.status, 200, res.body);
  assert.equal(res.headers.get("content-type"), "text/plain; charset=utf-8");
  assert.equal(res.headers.get("server"), "mediamtx");
  return { text: res.body, samples: parsePrometheusText(res.body) };
}

Deno.test({
  name: "metrics: ffmpeg publishes, ffmpeg reads, curl scrapes paths, readers, sessions and filters",
  ignore,
  async fn() {
    requireClients(available, ["ffmpeg"]);
    const [metricsPort] = await allocatePorts(1);
    await using server = await startTestServer(`metrics: yes\nmetricsAddress: 127.0.0.1:${metricsPort}`);
    const base = `http://127.0.0.1:${metricsPort}`;
    assert.ok(server.logs.some((l) => l.includes(`[metrics] listener opened on 127.0.0.1:${metricsPort}`)));

    // An idle server: MediaMTX's zero lines, RTSPS (rtspEncryption: no) left out.
    const idle = await scrape(base);
    assert.equal(sampleValue(idle.samples, "paths"), 0);
    assert.equal(sampleValue(idle.samples, "rtsp_sessions"), 0);
    assert.ok(!idle.text.includes("rtsps_"), idle.text);

    await using _pub = await ffmpegPublish({ url: server.url("cam"), transport: "tcp", media: "h264_aac" });
    await waitFor(
      async () => (await scrape(base, "?type=paths")).text.includes('paths{name="cam",state="ready"} 1'),
      {
        timeoutMs: 10_000,
        message: "path cam ready in /metrics",
      },
    );

    await using _reader = startFfmpegRead({ url: server.url("cam"), transport: "tcp", seconds: 60 });
    const readerLine = 'paths_readers{name="cam",readerType="rtspSession",state="ready"} 1';
    await waitFor(async () => (await scrape(base, "?type=paths")).text.includes(readerLine), {
      timeoutMs: 10_000,
      message: "the reader counted in paths_readers",
    });

    const { samples } = await scrape(base);
    const sessions = samples.filter((s) => s.name === "rtsp_sessions");
    const publisher = sessions.find((s) => s.labels.state === "publish");
    const reader = sessions.find((s) => s.labels.state === "read");
    assert.ok(publisher !== undefined && reader !== undefined, JSON.stringify(sessions));
    assert.equal(publisher.labels.path, "cam");
    assert.equal(reader.labels.path, "cam");
    assert.match(publisher.labels.remoteAddr, /^127\.0\.0\.1:\d+$/);
    // The same sessions and conns as the API's status objects.
    const api = server.app.status;
    assert.deepEqual(
      sessions.map((s) => s.labels.id).sort(),
      (api.rtspSessions(false) ?? []).map((s) => s.id).sort(),
    );
    assert.deepEqual(
      samples.filter((s) => s.name === "rtsp_conns").map((s) => s.labels.id).sort(),
      (api.rtspConns(false) ?? []).map((c) => c.id).sort(),
    );
    // Counters come from the same objects: the status read after the scrape is never behind it.
    const counters: [string, (s: ApiRtspSession) => number][] = [
      ["rtsp_sessions_inbound_bytes", (s) => s.inboundBytes],
      ["rtsp_sessions_inbound_rtp_packets", (s) => s.inboundRTPPackets],
      ["rtsp_sessions_outbound_bytes", (s) => s.outboundBytes],
      ["rtsp_sessions_outbound_rtp_packets", (s) => s.outboundRTPPackets],
      ["rtsp_sessions_outbound_rtp_packets_discarded", (s) => s.outboundRTPPacketsDiscarded],
    ];
    const after = api.rtspSessions(false) ?? [];
    for (const [family, field] of counters) {
      for (const s of after) {
        const scraped = sampleValue(samples, family, { id: s.id });
        assert.ok(field(s) >= scraped, `${family} ${s.id}: status ${field(s)} < scraped ${scraped}`);
      }
    }
    for (
      const family of [
        "rtsp_sessions_inbound_rtp_packets_jitter",
        "rtsp_sessions_outbound_rtp_packets_discarded",
      ]
    ) {
      assert.ok(samples.some((s) => s.name === family && s.labels.id === reader.labels.id), family);
    }

    // Filters.
    const onlyPaths = await scrape(base, "?type=paths");
    assert.ok(onlyPaths.samples.every((s) => s.name.startsWith("paths")));
    const onePath = await scrape(base, "?path=cam");
    assert.equal(sampleValue(onePath.samples, "paths", { name: "cam" }), 1);
    assert.ok(onePath.samples.every((s) => s.labels.name === "cam"));
    const noPath = await scrape(base, "?path=nothere");
    assert.equal(noPath.text, "# Paths\n\n# Paths (deprecated)\n\n");
    const oneSession = await scrape(base, `?rtsp_session=${publisher.labels.id}`);
    assert.ok(oneSession.samples.length > 0);
    assert.ok(oneSession.samples.every((s) => s.labels.id === publisher.labels.id), oneSession.text);
    assert.equal((await scrape(base, "?type=unknown")).text, "");
  },
});

Deno.test({
  name: "metrics: a user restricted config answers 401 with a Basic challenge, curl -u gets in",
  ignore: false,
  async fn() {
    const [metricsPort] = await allocatePorts(1);
    await using _server = await startTestServer([
      "metrics: yes",
      `metricsAddress: 127.0.0.1:${metricsPort}`,
      "authInternalUsers:",
      "  - user: any",
      "    permissions: [{action: publish}, {action: read}]",
      "  - user: prom",
      "    pass: scrape",
      "    permissions: [{action: metrics}]",
    ].join("\n"));
    const url = `http://127.0.0.1:${metricsPort}/metrics`;
    const denied = await curl(url);
    assert.equal(denied.status, 401);
    assert.equal(denied.headers.get("www-authenticate"), 'Basic realm="mediamtx"');
    assert.deepEqual(JSON.parse(denied.body), { status: "error", error: "authentication error" });
    const allowed = await curl(url, ["-u", "prom:scrape"]);
    assert.equal(allowed.status, 200);
    parsePrometheusText(allowed.body);
    const preflight = await curl(url, ["-X", "OPTIONS", "-H", "Access-Control-Request-Method: GET"]);
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get("access-control-allow-methods"), "OPTIONS, GET");
  },
});

Deno.test("metrics: metricsEncryption serves HTTPS with metricsServerKey/metricsServerCert", async () => {
  const cert = await makeTestCert();
  try {
    const [metricsPort] = await allocatePorts(1);
    await using server = await startTestServer([
      "metrics: yes",
      `metricsAddress: 127.0.0.1:${metricsPort}`,
      "metricsEncryption: yes",
      `metricsServerKey: ${cert.keyFile}`,
      `metricsServerCert: ${cert.certFile}`,
    ].join("\n"));
    assert.ok(server.logs.some((l) => l.includes(`listener opened on 127.0.0.1:${metricsPort} (TCP/HTTPS)`)));
    const res = await curl(`https://localhost:${metricsPort}/metrics?type=paths`, [
      "--cacert",
      cert.certFile,
    ]);
    assert.equal(res.status, 200);
    assert.equal(sampleValue(parsePrometheusText(res.body), "paths"), 0);
  } finally {
    await Deno.remove(cert.dir, { recursive: true });
  }
});

Deno.test("metrics: a taken metricsAddress stops the start with a clear error and leaves nothing open", async () => {
  const [metricsPort] = await allocatePorts(1);
  using _taken = Deno.listen({ hostname: "127.0.0.1", port: metricsPort });
  await assert.rejects(
    () => startTestServer(`metrics: yes\nmetricsAddress: 127.0.0.1:${metricsPort}`),
    new RegExp(`\\[metrics\\] cannot open 127\\.0\\.0\\.1:${metricsPort}: .*(in use|AddrInUse)`, "i"),
  );
});
