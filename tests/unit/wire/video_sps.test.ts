import { deepEqual, equal, throws } from "node:assert/strict";
import {
  h264LevelName,
  h264ProfileName,
  h265LevelName,
  parseH264Sps,
  parseH265Sps,
} from "../../../src/wire/video/mod.ts";

const b64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

Deno.test("H.264 SPS: size, profile and level (x264 640x360 High 3.0, 1280x720 Baseline 3.1)", () => {
  // sprop-parameter-sets written by ffmpeg/x264 for the test media and by a camera.
  deepEqual(parseH264Sps(b64("Z2QAHqzZQKAv+XARAAADAAEAAAMAMg8WLZY=")), {
    width: 640,
    height: 360,
    profileIdc: 100,
    levelIdc: 30,
  });
  deepEqual(parseH264Sps(b64("Z0LAH9oBQBbsBEAAAAMAQAAADyPGDKg=")), {
    width: 1280,
    height: 720,
    profileIdc: 66,
    levelIdc: 31,
  });
  equal(h264ProfileName(100), "High");
  equal(h264ProfileName(42), "42");
  equal(h264LevelName(31), "3.1");
  equal(h264LevelName(40), "4");
  throws(() => parseH264Sps(new Uint8Array([0x67, 0x64])));
  throws(() => parseH264Sps(new Uint8Array([0x68, 1, 2, 3, 4])));
});

Deno.test("H.265 SPS: size, profile and level (x265 1920x1080 Main 4)", () => {
  const sps = b64("QgEBAWAAAAMAkAAAAwAAAwB4oAPAgBDlja5JMvTcBAQEAg==");
  deepEqual(parseH265Sps(sps), { width: 1920, height: 1080, profileIdc: 1, levelIdc: 120 });
  equal(h265LevelName(93), "3.1");
  equal(h265LevelName(120), "4");
});
