import type { Config } from "../config/mod.ts";
import { Logger } from "../log/mod.ts";
import { PathManager } from "../core/mod.ts";
import { RtspServer } from "../server/mod.ts";
import { HookRunner } from "../hooks/mod.ts";
import type { Authenticator } from "../auth/mod.ts";
import { HttpAuthenticator, InternalAuthenticator, JwtAuthenticator } from "../auth/mod.ts";
import { playerAssets } from "../player/assets.ts";
import { type Clock, systemClock } from "../time/mod.ts";
import { type ConfigDiff, diffConfig } from "./config_diff.ts";
import { LiveAuthenticator } from "./live_authenticator.ts";
import { pathManagerSettings, rtspServerSettings } from "./server_settings.ts";
import { ApiServer, handleConfigApi, liveStatus } from "../api/mod.ts";
import type { StatusSource } from "../api/mod.ts";
import { parseListenAddress } from "../config/mod.ts";
import denoJson from "../../deno.json" with { type: "json" };

/** How long a restarted listener retries binding an address its predecessor just released. */
const RESTART_BIND_DEADLINE_MS = 2000;

/** Why a configuration is applied, as logged: `reloading configuration (<reason>)`. */
export type ReloadReason = "file changed" | "API request" | "SIGHUP";

/** Told after every applied reload (e.g. to restart the API or metrics server when `diff.api`). */
export type ReloadListener = (next: Config, prev: Config, diff: ConfigDiff) => void | Promise<void>;
import { MetricsServer } from "../metrics/mod.ts";

/**
 * The running server: builds the path manager and the RTSP server(s) from a Config,
 * translating config keys into each component's plain options, and applies new configurations
 * live (hot reload).
 */
export class App {
  readonly log: Logger;
  readonly pathManager: PathManager;
  #config: Config;
  readonly #servers = new Map<"RTSP" | "RTSPS", RtspServer>();
  readonly #auth: LiveAuthenticator;
  readonly #hooks: HookRunner;
  readonly #clock: Clock;
  readonly #listeners = new Set<ReloadListener>();
  /** Reloads run one at a time, in order. */
  #reloads: Promise<void> = Promise.resolve();
  #started = false;
  /** Runtime status (paths, RTSP conns and sessions) in MediaMTX's API shapes, for the API and metrics. */
  readonly status: StatusSource;
  /**
   * The authenticator of the HTTP surfaces (API, metrics): the RTSP one, except that internal
   * users always take Basic credentials there, whatever rtspAuthMethods says.
   */
  readonly #httpAuth: LiveAuthenticator;
  #api: ApiServer | undefined;
  #apiRestart: Promise<void> = Promise.resolve();
  #metrics: MetricsServer | undefined;
  #metricsRestart: Promise<void> = Promise.resolve();

