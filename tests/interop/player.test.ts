/**
 * The built-in browser player (our extension, `rtspPlayer`) in headless Chromium: the page of a
 * path that ffmpeg or GStreamer publishes, served on the RTSP or RTSPS port, plays over the
 * WebSocket tunnel with WebCodecs. Checks what a viewer would: frames drawn (against the frames
 * sent in the same window), audio decoded, time to first frame, latency from the publisher's
 * clock (RTCP sender reports) to the draw.
 */
import assert from "node:assert/strict";
import type { Page } from "puppeteer-core";
import { chromiumAvailable, HeadlessBrowser } from "../_helpers/browser.ts";
import {
  clientsAvailable,
  ffmpegPublish,
  interopIgnore,
  isCI,
  PublisherProcess,
  requireClients,
} from "../_helpers/clients.ts";
import { MEDIA_FPS } from "../_helpers/media.ts";
import { publishingSession } from "../_helpers/server_logs.ts";
import { startServerWithPorts } from "../_helpers/server_process.ts";
import { makeTestCert } from "../_helpers/certs.ts";
import { delay, waitFor } from "../_helpers/wait.ts";
import { allocatePorts } from "../_helpers/ports.ts";

const available = await clientsAvailable();
const hasChromium = await chromiumAvailable();
const ignore = interopIgnore(available, ["ffmpeg", "gst", "rtspclientsink"]) || (!hasChromium && !isCI());

interface Stats {
  state: string;
  framesDecoded: number;
  framesDropped: number;
  framesReceived: number;
  audioFramesDecoded: number;
  latencyMs: number | null;
  bytesReceived: number;
  timeToFirstFrameMs: number | null;
  videoCodec: string | null;
  audioCodec: string | null;
  audioLagMs: number | null;
  width: number;
  height: number;
  reconnects: number;
  message: string;
}

function stats(page: Page): Promise<Stats> {
  return page.evaluate(() => (globalThis as unknown as { player: { stats(): Stats } }).player.stats());
}

/**
 * Console errors that mean a broken page. Chromium itself logs a failed WebSocket connection and
 * the 401 of a tunnel answer; the player retries those by design.
 */
