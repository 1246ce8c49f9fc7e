/** Which components a new configuration restarts: globals by component, path entries by name. */
import assert from "node:assert/strict";
import { parseConfig } from "../../../src/config/mod.ts";
import { diffConfig, diffPaths, isEmptyDiff } from "../../../src/app/config_diff.ts";

const BASE = `
rtspEncryption: optional
rtspAddress: 127.0.0.1:8554
rtpAddress: 127.0.0.1:8000
rtcpAddress: 127.0.0.1:8001
rtspsAddress: 127.0.0.1:8322
srtpAddress: 127.0.0.1:8004
srtcpAddress: 127.0.0.1:8005
`;

function config(extra: string) {
  // Later keys of the same name override BASE's: YAML forbids duplicates, so merge by key here.
  const keys = new Set([...extra.matchAll(/^([A-Za-z]+):/gm)].map((m) => m[1]));
  const base = BASE.split("\n").filter((l) => !keys.has(l.split(":")[0])).join("\n");
  return parseConfig(`${base}\n${extra}`, "mediamtx.yml").config;
}

type Component = "rtsp" | "rtsps" | "auth" | "allPaths" | "logLevel" | "api" | "metrics";

const GLOBAL_CASES: { change: string; restarts: Component[] }[] = [
  { change: "logLevel: debug", restarts: ["logLevel"] },
  { change: "rtspAddress: 127.0.0.1:9554", restarts: ["rtsp", "allPaths"] }, // RTSP_PORT of hooks
  { change: "rtpAddress: 127.0.0.1:9000\nrtcpAddress: 127.0.0.1:9001", restarts: ["rtsp"] },
  { change: "rtspsAddress: 127.0.0.1:9322", restarts: ["rtsps"] },
  { change: "srtpAddress: 127.0.0.1:9004\nsrtcpAddress: 127.0.0.1:9005", restarts: ["rtsps"] },
  { change: "rtspServerCert: other.crt", restarts: ["rtsps"] },
  { change: "rtspTransports: [tcp]", restarts: ["rtsp", "rtsps"] },
  { change: "rtspEncryption: strict", restarts: ["rtsp"] }, // the plain server stops
  { change: "rtspEncryption: no", restarts: ["rtsps", "allPaths"] }, // SRTP tag leaves udpMaxPacketSize
  { change: "rtsp: false", restarts: ["rtsp", "rtsps"] },
  { change: "readTimeout: 20s", restarts: ["rtsp", "rtsps", "allPaths", "api", "metrics"] },
  { change: "writeTimeout: 20s", restarts: ["rtsp", "rtsps", "api", "metrics"] },
  { change: "writeQueueSize: 1024", restarts: ["rtsp", "rtsps"] },
  { change: "udpMaxPayloadSize: 1200", restarts: ["allPaths"] },
  { change: "rtspFanOutHold: 2ms", restarts: ["allPaths"] }, // each stream is made with its hold
  { change: "rtspSessionTimeout: 90s", restarts: ["rtsp", "rtsps"] },
  { change: "rtspUDPSendThreads: 2", restarts: ["rtsp", "rtsps"] },
  { change: "runOnConnect: echo hi", restarts: ["rtsp", "rtsps"] },
  { change: "rtspPlayer: false", restarts: ["rtsp", "rtsps"] },
  { change: "rtspAuthMethods: [basic, digest]", restarts: ["auth"] },
  { change: "authMethod: http\nauthHTTPAddress: http://127.0.0.1:9/auth", restarts: ["auth"] },
  {
    change: "authInternalUsers:\n  - user: any\n    permissions: [{action: read}]",
    restarts: ["auth"],
  },
  // Read for MediaMTX files but not used by this server: nothing restarts.
  { change: "udpReadBufferSize: 1000000", restarts: [] },
];

for (const { change, restarts } of GLOBAL_CASES) {
  Deno.test(`config diff: "${change.replaceAll("\n", "; ")}" restarts ${restarts.join(", ") || "nothing"}`, () => {
    const d = diffConfig(config(""), config(change));
    const got = (["rtsp", "rtsps", "auth", "allPaths", "logLevel", "api", "metrics"] as const).filter((c) =>
      d[c]
    );
    assert.deepEqual(got.sort(), [...restarts].sort());
    assert.deepEqual(d.paths, { changed: [], removed: [], added: [] }, "no path entry changes");
  });
}

Deno.test("config diff: the same configuration changes nothing", () => {
  const d = diffConfig(
    config("paths:\n  a:\n  b:\n    source: rtsp://h/x"),
    config("paths:\n  a:\n  b:\n    source: rtsp://h/x"),
  );
  assert.ok(isEmptyDiff(d));
});

Deno.test("config diff: path entries changed, removed and added, by name", () => {
  const prev = config(`
paths:
  same:
    maxReaders: 2
  edited:
    source: rtsp://h/one
  gone:
  "~^cam(\\\\d+)$":
    maxReaders: 1
`).paths;
  const next = config(`
paths:
  same:
    maxReaders: 2
  edited:
    source: rtsp://h/two
  "~^cam(\\\\d+)$":
    maxReaders: 3
  new:
`).paths;
  assert.deepEqual(diffPaths(prev, next), {
    changed: ["edited", "~^cam(\\d+)$"],
    removed: ["gone"],
    added: ["new"],
  });
});

Deno.test("config diff: a pathDefaults change reaches exactly the entries that inherit it", () => {
  const prev = config("paths:\n  inherits:\n  overrides:\n    maxReaders: 5\n").paths;
  const next =
    config("pathDefaults:\n  maxReaders: 9\npaths:\n  inherits:\n  overrides:\n    maxReaders: 5\n").paths;
  assert.deepEqual(diffPaths(prev, next), { changed: ["inherits"], removed: [], added: [] });
});

Deno.test("config diff: a deprecated alias with the same meaning changes nothing", () => {
  const prev = config("paths:\n  a:\n    runOnReady: echo x\n").paths;
  const next = config("paths:\n  a:\n    runOnAvailable: echo x\n").paths;
  assert.deepEqual(diffPaths(prev, next), { changed: [], removed: [], added: [] });
});
