import assert from "node:assert/strict";
import { defaultPortOf, formatRtspUrl, parseRtspUrl, type RtspUrl } from "../../../../src/wire/rtsp/url.ts";
import { prng } from "../../../_helpers/fuzz.ts";

interface Case {
  name: string;
  raw: string;
  value: RtspUrl;
  /** Whether formatting gives back `raw` exactly. */
  roundTrip?: false;
}

const CASES: Case[] = [
  {
    name: "ffmpeg publish URL",
    raw: "rtsp://127.0.0.1:8554/mystream",
    value: { scheme: "rtsp", host: "127.0.0.1", port: 8554, path: "/mystream", query: "" },
  },
  {
    name: "ffmpeg SETUP with control after the query",
    raw: "rtsp://127.0.0.1:8554/mystream?token=abc/streamid=0",
    value: {
      scheme: "rtsp",
      host: "127.0.0.1",
      port: 8554,
      path: "/mystream",
      query: "token=abc/streamid=0",
    },
  },
  {
    name: "GStreamer SETUP with control before the query",
    raw: "rtsp://127.0.0.1:8554/mystream/stream=0?token=abc",
    value: { scheme: "rtsp", host: "127.0.0.1", port: 8554, path: "/mystream/stream=0", query: "token=abc" },
  },
  {
    name: "no path, no port",
    raw: "rtsp://camera.local",
    value: { scheme: "rtsp", host: "camera.local", path: "", query: "" },
  },
  {
    name: "IPv6 literal with port",
    raw: "rtsp://[::1]:8554/cam",
    value: { scheme: "rtsp", host: "::1", port: 8554, path: "/cam", query: "" },
  },
  {
    name: "IPv6 literal without port",
    raw: "rtsps://[fe80::1%25eth0]/cam",
    value: { scheme: "rtsps", host: "fe80::1%25eth0", path: "/cam", query: "" },
  },
  {
    name: "credentials with an encoded @ in the password",
    raw: "rtsp://admin:p%40ss%3Aword@192.168.1.10:554/Streaming/Channels/101",
    value: {
      scheme: "rtsp",
      user: "admin",
      password: "p@ss:word",
      host: "192.168.1.10",
      port: 554,
      path: "/Streaming/Channels/101",
      query: "",
    },
  },
  {
    name: "raw @ in the password (pasted by users)",
    raw: "rtsp://admin:p@ss@cam:554/live",
    value: {
      scheme: "rtsp",
      user: "admin",
      password: "p@ss",
      host: "cam",
      port: 554,
      path: "/live",
      query: "",
    },
    roundTrip: false,
  },
  {
    name: "user without password",
    raw: "rtsp://viewer@cam/live",
    value: { scheme: "rtsp", user: "viewer", host: "cam", path: "/live", query: "" },
  },
  {
    name: "empty password",
    raw: "rtsp://viewer:@cam/live",
    value: { scheme: "rtsp", user: "viewer", password: "", host: "cam", path: "/live", query: "" },
  },
  {
    name: "upper-case scheme is lower-cased",
    raw: "RTSP://cam/live",
    value: { scheme: "rtsp", host: "cam", path: "/live", query: "" },
    roundTrip: false,
  },
  {
    name: "HTTP tunnel scheme",
    raw: "rtsp+http://cam:8080/live?a=1&b=2",
    value: { scheme: "rtsp+http", host: "cam", port: 8080, path: "/live", query: "a=1&b=2" },
  },
  {
    name: "secure WebSocket tunnel scheme",
    raw: "rtsps+ws://cam/live",
    value: { scheme: "rtsps+ws", host: "cam", path: "/live", query: "" },
  },
  {
    name: "percent-encoding in the path is kept",
    raw: "rtsp://cam/my%20stream/",
    value: { scheme: "rtsp", host: "cam", path: "/my%20stream/", query: "" },
  },
  {
    name: "query without path",
    raw: "rtsp://cam?vlcmulticast",
    value: { scheme: "rtsp", host: "cam", path: "", query: "vlcmulticast" },
  },
  {
    name: "empty port means default",
    raw: "rtsp://cam:/live",
    value: { scheme: "rtsp", host: "cam", path: "/live", query: "" },
    roundTrip: false,
  },
];

for (const c of CASES) {
  Deno.test(`parseRtspUrl: ${c.name}`, () => {
    assert.deepEqual(parseRtspUrl(c.raw), c.value);
    if (c.roundTrip !== false) assert.equal(formatRtspUrl(c.value), c.raw);
    assert.deepEqual(parseRtspUrl(formatRtspUrl(c.value)), c.value);
  });
}

Deno.test("parseRtspUrl rejects what is not an RTSP URL", () => {
  const bad = [
    "",
    "/mystream",
    "*",
    "rtsp:/cam/live",
    "rtsp://",
    "rtsp:///live",
    "1rtsp://cam",
    "rt sp://cam",
    "rtsp://cam live",
    "rtsp://cam:99999/live",
    "rtsp://cam:port/live",
    "rtsp://[::1/live",
    "rtsp://[cam]/live",
    "rtsp://[::1]x/live",
    "rtsp://a:b:c/live",
    "rtsp://u:%zz@cam/live",
    "rtsp://cam/\r\nX: 1",
  ];
  for (const raw of bad) {
    assert.throws(() => parseRtspUrl(raw), (e: unknown) => {
      assert.ok(e instanceof SyntaxError, raw);
      assert.match(e.message, /^Cannot parse RTSP URL: /);
      return true;
    });
  }
});

Deno.test("defaultPortOf follows RFC 2326 and keeps tunnels on the RTSP ports", () => {
  const table: [string, number | undefined][] = [
    ["rtsp", 554],
    ["RTSP", 554],
    ["rtspt", 554],
    ["rtspu", 554],
    ["rtsp+http", 554],
    ["rtsp+ws", 554],
    ["rtsps", 322],
    ["rtsps+http", 322],
    ["rtsps+ws", 322],
    ["http", undefined],
  ];
  for (const [scheme, port] of table) assert.equal(defaultPortOf(scheme), port, scheme);
});

Deno.test("parseRtspUrl fuzz: random strings only ever throw SyntaxError", () => {
  const alphabet = "rtsp:/@[]?#%:+.-_=&1234567890abcdefRTSP \t\r\n\u00e9";
  const rand = prng(7);
  for (let i = 0; i < 5000; i++) {
    let s = i % 2 === 0 ? "rtsp://" : "";
    for (let n = Math.floor(rand() * 30); n > 0; n--) s += alphabet[Math.floor(rand() * alphabet.length)];
    try {
      const u = parseRtspUrl(s);
      assert.deepEqual(parseRtspUrl(formatRtspUrl(u)), u, s);
    } catch (e) {
      assert.ok(e instanceof SyntaxError, `${s}: ${e}`);
    }
  }
});