function pageErrors(errors: string[]): string[] {
  return errors.filter((e) => !/WebSocket|401/.test(e));
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** What one playing window measured. */
interface Measured {
  first: Stats;
  last: Stats;
  seconds: number;
  decodedInWindow: number;
  expected: number;
  latencyP50: number;
  latencyP99: number;
}

/**
 * Waits for the first frame, then samples stats for `seconds` and compares the frames drawn with
 * the frames the publisher sent in that window (MEDIA_FPS per second).
 */
async function measure(page: Page, label: string, seconds = 5): Promise<Measured> {
  await waitFor(async () => (await stats(page)).framesDecoded > 0, {
    timeoutMs: 20_000,
    message: `${label}: first frame drawn (${JSON.stringify(await stats(page).catch(() => null))})`,
  });
  // Let the cached GOP's burst (frames older than now) pass before measuring latency.
  await delay(1500);
  const first = await stats(page);
  const t0 = performance.now();
  const latencies: number[] = [];
  let last = first;
  while (performance.now() - t0 < seconds * 1000) {
    await delay(100);
    last = await stats(page);
    if (last.latencyMs !== null) latencies.push(last.latencyMs);
  }
  const elapsed = (performance.now() - t0) / 1000;
  const m: Measured = {
    first,
    last,
    seconds: elapsed,
    decodedInWindow: last.framesDecoded - first.framesDecoded,
    expected: Math.floor(elapsed * MEDIA_FPS),
    latencyP50: latencies.length ? percentile(latencies, 50) : NaN,
    latencyP99: latencies.length ? percentile(latencies, 99) : NaN,
  };
  console.log(
    `player ${label}: decoded ${m.decodedInWindow}/${m.expected} in ${elapsed.toFixed(1)} s, ` +
      `total ${last.framesDecoded} dropped ${last.framesDropped} audio ${last.audioFramesDecoded}, ` +
      `first frame ${last.timeToFirstFrameMs} ms, latency p50 ${m.latencyP50} ms p99 ${m.latencyP99} ms, ` +
      `${last.videoCodec} ${last.width}x${last.height} ${last.audioCodec} a/v lag ${last.audioLagMs} ms`,
  );
  return m;
}

function assertPlaying(m: Measured, label: string, logs: string): void {
  const s = m.last;
  const detail = `${label}: ${JSON.stringify(s)}\n${logs}`;
  assert.equal(s.state, "playing", detail);
  assert.ok(
    m.decodedInWindow >= 0.9 * m.expected,
    `${label}: ${m.decodedInWindow} < 90 % of ${m.expected}\n${detail}`,
  );
  assert.ok(s.audioFramesDecoded > 0, `${label}: no audio decoded\n${detail}`);
  assert.ok(
    s.timeToFirstFrameMs !== null && s.timeToFirstFrameMs < 5000,
    `${label}: time to first frame\n${detail}`,
  );
  assert.ok(
    Number.isFinite(m.latencyP50) && m.latencyP50 < 1000,
    `${label}: latency p50 ${m.latencyP50}\n${detail}`,
  );
  assert.equal(s.width, 640, detail);
}

Deno.test({
  name: "player: headless Chromium plays the page of ffmpeg and GStreamer paths (one browser for all steps)",
  ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    requireClients(available, ["ffmpeg", "gst", "rtspclientsink"]);
    await using browser = await HeadlessBrowser.launch();
    await using server = await startServerWithPorts();
    const port = server.ports!.rtsp;

    await t.step("H.264 + AAC", async () => {
      await using _pub = await ffmpegPublish({ url: server.url("aac"), transport: "tcp", media: "h264_aac" });
      await publishingSession(server, "aac");
      const { page, errors } = await browser.page();
      const requested: string[] = [];
      page.on("request", (r) => requested.push(r.url()));
      await page.goto(`http://127.0.0.1:${port}/aac`);
      const m = await measure(page, "h264+aac");
      // The page, the module and the tunnel: nothing from any other host.
      const foreign = requested.filter((u) => new URL(u).host !== `127.0.0.1:${port}`);
      assert.deepEqual(foreign, [], `requests: ${requested.join(" ")}`);
      assert.ok(requested.some((u) => u.endsWith("/player.js")), `requests: ${requested.join(" ")}`);
      assertPlaying(m, "h264+aac", server.describeLogs());
      assert.equal(m.last.audioCodec, "mp4a.40.2");
      assert.deepEqual(pageErrors(errors), []);
      // The README's screenshot: UPDATE_SCREENSHOT=1 writes docs/player.png, else a temporary file.
      const shot = Deno.env.get("UPDATE_SCREENSHOT") === "1"
        ? new URL("../../docs/player.png", import.meta.url).pathname
        : await Deno.makeTempFile({ suffix: ".png" });
      await page.screenshot({ path: shot });
      assert.ok((await Deno.stat(shot)).size > 10_000, "screenshot written");
      if (Deno.env.get("UPDATE_SCREENSHOT") !== "1") await Deno.remove(shot);
      await page.close();
    });

    await t.step("H.264 (B-frames) + Opus", async () => {
      await using _pub = await ffmpegPublish({
        url: server.url("opus"),
        transport: "tcp",
        media: "h264_bframes_opus",
      });
      await publishingSession(server, "opus");
      const { page, errors } = await browser.page();
      await page.goto(`http://127.0.0.1:${port}/opus`);
      const m = await measure(page, "h264+opus");
      assertPlaying(m, "h264+opus", server.describeLogs());
      assert.equal(m.last.audioCodec, "opus");
      assert.deepEqual(pageErrors(errors), []);
      await page.close();
    });

    await t.step("another origin imports /player.js and plays (the public contract)", async () => {
      await using _pub = await ffmpegPublish({
        url: server.url("embed"),
        transport: "tcp",
        media: "h264_aac",
      });
      await publishingSession(server, "embed");
      const [webPort] = await allocatePorts(1);
      const html = `<!doctype html><canvas id="v"></canvas><script type="module">
import { RtspPlayer } from "http://127.0.0.1:${port}/player.js";
globalThis.player = new RtspPlayer(document.getElementById("v"), { url: "http://127.0.0.1:${port}/embed" });
globalThis.player.play();
</script>`;
      const ac = new AbortController();
      const web = Deno.serve(
        { hostname: "127.0.0.1", port: webPort, signal: ac.signal, onListen: () => {} },
        () => new Response(html, { headers: { "Content-Type": "text/html" } }),
      );
      try {
        const { page, errors } = await browser.page();
        await page.goto(`http://127.0.0.1:${webPort}/`);
        const m = await measure(page, "embedded", 3);
        assert.ok(m.decodedInWindow >= 0.9 * m.expected, JSON.stringify(m.last));
        assert.deepEqual(pageErrors(errors), []);
        await page.close();
      } finally {
        ac.abort();
        await web.finished;
      }
    });

    await t.step("a browser without WebCodecs gets a clear message", async () => {
      const { page } = await browser.page();
      await page.evaluateOnNewDocument(() => {
        delete (globalThis as { VideoDecoder?: unknown }).VideoDecoder;
      });
      await page.goto(`http://127.0.0.1:${port}/anything`);
      await waitFor(async () => (await stats(page)).state === "unsupported", {
        timeoutMs: 10_000,
        message: "unsupported state without WebCodecs",
      });
      assert.match((await stats(page)).message, /no WebCodecs/);
      const overlay = () => page.$eval("#stats", (e) => e.textContent ?? "");
      await waitFor(async () => /unsupported: this browser has no WebCodecs/.test(await overlay()), {
        timeoutMs: 5000,
        message: "the overlay tells the viewer",
      });
      await page.close();
    });

    await t.step(
      "https:// on the RTSPS port with Digest credentials, publisher restart",
      () => secureDigestAndRestart(browser),
    );
    await t.step("GStreamer H.265", () => gstreamerH265(browser));
  },
});

