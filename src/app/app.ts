import type { Config } from "../config/mod.ts";
import { parseListenAddress } from "../config/mod.ts";
import { Logger } from "../log/logger.ts";
import { PathManager } from "../core/path_manager.ts";
import { RtspServer } from "../server/rtsp_server.ts";
import { HookRunner } from "../hooks/mod.ts";
import type { Authenticator } from "../auth/mod.ts";
import { HttpAuthenticator, InternalAuthenticator, JwtAuthenticator } from "../auth/mod.ts";
import { playerAssets } from "../player/assets.ts";
import type { StatusSource } from "../api/status_types.ts";
import { liveStatus } from "../api/live_status.ts";
import { MetricsServer } from "../metrics/mod.ts";

/**
 * The running server: builds the path manager and the RTSP server(s) from a Config,
 * translating config keys into each component's plain options.
 */
export class App {
  readonly log: Logger;
  readonly pathManager: PathManager;
  readonly servers: RtspServer[] = [];
  /** Live paths, conns and sessions in the API's shapes (served by the API, printed by /metrics). */
  readonly status: StatusSource;
  readonly #config: Config;
  readonly #auth: Authenticator;
  readonly #hooks: HookRunner;
  #metrics: MetricsServer | undefined;

  constructor(config: Config, log = new Logger(config.logLevel)) {
    this.#config = config;
    this.log = log;
    this.#hooks = new HookRunner({ rtspPort: parseListenAddress(config.rtspAddress).port });
    this.pathManager = new PathManager(config, log, this.#hooks);
    this.#auth = createAuthenticator(config, log);
    this.status = liveStatus(this);
  }

  /** Opens every listener; on failure closes what was opened and rethrows. */
  start(): void {
    const c = this.#config;
    if (c.metrics) this.#startMetrics();
    if (!c.rtsp) {
      this.log.info("[RTSP] server is disabled (rtsp: no)");
      return;
    }
    try {
      this.pathManager.start();
      if (c.rtspEncryption !== "strict") this.#startServer("RTSP");
      if (c.rtspEncryption !== "no") this.#startServer("RTSPS");
    } catch (e) {
      for (const s of this.servers) s.close();
      void this.#metrics?.close();
      throw e;
    }
  }

  /** The metrics port actually bound (`metricsAddress` may say port 0), if the listener runs. */
  get metricsPort(): number | undefined {
    return this.#metrics?.port;
  }

  /** `GET /metrics` on `metricsAddress` (MediaMTX's Prometheus endpoint), when `metrics: yes`. */
  #startMetrics(): void {
    const c = this.#config;
    const listen = parseListenAddress(c.metricsAddress);
    const options = {
      hostname: listen.hostname,
      port: listen.port,
      address: c.metricsAddress,
      tls: c.metricsEncryption ? { certFile: c.metricsServerCert, keyFile: c.metricsServerKey } : undefined,
      allowOrigins: c.metricsAllowOrigins,
      trustedProxies: c.metricsTrustedProxies,
      status: this.status,
      auth: httpSurfaceAuthenticator(c, this.#auth),
      log: this.log,
    };
    try {
      this.#metrics = new MetricsServer(options);
    } catch (e) {
      throw new Error(`[metrics] cannot open ${c.metricsAddress}: ${(e as Error).message}`, { cause: e });
    }
  }

  /** Builds one server from the config: plain (`rtspAddress`…) or TLS (`rtspsAddress`, SRTP ports). */
  #startServer(label: "RTSP" | "RTSPS"): void {
    const c = this.#config;
    const secure = label === "RTSPS";
    const listen = parseListenAddress(secure ? c.rtspsAddress : c.rtspAddress);
    const rtp = parseListenAddress(secure ? c.srtpAddress : c.rtpAddress);
    const rtcp = parseListenAddress(secure ? c.srtcpAddress : c.rtcpAddress);
    const server = new RtspServer({
      label,
      hostname: listen.hostname,
      port: listen.port,
      tls: secure ? { certFile: c.rtspServerCert, keyFile: c.rtspServerKey } : undefined,
      udp: { hostname: rtp.hostname, rtpPort: rtp.port, rtcpPort: rtcp.port },
      transports: c.rtspTransports,
      multicast: c.rtspTransports.includes("multicast")
        ? {
          ipRange: c.multicastIPRange,
          rtpPort: secure ? c.multicastSRTPPort : c.multicastRTPPort,
          rtcpPort: secure ? c.multicastSRTCPPort : c.multicastRTCPPort,
          ttl: c.multicastTTL,
          interfaceAddress: c.multicastInterface,
        }
        : undefined,
      readTimeoutMs: c.readTimeout,
      writeTimeoutMs: c.writeTimeout,
      writeQueueSize: c.writeQueueSize,
      sessionTimeoutMs: c.rtspSessionTimeout,
      pathManager: this.pathManager,
      auth: this.#auth,
      log: this.log,
      onConnOpen: c.runOnConnect !== "" || c.runOnDisconnect !== ""
        ? (conn) => this.#connHooks(conn)
        : undefined,
      player: c.rtspPlayer ? playerAssets() : undefined,
    });
    server.start();
    this.servers.push(server);
  }

  /** runOnConnect while a connection is open; runOnDisconnect when it closes. */
  #connHooks(conn: { type: string; id: string; log: Logger }): () => void {
    const c = this.#config;
    const env = { RTSP_PORT: String(this.#hooks.rtspPort), MTX_CONN_TYPE: conn.type, MTX_CONN_ID: conn.id };
    const hook = this.#hooks.start("runOnConnect", c.runOnConnect, env, c.runOnConnectRestart, conn.log);
    return () => {
      hook?.stop();
      this.#hooks.launch("runOnDisconnect", c.runOnDisconnect, env, conn.log);
    };
  }

  /** Closes every server and session, then stops the hooks still running. */
  async close(): Promise<void> {
    await this.#metrics?.close();
    await this.pathManager.close();
    await Promise.all(this.servers.map((s) => s.close()));
    await this.#hooks.close(this.log);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/**
 * The authenticator of the HTTP surfaces (metrics): the RTSP one, except that internal users can
 * always log in with Basic there (`rtspAuthMethods` only concerns RTSP), as in MediaMTX.
 */
function httpSurfaceAuthenticator(c: Config, rtspAuth: Authenticator): Authenticator {
  if (c.authMethod !== "internal" || c.rtspAuthMethods.includes("basic")) return rtspAuth;
  return new InternalAuthenticator(c.authInternalUsers, ["basic"]);
}

/** The authenticator of `authMethod`, from the config's plain values. */
function createAuthenticator(c: Config, log: Logger): Authenticator {
  switch (c.authMethod) {
    case "internal":
      return new InternalAuthenticator(c.authInternalUsers, c.rtspAuthMethods);
    case "http":
      return new HttpAuthenticator({
        address: c.authHTTPAddress,
        exclude: c.authHTTPExclude,
        timeoutMs: c.readTimeout,
        methods: c.rtspAuthMethods,
        log,
      });
    case "jwt":
      return new JwtAuthenticator({
        jwksUrl: c.authJWTJWKS,
        claimKey: c.authJWTClaimKey,
        exclude: c.authJWTExclude,
        issuer: c.authJWTIssuer,
        audience: c.authJWTAudience,
        timeoutMs: c.readTimeout,
        methods: c.rtspAuthMethods,
        log,
      });
  }
}
