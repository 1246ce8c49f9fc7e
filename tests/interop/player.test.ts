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
  gstPublish as _gstPublish,
  interopIgnore,
  isCI,
  requireClients,
} from "../_helpers/clients.ts";
import { MEDIA_FPS } from "../_helpers/media.ts";
import { publishingSession } from "../_helpers/server_logs.ts";
import { startServerWithPorts } from "../_helpers/server_process.ts";
import { makeTestCert as _makeTestCert } from "../_helpers/certs.ts";
import { delay, waitFor } from "../_helpers/wait.ts";

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
  width: number;
  height: number;
  reconnects: number;
  message: string;
}

function stats(page: Page): Promise<Stats> {
  return page.evaluate(() => (globalThis as unknown as { player: { stats(): Stats } }).player.stats());
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
      `${last.videoCodec} ${last.width}x${last.height} ${last.audioCodec}`,
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
  name: "player: Chromium plays H.264+AAC and H.264+Opus from ffmpeg on the RTSP port",
  ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    requireClients(available, ["ffmpeg"]);
    await using browser = await HeadlessBrowser.launch();
    await using server = await startServerWithPorts();
    const port = server.ports!.rtsp;

    await t.step("H.264 + AAC", async () => {
      await using _pub = await ffmpegPublish({ url: server.url("aac"), transport: "tcp", media: "h264_aac" });
      await publishingSession(server, "aac");
      const { page, errors } = await browser.page();
      await page.goto(`http://127.0.0.1:${port}/aac`);
      const m = await measure(page, "h264+aac");
      assertPlaying(m, "h264+aac", server.describeLogs());
      assert.equal(m.last.audioCodec, "mp4a.40.2");
      assert.deepEqual(errors, []);
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
      assert.deepEqual(errors, []);
      await page.close();
    });
  },
});