const AUTH = `
authInternalUsers:
  - user: pub
    pass: pubpass
    permissions: [{ action: publish }]
  - user: viewer
    pass: viewpass
    permissions: [{ action: read }]
rtspAuthMethods: [digest]
`;

/** Fills the page's sign-in form and submits it. */
async function signIn(page: Page, user: string, pass: string): Promise<void> {
  await page.waitForSelector("#login:not([hidden])", { timeout: 15_000 });
  await page.$eval("#user", (e, v) => ((e as unknown as { value: string }).value = v), user);
  await page.$eval("#pass", (e, v) => ((e as unknown as { value: string }).value = v), pass);
  await page.click("#login-submit");
}

/** https:// on the RTSPS port, a path that needs Digest credentials, then a publisher restart. */
async function secureDigestAndRestart(browser: HeadlessBrowser): Promise<void> {
  const cert = await makeTestCert();
  await using server = await startServerWithPorts({
    extraConfig:
      `rtspEncryption: optional\nrtspServerCert: ${cert.certFile}\nrtspServerKey: ${cert.keyFile}\n` +
      AUTH,
  });
  const ports = server.ports!;
  const publishUrl = `rtsp://pub:pubpass@127.0.0.1:${ports.rtsp}/secret`;
  let pub = await ffmpegPublish({ url: publishUrl, transport: "tcp", media: "h264_aac" });
  try {
    await publishingSession(server, "secret");
    const { page, errors } = await browser.page();
    await page.goto(`https://127.0.0.1:${ports.rtsps}/secret`);

    await signIn(page, "viewer", "wrong");
    await waitFor(async () => {
      const s = await stats(page);
      return s.state === "unauthorized" && /wrong/.test(s.message);
    }, { timeoutMs: 15_000, message: "wrong credentials are refused" });

    await signIn(page, "viewer", "viewpass");
    const m = await measure(page, "https+digest");
    assertPlaying(m, "https+digest", server.describeLogs());
    assert.ok(
      server.logs.some((l) => /\[RTSPS\] \[conn [^\]]* tunnel=ws/.test(l) || /\[RTSPS\].*opened/.test(l)),
      "read through the RTSPS listener",
    );

    // The publisher goes away and comes back: the player reconnects by itself.
    await pub.stop();
    const before = await stats(page);
    await waitFor(async () => (await stats(page)).state !== "playing", {
      timeoutMs: 15_000,
      message: "the player notices the end of the stream",
    });
    pub = await ffmpegPublish({ url: publishUrl, transport: "tcp", media: "h264_aac" });
    await waitFor(async () => {
      const s = await stats(page);
      return s.state === "playing" && s.framesDecoded > before.framesDecoded + 50;
    }, { timeoutMs: 30_000, message: "the player recovers after the publisher restart" });
    const after = await stats(page);
    console.log(
      `player restart: reconnects ${after.reconnects}, frames ${before.framesDecoded} -> ${after.framesDecoded}`,
    );
    assert.ok(after.reconnects > 0);
    assert.deepEqual(pageErrors(errors), []);
    await page.close();
  } finally {
    await pub.stop();
  }
}

