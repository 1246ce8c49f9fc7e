import type { Config } from "../config/mod.ts";
import { parseListenAddress } from "../config/mod.ts";
import { Logger } from "../log/logger.ts";
import { PathManager } from "../core/path_manager.ts";
import { RtspServer } from "../server/rtsp_server.ts";
import { HookRunner } from "../hooks/mod.ts";
import type { Authenticator } from "../auth/mod.ts";
import { HttpAuthenticator, InternalAuthenticator, JwtAuthenticator } from "../auth/mod.ts";
import { playerAssets } from "../player/assets.ts";
import { ApiRouter, handleConfigApi, liveStatus } from "../api/mod.ts";
import type { StatusSource } from "../api/mod.ts";
import { HttpListener } from "../transport/http_listener.ts";
import denoJson from "../../deno.json" with { type: "json" };

/**
 * The running server: builds the path manager and the RTSP server(s) from a Config,
 * translating config keys into each component's plain options.
 */
export class App {
  readonly log: Logger;
  readonly pathManager: PathManager;
  readonly servers: RtspServer[] = [];
  readonly #config: Config;
  readonly #auth: Authenticator;
  readonly #hooks: HookRunner;
  /** Runtime status (paths, RTSP conns and sessions) in MediaMTX's API shapes, for the API and metrics. */
  readonly status: StatusSource;
  #api: HttpListener | undefined;

  constructor(config: Config, log = new Logger(config.logLevel)) {
    this.#config = config;
    this.log = log;
    this.#hooks = new HookRunner({ rtspPort: parseListenAddress(config.rtspAddress).port });
    this.pathManager = new PathManager(config, log, this.#hooks);
    this.#auth = createAuthenticator(config, log);
    this.status = liveStatus({
      config: () => this.#config,
      paths: () => this.pathManager.paths,
      servers: () => this.servers,
    });
  }

  /** The control API listener, when `api: yes`. */
  get api(): HttpListener | undefined {
    return this.#api;
  }

  /** Opens every listener; on failure closes what was opened and rethrows. */
  start(): void {
    const c = this.#config;
    try {
      if (!c.rtsp) this.log.info("[RTSP] server is disabled (rtsp: no)");
      else {
        this.pathManager.start();
        if (c.rtspEncryption !== "strict") this.#startServer("RTSP");
        if (c.rtspEncryption !== "no") this.#startServer("RTSPS");
      }
      if (c.api) this.#startApi();
    } catch (e) {
      for (const s of this.servers) s.close();
      throw e;
    }
  }

  /** The control API (`api: yes`) on apiAddress. */
  #startApi(): void {
    const c = this.#config;
    const auth = this.#auth instanceof InternalAuthenticator
      // The API always takes Basic credentials, whatever rtspAuthMethods says.
      ? new InternalAuthenticator(c.authInternalUsers, ["basic"])
      : this.#auth;
    const jwt = this.#auth instanceof JwtAuthenticator ? this.#auth : undefined;
    const router = new ApiRouter({
      version: `v${denoJson.version}`,
      startedMs: performance.timeOrigin,
      allowOrigins: c.apiAllowOrigins,
      trustedProxies: c.apiTrustedProxies,
      auth,
      status: this.status,
      kick: (secure, id) => this.#kick(secure, id),
      refreshJwks: jwt === undefined ? undefined : () => jwt.refreshKeys(),
      config: (req) => handleConfigApi(req, this),
      log: this.log,
    });
    const address = c.apiAddress.startsWith("unix://")
      ? { path: c.apiAddress.slice("unix://".length) }
      : parseListenAddress(c.apiAddress);
    this.#api = HttpListener.start({
      address,
      tls: c.apiEncryption ? { certFile: c.apiServerCert, keyFile: c.apiServerKey } : undefined,
      handler: router.handle,
      onError: (e) => this.log.error(`[API] ${(e as Error).message}`),
    });
    this.log.info(`[API] listener opened on ${this.#api.address}`);
  }

  /** Closes the session `id` of the RTSP or RTSPS server (API kick); false when there is none. */
  #kick(secure: boolean, id: string): boolean {
    const server = this.servers.find((s) => (s.options.label === "RTSPS") === secure);
    const session = server === undefined
      ? undefined
      : [...server.sessions.values()].find((s) => s.uuid === id);
    if (session === undefined) return false;
    session.close("kicked");
    return true;
  }

  /** ConfigTarget: live config edits from the API (implemented with hot reload). */
  applyConfigFromApi(_next: unknown): Promise<void> {
    return Promise.reject(new Error("configuration changes through the API are not supported yet"));
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
    await this.#api?.close();
    await this.pathManager.close();
    await Promise.all(this.servers.map((s) => s.close()));
    await this.#hooks.close(this.log);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
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
