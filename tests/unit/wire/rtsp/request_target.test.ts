import assert from "node:assert/strict";
import {
  matchControl,
  parseRequestTarget,
  type RequestTarget,
} from "../../../../src/wire/rtsp/request_target.ts";
import { RtspError } from "../../../../src/wire/rtsp/rtsp_error.ts";
import { prng } from "../../../_helpers/fuzz.ts";

interface Case {
  name: string;
  raw: string;
  setup?: boolean;
  value: RequestTarget;
}

const H = "rtsp://127.0.0.1:8554";

const CASES: Case[] = [
  { name: "DESCRIBE plain", raw: `${H}/mystream`, value: { path: "mystream", query: "" } },
  { name: "DESCRIBE nested path", raw: `${H}/cam/1`, value: { path: "cam/1", query: "" } },
  {
    name: "PLAY Content-Base with trailing slash",
    raw: `${H}/mystream/`,
    value: { path: "mystream", query: "" },
  },
  {
    name: "DESCRIBE with query",
    raw: `${H}/mystream?token=abc`,
    value: { path: "mystream", query: "token=abc" },
  },
  {
    name: "ffmpeg PLAY with trailing slash after the query",
    raw: `${H}/mystream?token=abc/`,
    value: { path: "mystream", query: "token=abc" },
  },
  { name: "OPTIONS *", raw: "*", value: { path: "", query: "" } },
  { name: "root", raw: `${H}/`, value: { path: "", query: "" } },
  { name: "no path", raw: `${H}`, value: { path: "", query: "" } },
  { name: "path-only target", raw: "/cam/1?x=1", value: { path: "cam/1", query: "x=1" } },
  { name: "rtsps scheme", raw: "rtsps://cam.example:8322/secure", value: { path: "secure", query: "" } },
  { name: "IPv6 host", raw: "rtsp://[::1]:8554/mystream", value: { path: "mystream", query: "" } },
  {
    name: "control is part of the path outside SETUP",
    raw: `${H}/mystream/trackID=0`,
    value: { path: "mystream/trackID=0", query: "" },
  },
  {
    name: "ffmpeg SETUP (play, our trackID)",
    raw: `${H}/mystream/trackID=0`,
    setup: true,
    value: { path: "mystream", query: "", control: { kind: "trackID", index: 0 } },
  },
  {
    name: "ffmpeg SETUP (record)",
    raw: `${H}/mystream/streamid=1`,
    setup: true,
    value: { path: "mystream", query: "", control: { kind: "streamid", index: 1 } },
  },
  {
    name: "ffmpeg SETUP with query: control after the query",
    raw: `${H}/cam/1?token=abc&x=y/streamid=0`,
    setup: true,
    value: { path: "cam/1", query: "token=abc&x=y", control: { kind: "streamid", index: 0 } },
  },
  {
    name: "ffmpeg SETUP with empty query",
    raw: `${H}/mystream?/trackID=2`,
    setup: true,
    value: { path: "mystream", query: "", control: { kind: "trackID", index: 2 } },
  },
  {
    name: "GStreamer SETUP (record)",
    raw: `${H}/mystream/stream=0`,
    setup: true,
    value: { path: "mystream", query: "", control: { kind: "stream", index: 0 } },
  },
  {
    name: "GStreamer SETUP with query: control before the query",
    raw: `${H}/cam/1/stream=1?token=abc`,
    setup: true,
    value: { path: "cam/1", query: "token=abc", control: { kind: "stream", index: 1 } },
  },
  {
    name: "GStreamer SETUP over rtsps with IPv6 host",
    raw: "rtsps://[2001:db8::5]:8322/cam/trackID=3?token=a",
    setup: true,
    value: { path: "cam", query: "token=a", control: { kind: "trackID", index: 3 } },
  },
  {
    name: "lower-case trackid (some players)",
    raw: `${H}/mystream/trackid=1`,
    setup: true,
    value: { path: "mystream", query: "", control: { kind: "trackID", index: 1 } },
  },
  {
    name: "control with trailing slash",
    raw: `${H}/mystream/trackID=1/`,
    setup: true,
    value: { path: "mystream", query: "", control: { kind: "trackID", index: 1 } },
  },
  {
    name: "SETUP of the Content-Base (single media)",
    raw: `${H}/mystream/`,
    setup: true,
    value: { path: "mystream", query: "", trailingSlash: true },
  },
  {
    name: "SETUP of the Content-Base, ffmpeg form with query",
    raw: `${H}/mystream?token=abc/`,
    setup: true,
    value: { path: "mystream", query: "token=abc", trailingSlash: true },
  },
  {
    name: "SETUP without control or slash",
    raw: `${H}/mystream`,
    setup: true,
    value: { path: "mystream", query: "" },
  },
  {
    name: "SETUP of an unknown control keeps it in the path",
    raw: `${H}/mystream/video`,
    setup: true,
    value: { path: "mystream/video", query: "" },
  },
  {
    name: "a query value that merely looks like a control is kept",
    raw: `${H}/mystream?trackID=1`,
    setup: true,
    value: { path: "mystream", query: "trackID=1" },
  },
];

