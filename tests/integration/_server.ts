/** Starts the real App in-process on free loopback ports, for integration tests. */
import { parseConfig } from "../../src/config/mod.ts";
import { App } from "../../src/app/app.ts";
import { Logger } from "../../src/log/logger.ts";
import { allocateServerPorts } from "../_helpers/ports.ts";
import type { ServerPorts } from "../_helpers/ports.ts";
import type { Clock } from "../../src/time/mod.ts";

/** A running in-process server and what tests need to reach it. */
export interface TestServer {
  app: App;
  ports: ServerPorts;
  logs: string[];
  url(path: string): string;
  /** `rtsps://127.0.0.1:<rtsps port>/<path>`. */
  secureUrl(path: string): string;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts a server whose config is the loopback defaults plus `extraYaml` (top-level
 * keys; `paths:` defaults to `all_others:`).
 */
export async function startTestServer(
  extra: string | ((ports: ServerPorts) => string) = "",
  opts: { quiet?: boolean; authFailureDelayMs?: number; clock?: Clock } = {},
): Promise<TestServer> {
  const ports = await allocateServerPorts();
  const extraYaml = typeof extra === "string" ? extra : extra(ports);
  const hasPaths = /^paths:/m.test(extraYaml);
  const yaml = [
    "logLevel: debug",
    `rtspAddress: 127.0.0.1:${ports.rtsp}`,
    `rtpAddress: 127.0.0.1:${ports.rtp}`,
    `rtcpAddress: 127.0.0.1:${ports.rtcp}`,
    `rtspsAddress: 127.0.0.1:${ports.rtsps}`,
    `srtpAddress: 127.0.0.1:${ports.srtp}`,
    `srtcpAddress: 127.0.0.1:${ports.srtcp}`,
    /^rtspTransports:/m.test(extraYaml) ? "" : "rtspTransports: [udp, tcp]",
    extraYaml,
    hasPaths ? "" : "paths:\n  all_others:",
  ].join("\n");
  const { config } = parseConfig(yaml, "test.yml", {});
  const logs: string[] = [];
  const log = new Logger(config.logLevel, (line) => {
    logs.push(line);
    if (!opts.quiet && Deno.env.get("TEST_SERVER_LOGS") === "1") console.log(line);
  });
  const app = new App(config, log, { clock: opts.clock });
  app.start();
  // The real pause after a failed login (2 s) is asserted by hardening.test.ts; elsewhere it only slows tests.
  for (const s of app.servers) s.options.authFailureDelayMs = opts.authFailureDelayMs ?? 50;
  return {
    app,
    ports,
    logs,
    url: (path) => `rtsp://127.0.0.1:${ports.rtsp}/${path}`,
    secureUrl: (path) => `rtsps://127.0.0.1:${ports.rtsps}/${path}`,
    async [Symbol.asyncDispose]() {
      await app.close();
    },
  };
}
