/**
 * The server runs with exactly scripts/permissions.ts's flags (not -A): a probe checks that those
 * flags allow what the server does (config loading, env overrides, TCP and UDP listeners) and deny
 * the rest; then the real server publishes and serves a stream under them.
 */

import assert from "node:assert/strict";
import { serverPermissionFlags } from "../../scripts/permissions.ts";
import {
  clientsAvailable,
  ffmpegPublish,
  ffmpegRead,
  type FrameReport,
  interopIgnore,
  requireClients,
} from "../_helpers/clients.ts";
import { formatReport } from "../_helpers/frame_report.ts";
import { makeTestCert } from "../_helpers/certs.ts";
import { allocatePorts, allocateServerPorts } from "../_helpers/ports.ts";
import { spawnProcess } from "../_helpers/process.ts";
import { publishingSession } from "../_helpers/server_logs.ts";
import { REPO_ROOT, serverConfig, startServerWithPorts } from "../_helpers/server_process.ts";

const available = await clientsAvailable();

/** Runs inside the scoped flags; prints one JSON object with what worked. */
const PROBE = `
import { loadConfig } from "${REPO_ROOT}/src/config/mod.ts";
const result = {};
const attempt = async (name, fn) => {
  try { result[name] = await fn(); } catch (e) { result[name] = "error: " + e.name; }
};
await attempt("config", async () => (await loadConfig({ file: Deno.args[0] })).config.rtspAddress);
await attempt("env", () => Object.keys(Deno.env.toObject()).length > 0);
await attempt("tcp", () => { Deno.listen({ hostname: "127.0.0.1", port: Number(Deno.args[1]) }).close(); return true; });
await attempt("udp", () => {
  Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: Number(Deno.args[2]) }).close();
  return true;
});
await attempt("watch", () => { Deno.watchFs(Deno.args[4]).close(); return true; });
await attempt("readOther", () => Deno.readTextFileSync("/etc/hostname").length >= 0);
await attempt("write", () => { Deno.writeTextFileSync(Deno.args[3], "x"); return true; });
await attempt("run", async () => (await new Deno.Command(Deno.execPath(), { args: ["--version"] }).output()).success);
console.log(JSON.stringify(result));
`;

