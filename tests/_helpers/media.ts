/**
 * Test media for publishers: 10 s of 640x360 25 fps H.264 with a keyframe every second,
 * generated once with ffmpeg's lavfi sources and cached in tests/fixtures/media/ (git-ignored).
 */

import { fileURLToPath } from "node:url";

/** The two test files: H.264 Main without B-frames + AAC, and H.264 High with B-frames + Opus. */
export type MediaKind = "h264_aac" | "h264_bframes_opus";

/** Frames per second of every test file and live test source. */
export const MEDIA_FPS = 25;

const MEDIA_DIR = fileURLToPath(new URL("../fixtures/media/", import.meta.url));

const SOURCES = [
  "-f",
  "lavfi",
  "-i",
  `testsrc=size=640x360:rate=${MEDIA_FPS}`,
  "-f",
  "lavfi",
  "-i",
  "sine=frequency=1000:sample_rate=48000",
  "-t",
  "10",
];
const VIDEO_COMMON = ["-preset", "veryfast", "-pix_fmt", "yuv420p", "-g", "25", "-keyint_min", "25"];

const RECIPES: Record<MediaKind, { file: string; args: string[] }> = {
  h264_aac: {
    file: "test.mp4",
    args: [
      ...SOURCES,
      ...["-c:v", "libx264", "-profile:v", "main", ...VIDEO_COMMON, "-sc_threshold", "0", "-bf", "0"],
      ...["-c:a", "aac", "-b:a", "64k", "-ac", "1", "-movflags", "+faststart"],
    ],
  },
  h264_bframes_opus: {
    file: "test_opus_bframes.mp4",
    args: [
      ...SOURCES,
      ...["-c:v", "libx264", "-profile:v", "high", ...VIDEO_COMMON, "-sc_threshold", "0"],
      ...["-c:a", "libopus", "-b:a", "64k", "-ac", "1", "-movflags", "+faststart"],
    ],
  },
};

const pending = new Map<MediaKind, Promise<string>>();

/**
 * Absolute path of the test file of `kind`, generating it on first use. Parallel test processes may
 * both generate it: each writes a private temporary file and renames it into place atomically.
 */
export function testMedia(kind: MediaKind): Promise<string> {
  let p = pending.get(kind);
  if (!p) {
    p = generate(kind);
    pending.set(kind, p);
    p.catch(() => pending.delete(kind));
  }
  return p;
}

async function generate(kind: MediaKind): Promise<string> {
  const recipe = RECIPES[kind];
  const target = MEDIA_DIR + recipe.file;
  if (await isNonEmptyFile(target)) return target;
  await Deno.mkdir(MEDIA_DIR, { recursive: true });
  const temp = `${MEDIA_DIR}.${recipe.file}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.mp4`;
  try {
    const out = await new Deno.Command("ffmpeg", {
      args: ["-hide_banner", "-nostdin", "-loglevel", "error", "-y", ...recipe.args, temp],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(
        `ffmpeg could not generate ${recipe.file} (exit ${out.code}): ${
          new TextDecoder().decode(out.stderr)
        }`,
      );
    }
    await Deno.rename(temp, target);
  } finally {
    await Deno.remove(temp).catch(() => {});
  }
  return target;
}

async function isNonEmptyFile(path: string): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    return info.isFile && info.size > 0;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}
