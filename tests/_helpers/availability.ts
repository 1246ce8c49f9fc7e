/**
 * Which interop clients this machine has, and the skip rule built on it: a missing client skips the
 * interop tests on a developer machine, but fails them in CI (`CI=true`), where .ci/run installs them.
 */

/** Debian packages that provide every client and the reference server. */
export const INSTALL_HINT = "sudo apt-get install -y ffmpeg gstreamer1.0-tools gstreamer1.0-plugins-base " +
  "gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-rtsp " +
  "gstreamer1.0-libav python3-gi gir1.2-gstreamer-1.0 gir1.2-gst-plugins-base-1.0 gir1.2-gst-rtsp-server-1.0";

/** Debian's interpreter: the one that has python3-gi (a pyenv `python3` on PATH may not). */
export const SYSTEM_PYTHON = "/usr/bin/python3";

/** A client family a test needs. */
export type ClientName = "ffmpeg" | "gst" | "rtspclientsink" | "refserver";

/** What is installed; `missing` names each absent tool or GStreamer element. */
export interface ClientAvailability {
  /** ffmpeg with libx264 and libopus (needed for the test media too). */
  ffmpeg: boolean;
  /** gst-launch-1.0 with rtspsrc and the H.264 decode chain. */
  gst: boolean;
  /** rtspclientsink with the live encoders used by `gstPublish`. */
  rtspclientsink: boolean;
  /** GStreamer's RTSP server from Python (`refserver.py`). */
  refserver: boolean;
  /** Human-readable names of what is missing. */
  missing: string[];
}

const GST_READ_ELEMENTS = ["rtspsrc", "rtph264depay", "h264parse", "avdec_h264", "decodebin", "fakesink"];
const GST_PUBLISH_ELEMENTS = [
  "rtspclientsink",
  "videotestsrc",
  "audiotestsrc",
  "audioconvert",
  "x264enc",
  "avenc_aac",
  "aacparse",
  "opusenc",
];

async function run(command: string, args: string[]): Promise<{ ok: boolean; stdout: string }> {
  try {
    const out = await new Deno.Command(command, { args, stdin: "null", stdout: "piped", stderr: "null" })
      .output();
    return { ok: out.success, stdout: new TextDecoder().decode(out.stdout) };
  } catch {
    return { ok: false, stdout: "" };
  }
}

async function probe(): Promise<ClientAvailability> {
  const missing: string[] = [];
  const [timeout, ffmpeg, gstLaunch, python] = await Promise.all([
    run("timeout", ["--version"]),
    run("ffmpeg", ["-hide_banner", "-encoders"]),
    run("gst-launch-1.0", ["--version"]),
    run(SYSTEM_PYTHON, [
      "-c",
      "import gi; gi.require_version('GstRtspServer', '1.0'); from gi.repository import GstRtspServer",
    ]),
  ]);
  if (!timeout.ok) missing.push("timeout (coreutils)");

  let ffmpegOk = ffmpeg.ok && timeout.ok;
  if (!ffmpeg.ok) missing.push("ffmpeg");
  for (const encoder of ["libx264", "libopus"]) {
    if (ffmpeg.ok && !new RegExp(`\\s${encoder}\\s`).test(ffmpeg.stdout)) {
      missing.push(`ffmpeg encoder ${encoder}`);
      ffmpegOk = false;
    }
  }

  const inspect = async (elements: string[]) => {
    const results = await Promise.all(elements.map((e) => run("gst-inspect-1.0", [e])));
    const absent = elements.filter((_, i) => !results[i].ok);
    for (const e of absent) missing.push(`GStreamer element ${e}`);
    return absent.length === 0;
  };
  if (!gstLaunch.ok) missing.push("gst-launch-1.0");
  const gstRead = gstLaunch.ok && timeout.ok && await inspect(GST_READ_ELEMENTS);
  const gstPublish = gstLaunch.ok && timeout.ok && await inspect(GST_PUBLISH_ELEMENTS);
  if (!python.ok) missing.push(`python3-gi with GstRtspServer (${SYSTEM_PYTHON})`);

  return {
    ffmpeg: ffmpegOk,
    gst: gstRead,
    rtspclientsink: gstRead && gstPublish,
    refserver: python.ok && gstRead && gstPublish,
    missing,
  };
}

let probed: Promise<ClientAvailability> | undefined;

/** Probes the installed clients once per process. */
export function clientsAvailable(): Promise<ClientAvailability> {
  probed ??= probe();
  return probed;
}

/** Whether this run is CI (`CI=true`), where missing clients are failures, not skips. */
export function isCI(): boolean {
  return Deno.env.get("CI") === "true";
}

let skipNoticePrinted = false;

/**
 * The `ignore` value for an interop test needing `needs`: true (skip, with a one-time notice) when one
 * is missing outside CI; always false in CI, where `requireClients` then fails the test.
 */
export function interopIgnore(available: ClientAvailability, needs: ClientName[]): boolean {
  const absent = needs.filter((n) => !available[n]);
  if (absent.length === 0 || isCI()) return false;
  if (!skipNoticePrinted) {
    skipNoticePrinted = true;
    const what = available.missing.length > 0 ? available.missing.join(", ") : absent.join(", ");
    console.log(`interop tests skipped: ${what} missing; install with: ${INSTALL_HINT}`);
  }
  return true;
}

/** Throws when a client in `needs` is missing: the first line of every interop test. */
export function requireClients(available: ClientAvailability, needs: ClientName[]): void {
  const absent = needs.filter((n) => !available[n]);
  if (absent.length > 0) {
    throw new Error(
      `interop clients missing: ${absent.join(", ")} (${available.missing.join(", ")}); ` +
        `install with: ${INSTALL_HINT}`,
    );
  }
}
