import type { Config } from "../config/mod.ts";
import { parseListenAddress } from "../config/mod.ts";
import { Logger } from "../log/logger.ts";
import { PathManager } from "../core/path_manager.ts";
import { RtspServer } from "../server/rtsp_server.ts";

/**
 * The running server: builds the path manager and the RTSP server(s) from a Config,
 * translating config keys into each component's plain options.
 */
export class App {
  readonly log: Logger;
  readonly pathManager: PathManager;
  readonly servers: RtspServer[] = [];
  readonly #config: Config;

  constructor(config: Config, log = new Logger(config.logLevel)) {
    this.#config = config;
    this.log = log;
    this.pathManager = new PathManager(config, log);
  }

  /** Opens every listener; on failure closes what was opened and rethrows. */
  start(): void {
    const c = this.#config;
    if (!c.rtsp) {
      this.log.info("[RTSP] server is disabled (rtsp: no)");
      return;
    }
    try {
      if (c.rtspEncryption !== "strict") {
        const listen = parseListenAddress(c.rtspAddress);
        const rtp = parseListenAddress(c.rtpAddress);
        const rtcp = parseListenAddress(c.rtcpAddress);
        const server = new RtspServer({
          label: "RTSP",
          hostname: listen.hostname,
          port: listen.port,
          udp: { hostname: rtp.hostname, rtpPort: rtp.port, rtcpPort: rtcp.port },
          transports: c.rtspTransports,
          multicast: c.rtspTransports.includes("multicast")
            ? {
              ipRange: c.multicastIPRange,
              rtpPort: c.multicastRTPPort,
              rtcpPort: c.multicastRTCPPort,
              ttl: c.multicastTTL,
              interfaceAddress: c.multicastInterface,
            }
            : undefined,
          readTimeoutMs: c.readTimeout,
          writeTimeoutMs: c.writeTimeout,
          writeQueueSize: c.writeQueueSize,
          sessionTimeoutMs: c.rtspSessionTimeout,
          pathManager: this.pathManager,
          log: this.log,
        });
        server.start();
        this.servers.push(server);
      }
      if (c.rtspEncryption !== "no") {
        this.log.warn("[RTSPS] encryption is not available yet: rtspEncryption is ignored");
      }
    } catch (e) {
      for (const s of this.servers) s.close();
      throw e;
    }
  }

  /** Closes every server and session. */
  async close(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.close()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