for (const c of CASES) {
  Deno.test(`parseRequestTarget: ${c.name}`, () => {
    assert.deepEqual(parseRequestTarget(c.raw, { setup: c.setup }), c.value);
  });
}

Deno.test("parseRequestTarget rejects unparseable targets with 400", () => {
  for (const raw of ["", "mystream", "http://h/p", "rtsp://", "rtsp://h:99999/p", "/a b", "rtsp://[::1/p"]) {
    assert.throws(() => parseRequestTarget(raw, { setup: true }), (e: unknown) => {
      assert.ok(e instanceof RtspError, raw);
      assert.equal(e.status, 400);
      return true;
    });
  }
});

interface MatchCase {
  name: string;
  url: string;
  control: string;
  base?: string;
  value: boolean;
}

const MATCHES: MatchCase[] = [
  { name: "ffmpeg relative", url: `${H}/mystream/streamid=0`, control: "streamid=0", value: true },
  { name: "ffmpeg other media", url: `${H}/mystream/streamid=1`, control: "streamid=0", value: false },
  {
    name: "ffmpeg relative with query",
    url: `${H}/mystream?token=x/streamid=1`,
    control: "streamid=1",
    base: `${H}/mystream?token=x`,
    value: true,
  },
  {
    name: "GStreamer relative with query",
    url: `${H}/mystream/stream=0?token=x`,
    control: "stream=0",
    base: `${H}/mystream?token=x`,
    value: true,
  },
  {
    name: "GStreamer upper-case RECORD session",
    url: `${H}/mystream/stream=0`,
    control: "stream=0",
    value: true,
  },
  { name: "kind must match", url: `${H}/mystream/trackID=0`, control: "streamid=0", value: false },
  {
    name: "path must match the ANNOUNCE",
    url: `${H}/other/streamid=0`,
    control: "streamid=0",
    base: `${H}/mystream`,
    value: false,
  },
  {
    name: "absolute control",
    url: `${H}/mystream/trackID=1`,
    control: `${H}/mystream/trackID=1`,
    value: true,
  },
  {
    name: "absolute control with the camera's own address",
    url: `${H}/mystream/trackID=1`,
    control: "rtsp://192.168.1.64:554/mystream/trackID=1",
    value: true,
  },
  {
    name: "absolute control, ffmpeg SETUP after query",
    url: `${H}/mystream?token=x/streamid=0`,
    control: `${H}/mystream/streamid=0`,
    value: true,
  },
  {
    name: "absolute control, other path",
    url: `${H}/a/trackID=1`,
    control: `${H}/b/trackID=1`,
    value: false,
  },
  {
    name: "free-form relative control",
    url: `${H}/mystream/video`,
    control: "video",
    base: `${H}/mystream`,
    value: true,
  },
  { name: "free-form relative, ffmpeg form", url: `${H}/mystream?t=1/audio`, control: "audio", value: true },
  {
    name: "free-form relative, GStreamer form",
    url: `${H}/mystream/audio?t=1`,
    control: "audio",
    base: `${H}/mystream?t=1`,
    value: true,
  },
  { name: "free-form relative mismatch", url: `${H}/mystream/video`, control: "audio", value: false },
  {
    name: "free-form absolute control",
    url: `${H}/live/track1`,
    control: "rtsp://cam/live/track1",
    value: true,
  },
  {
    name: "free-form absolute with query mismatch",
    url: `${H}/live/track1?a=1`,
    control: "rtsp://cam/live/track1?a=2",
    value: false,
  },
  {
    name: "star means the aggregate URL",
    url: `${H}/mystream/`,
    control: "*",
    base: `${H}/mystream`,
    value: true,
  },
  { name: "star does not match a media URL", url: `${H}/mystream/trackID=0`, control: "*", value: false },
  { name: "unparseable SETUP URL", url: "garbage", control: "streamid=0", value: false },
];

for (const m of MATCHES) {
  Deno.test(`matchControl: ${m.name}`, () => {
    assert.equal(matchControl(m.url, m.control, m.base), m.value);
  });
}

Deno.test("parseRequestTarget fuzz: only RtspError(400) escapes", () => {
  const alphabet = "rtsp:/?=&trackIDstreamid0123456789[]:@%. ";
  const rand = prng(11);
  for (let i = 0; i < 5000; i++) {
    let s = ["rtsp://h/", "/", "", "rtsps://[::1]:1/"][i % 4];
    for (let n = Math.floor(rand() * 25); n > 0; n--) s += alphabet[Math.floor(rand() * alphabet.length)];
    try {
      const t = parseRequestTarget(s, { setup: i % 2 === 0 });
      assert.ok(!t.path.startsWith("/") && !t.path.endsWith("/"), s);
      matchControl(s, "streamid=0", "rtsp://h/p");
    } catch (e) {
      assert.ok(e instanceof RtspError && e.status === 400, `${s}: ${e}`);
    }
  }
});