  /** `clock` drives every timeout and report interval (tests pass a fake one). */
  constructor(config: Config, log = new Logger(config.logLevel), opts: { clock?: Clock } = {}) {
    this.#config = config;
    this.#clock = opts.clock ?? systemClock;
    this.log = log;
    this.#hooks = new HookRunner({ rtspPort: pathManagerSettings(config).rtspPort });
    this.pathManager = new PathManager(config, log, this.#hooks, { clock: this.#clock });
    this.#auth = new LiveAuthenticator(createAuthenticator(config, log));
    this.#httpAuth = new LiveAuthenticator(httpAuthenticator(config, this.#auth.current));
    this.status = liveStatus({
      config: () => this.#config,
      paths: () => this.pathManager.paths,
      servers: () => this.servers,
    });
  }

  /** The control API listener, when `api: yes`. */
  get api(): ApiServer | undefined {
    return this.#api;
  }

  /** The configuration in effect. */
  get config(): Config {
    return this.#config;
  }

  /** The running RTSP servers (plain first, then RTSPS). */
  get servers(): RtspServer[] {
    return (["RTSP", "RTSPS"] as const).flatMap((l) => this.#servers.get(l) ?? []);
  }

  /** The authenticator of the current configuration (swapped live on reload). */
  get auth(): Authenticator {
    return this.#auth;
  }

  /** Opens every listener; on failure closes what was opened and rethrows. */
  start(): void {
    this.#started = true;
    if (this.#config.metrics) this.#startMetrics();
    try {
      if (!this.#config.rtsp) this.log.info("[RTSP] server is disabled (rtsp: no)");
      else {
        this.pathManager.start();
        for (const label of ["RTSP", "RTSPS"] as const) this.#startServer(label);
      }
      if (this.#config.api) this.#startApi();
    } catch (e) {
      for (const s of this.#servers.values()) s.close();
      this.#servers.clear();
      void this.#metrics?.close();
      this.#metrics = undefined;
      throw e;
    }
  }

  /** The control API (`api: yes`) on apiAddress. */
  #startApi(): void {
    const c = this.#config;
    const address = c.apiAddress.startsWith("unix://")
      ? { path: c.apiAddress.slice("unix://".length) }
      : parseListenAddress(c.apiAddress);
    this.#api = new ApiServer({
      address,
      tls: c.apiEncryption ? { certFile: c.apiServerCert, keyFile: c.apiServerKey } : undefined,
      version: `v${denoJson.version}`,
      startedMs: performance.timeOrigin,
      allowOrigins: c.apiAllowOrigins,
      trustedProxies: c.apiTrustedProxies,
      auth: this.#httpAuth,
      status: this.status,
      kick: (secure, id) => this.#kick(secure, id),
      refreshJwks: () => {
        const current = this.#auth.current;
        if (current instanceof JwtAuthenticator) current.refreshKeys();
      },
      config: (req) => handleConfigApi(req, this),
      log: this.log,
    });
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
      auth: this.#httpAuth,
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
    const settings = rtspServerSettings(this.#config, label);
    if (settings === undefined) return;
    const { runOnConnect, runOnConnectRestart, runOnDisconnect, player, ...options } = settings;
    const server = new RtspServer({
      ...options,
      pathManager: this.pathManager,
      auth: this.#auth,
      log: this.log,
      onConnOpen: runOnConnect !== "" || runOnDisconnect !== ""
        ? (conn) => this.#connHooks(conn, { runOnConnect, runOnConnectRestart, runOnDisconnect })
        : undefined,
      player: player ? playerAssets() : undefined,
      clock: this.#clock,
    });
    server.start();
    this.#servers.set(label, server);
  }

  /**
   * Starts a server again after a reload closed it. The sockets just closed are released by Deno
   * once their pending reads end, a moment later, so "address in use" is retried for a while.
   */
  async #restartServer(label: "RTSP" | "RTSPS"): Promise<void> {
    const deadline = performance.now() + RESTART_BIND_DEADLINE_MS;
    for (;;) {
      try {
        this.#startServer(label);
        return;
      } catch (e) {
        const inUse = /address already in use|AddrInUse/i.test((e as Error).message);
        if (!inUse || performance.now() > deadline) {
          // The new address may be taken: the other components keep running.
          this.log.error(`[${label}] cannot start the listener: ${(e as Error).message}`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }

  /** runOnConnect while a connection is open; runOnDisconnect when it closes. */
  #connHooks(
    conn: { type: string; id: string; log: Logger },
    c: { runOnConnect: string; runOnConnectRestart: boolean; runOnDisconnect: string },
  ): () => void {
    const env = { RTSP_PORT: String(this.#hooks.rtspPort), MTX_CONN_TYPE: conn.type, MTX_CONN_ID: conn.id };
    const hook = this.#hooks.start("runOnConnect", c.runOnConnect, env, c.runOnConnectRestart, conn.log);
    return () => {
      hook?.stop();
      this.#hooks.launch("runOnDisconnect", c.runOnDisconnect, env, conn.log);
    };
  }

  /** Calls `listener` after every applied reload; returns a function that removes it. */
  onReload(listener: ReloadListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Applies a validated configuration live, logging `reloading configuration (<reason>)`. Only what
   * changed restarts (see config_diff.ts); readers and publishers of unchanged paths are not touched.
   */
  applyConfig(next: Config, reason: ReloadReason): Promise<ConfigDiff> {
    this.log.info(`reloading configuration (${reason})`);
    return this.applyConfigQuietly(next);
  }

  /** `applyConfig` without the log line, for callers that logged it before loading the file. */
  applyConfigQuietly(next: Config): Promise<ConfigDiff> {
    const run = this.#reloads.then(() => this.#apply(next));
    this.#reloads = run.then(() => {}, () => {});
    return run;
  }

  async #apply(next: Config): Promise<ConfigDiff> {
    const prev = this.#config;
    const diff = diffConfig(prev, next);
    this.#config = next;
    if (diff.logLevel) this.log.level = next.logLevel;
    if (diff.auth) {
      this.#auth.swap(createAuthenticator(next, this.log));
      this.#httpAuth.swap(httpAuthenticator(next, this.#auth.current));
    }
    if (!this.#started) {
      await this.pathManager.reconfigure(next, new Set());
      return diff;
    }
    const restart = (["RTSP", "RTSPS"] as const).filter((l) => l === "RTSP" ? diff.rtsp : diff.rtsps);
    await Promise.all(restart.map(async (label) => {
      const server = this.#servers.get(label);
      this.#servers.delete(label);
      await server?.close();
    }));
    this.#hooks.rtspPort = pathManagerSettings(next).rtspPort;
    const p = diff.paths;
    // With `rtsp: no` at startup the paths never started: they start with the listeners.
    const allPaths = diff.allPaths || (!prev.rtsp && next.rtsp);
    try {
      await this.pathManager.reconfigure(
        next,
        allPaths ? "all" : new Set([...p.changed, ...p.removed, ...p.added]),
      );
    } finally {
      for (const label of restart) await this.#restartServer(label);
      // Not awaited: the request that asked for this reload may be running on the API listener.
      if (diff.api) this.#apiRestart = this.#apiRestart.then(() => this.#restartApi());
      if (diff.metrics) this.#metricsRestart = this.#metricsRestart.then(() => this.#restartMetrics());
    }
    for (const listener of this.#listeners) {
      try {
        await listener(next, prev, diff);
      } catch (e) {
        this.log.error(`reload: ${(e as Error).message}`);
      }
    }
    return diff;
  }

  /** Closes the metrics listener and opens it again with the current configuration (when `metrics: yes`). */
  async #restartMetrics(): Promise<void> {
    await this.#metrics?.close();
    this.#metrics = undefined;
    if (!this.#config.metrics) return;
    await this.#retryBind("metrics", () => this.#startMetrics());
  }

  /** Runs `start` until the address its predecessor just released is free again, up to a deadline. */
  async #retryBind(label: string, start: () => void): Promise<void> {
    const deadline = performance.now() + RESTART_BIND_DEADLINE_MS;
    for (;;) {
      try {
        start();
        return;
      } catch (e) {
        if (performance.now() > deadline) {
          this.log.error(`[${label}] cannot restart: ${(e as Error).message}`);
          return;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  /** Closes the API listener and opens it again with the current configuration (when `api: yes`). */
  async #restartApi(): Promise<void> {
    await this.#api?.close();
    this.#api = undefined;
    if (!this.#config.api) return;
    await this.#retryBind("API", () => this.#startApi());
  }

  /** Closes every server and session, then stops the hooks still running. */
  async close(): Promise<void> {
    await this.#reloads;
    await this.#apiRestart;
    await this.#metricsRestart;
    await this.#api?.close();
    await this.#metrics?.close();
    await this.pathManager.close();
    await Promise.all(this.servers.map((s) => s.close()));
    await this.#hooks.close(this.log);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** The HTTP surfaces' authenticator: internal users with Basic always, else the RTSP one. */
function httpAuthenticator(c: Config, rtsp: Authenticator): Authenticator {
  return c.authMethod === "internal" ? new InternalAuthenticator(c.authInternalUsers, ["basic"]) : rtsp;
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