/** A GStreamer H.265 publisher read by the page (decoded where the browser can). */
async function gstreamerH265(browser: HeadlessBrowser): Promise<void> {
  await using server = await startServerWithPorts();
  const args = [
    ...["rtspclientsink", "name=s", `location=${server.url("hevc")}`, "protocols=tcp", "latency=0"],
    ...[
      "videotestsrc",
      "is-live=true",
      "pattern=ball",
      "!",
      "video/x-raw,width=640,height=360,framerate=25/1",
    ],
    ...["!", "x265enc", "tune=zerolatency", "speed-preset=ultrafast", "key-int-max=25", "bitrate=500"],
    ...["!", "video/x-h265,profile=main", "!", "h265parse", "!", "queue", "!", "s.sink_0"],
  ];
  await using _pub = new PublisherProcess("gst-launch-1.0", args, 120);
  await publishingSession(server, "hevc");
  const { page } = await browser.page();
  await page.goto(`http://127.0.0.1:${server.ports!.rtsp}/hevc`);
  await waitFor(async () => (await stats(page)).framesReceived > 10, {
    timeoutMs: 20_000,
    message: "H.265 access units assembled",
  });
  const codec = (await stats(page)).videoCodec ?? "";
  const decodable = await page.evaluate(
    async (c) => {
      const decoder = (globalThis as unknown as {
        VideoDecoder: { isConfigSupported(config: { codec: string }): Promise<{ supported: boolean }> };
      }).VideoDecoder;
      return (await decoder.isConfigSupported({ codec: c })).supported === true;
    },
    codec,
  );
  const first = await stats(page);
  const t0 = performance.now();
  await delay(4000);
  const last = await stats(page);
  const seconds = (performance.now() - t0) / 1000;
  const expected = Math.floor(seconds * MEDIA_FPS);
  const received = last.framesReceived - first.framesReceived;
  const decoded = last.framesDecoded - first.framesDecoded;
  console.log(
    `player h265: codec ${codec} decodable=${decodable} received ${received}/${expected} decoded ${decoded} ` +
      `state ${last.state} "${last.message}"`,
  );
  assert.match(codec, /^hvc1\.1\.6\.L\d+/, "codec string from the in-band/SDP SPS");
  assert.ok(received >= 0.9 * expected, `access units ${received} < 90 % of ${expected}`);
  if (decodable) {
    assert.equal(last.state, "playing", JSON.stringify(last));
    assert.ok(decoded >= 0.9 * expected, `decoded ${decoded} < 90 % of ${expected}`);
  } else {
    // Debian's Chromium has no HEVC decoder: the page must say so clearly instead of failing silently.
    assert.equal(last.state, "unsupported", JSON.stringify(last));
    assert.match(last.message, /H265.*cannot be decoded/);
  }
  await page.close();
}