Deno.test("scoped permissions: the flag set allows config, env and TCP/UDP listeners, and nothing else", async () => {
  const dir = await Deno.makeTempDir({ prefix: "scoped-probe-" });
  try {
    const ports = await allocateServerPorts();
    const configPath = `${dir}/mediamtx.yml`;
    const probePath = `${dir}/probe.js`;
    await Deno.writeTextFile(configPath, serverConfig(ports));
    await Deno.writeTextFile(probePath, PROBE);
    await using probe = spawnProcess(Deno.execPath(), {
      args: [
        "run",
        `--config=${REPO_ROOT}/deno.json`,
        ...serverPermissionFlags({ configPath }),
        probePath,
        configPath,
        String(ports.rtsp),
        String(ports.rtp),
        `${dir}/written`,
        dir,
      ],
      cwd: REPO_ROOT,
    });
    const status = await probe.wait(30000);
    assert.equal(status.code, 0, probe.output());
    const result = JSON.parse(probe.stdoutLines.find((l) => l.startsWith("{")) ?? "null");
    assert.deepEqual(result, {
      config: `127.0.0.1:${ports.rtsp}`,
      env: true,
      tcp: true,
      udp: true,
      watch: true,
      readOther: "error: NotCapable",
      write: "error: NotCapable",
      run: "error: NotCapable",
    }, probe.output());
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("scoped permissions: without a config path the flags cover MediaMTX's search paths", () => {
  const flags = serverPermissionFlags({ extraReadPaths: ["/srv/extra.pem"] });
  const read = flags.find((f) => f.startsWith("--allow-read="));
  assert.ok(read, flags.join(" "));
  for (
    const p of ["mediamtx.yml", "/etc/mediamtx/mediamtx.yml", "server.key", "server.crt", "/srv/extra.pem"]
  ) {
    assert.ok(read.split("=")[1].split(",").includes(p), `${p} missing from ${read}`);
  }
  assert.ok(!flags.includes("-A") && !flags.includes("--allow-all") && !flags.includes("--allow-run"));
  assert.deepEqual(serverPermissionFlags({ anyReadPath: true }).filter((f) => f.startsWith("--allow-read")), [
    "--allow-read",
  ]);
});

Deno.test({
  name: "scoped permissions: the server publishes and serves a stream under exactly serverPermissionFlags()",
  ignore: interopIgnore(available, ["ffmpeg"]),
  async fn() {
    requireClients(available, ["ffmpeg"]);
    await using server = await startServerWithPorts({
      permissions: (configPath) => serverPermissionFlags({ configPath }),
    });
    const path = `scoped_${crypto.randomUUID().slice(0, 8)}`;
    const url = server.url(path);
    await using publisher = await ffmpegPublish({ url, transport: "tcp", media: "h264_aac" });
    await publishingSession(server, path, { client: publisher });
    const readers: [string, Promise<FrameReport>][] = [
      ["ffmpeg/tcp", ffmpegRead({ url, transport: "tcp", seconds: 5 })],
      ["ffmpeg/udp", ffmpegRead({ url, transport: "udp", seconds: 5 })],
    ];
    for (const [name, report] of readers) {
      const r = await report;
      console.log(`scoped: reader=${name} ${formatReport(r)}`);
      assert.ok(
        r.frames >= 80 && r.ratio >= 0.9,
        `${name}: ${formatReport(r)}\n${r.log}\n${server.describeLogs()}`,
      );
    }
    const denied = server.logs.filter((l) => /NotCapable|Requires \w+ access/.test(l));
    assert.deepEqual(denied, [], server.describeLogs());
  },
});

Deno.test("scoped permissions: --allow-run only with hooks, narrowed to the programs they start", async () => {
  const dir = await Deno.makeTempDir({ prefix: "scoped-hooks-" });
  try {
    const ports = await allocateServerPorts();
    const flagsFor = async (extra: string) => {
      const configPath = `${dir}/mediamtx.yml`;
      await Deno.writeTextFile(configPath, serverConfig(ports, extra));
      return serverPermissionFlags({ configPath }).filter((f) => f.startsWith("--allow-run"));
    };
    assert.deepEqual(await flagsFor(""), []);
    assert.deepEqual(
      await flagsFor(
        "runOnConnect: sh -c 'echo hi'\npaths:\n  cam:\n    runOnDemand: ffmpeg -i x -f rtsp y\n",
      ),
      ["--allow-run=sh,ffmpeg"],
    );
    assert.deepEqual(await flagsFor("paths:\n  cam:\n    runOnRead: $MY_TOOL --flag\n"), ["--allow-run"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "scoped permissions: a runOnDemand ffmpeg runs under the narrowed --allow-run",
  ignore: interopIgnore(available, ["ffmpeg"]),
  async fn() {
    requireClients(available, ["ffmpeg"]);
    await using server = await startServerWithPorts({
      permissions: (configPath) => serverPermissionFlags({ configPath }),
      extraConfig: `paths:
  ondemand:
    runOnDemand: ffmpeg -hide_banner -loglevel error -re -f lavfi -i testsrc=size=320x240:rate=25 -c:v libx264 -preset ultrafast -g 25 -f rtsp rtsp://127.0.0.1:$RTSP_PORT/$MTX_PATH
    runOnDemandCloseAfter: 1s
`,
    });
    const r = await ffmpegRead({ url: server.url("ondemand"), transport: "tcp", seconds: 2 });
    assert.ok(r.frames >= 25, `${formatReport(r)}\n${r.log}\n${server.describeLogs()}`);
    await server.waitForLog(/runOnDemand command stopped: not needed by anyone/, 10000);
    const denied = server.logs.filter((l) => /NotCapable|Requires \w+ access/.test(l));
    assert.deepEqual(denied, [], server.describeLogs());
  },
});

Deno.test("scoped permissions: the metrics listener serves HTTPS with its key and certificate readable", async () => {
  const cert = await makeTestCert();
  try {
    const [metricsPort] = await allocatePorts(1);
    await using server = await startServerWithPorts({
      permissions: (configPath) => serverPermissionFlags({ configPath }),
      extraConfig: [
        "metrics: yes",
        `metricsAddress: 127.0.0.1:${metricsPort}`,
        "metricsEncryption: yes",
        `metricsServerKey: ${cert.keyFile}`,
        `metricsServerCert: ${cert.certFile}`,
      ].join("\n"),
    });
    const client = Deno.createHttpClient({ caCerts: [cert.certPem] });
    try {
      const res = await fetch(`https://localhost:${metricsPort}/metrics?type=paths`, { client });
      assert.equal(res.status, 200, server.describeLogs());
      assert.match(await res.text(), /^# Paths\npaths 0\n/);
    } finally {
      client.close();
    }
    const denied = server.logs.filter((l) => /NotCapable|Requires \w+ access/.test(l));
    assert.deepEqual(denied, [], server.describeLogs());
  } finally {
    await Deno.remove(cert.dir, { recursive: true });
  }
});
