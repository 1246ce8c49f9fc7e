import type { Config, PathConf } from "../config/mod.ts";
import { findPathConf, sourceType, validatePathName } from "../config/mod.ts";
import type { SdpMedia } from "../wire/sdp/mod.ts";
import { RtspError } from "../wire/rtsp/rtsp_error.ts";
import type { Logger } from "../log/logger.ts";
import type {
  PathManagerPort,
  PathRequest,
  PublisherEvents,
  PublisherHandle,
  ReaderHandle,
  StreamDescription,
} from "../server/stream_port.ts";
import { Path } from "./path.ts";
import type { Hook, HookRunner } from "../hooks/mod.ts";
import { pathHookEnv } from "../hooks/mod.ts";

/**
 * Resolves request paths against the `paths:` configuration and keeps the live Path
 * objects. Implements what the RTSP server needs (PathManagerPort).
 */
export class PathManager implements PathManagerPort {
  readonly #config: Config;
  readonly #log: Logger;
  readonly #paths = new Map<string, Path>();
  readonly #hooks: HookRunner | undefined;
  readonly #initHooks: Hook[] = [];

  constructor(config: Config, log: Logger, hooks?: HookRunner) {
    this.#config = config;
    this.#log = log;
    this.#hooks = hooks;
  }

  /** Live paths, for tests and diagnostics. */
  get paths(): ReadonlyMap<string, Path> {
    return this.#paths;
  }

  checkPath(req: PathRequest): void {
    if (!this.#paths.has(req.path)) this.#confOf(req.path);
  }

  async describe(req: PathRequest): Promise<StreamDescription> {
    const path = this.#existing(req.path);
    await path.whenReady(req);
    return path.describe();
  }

  async addReader(req: PathRequest): Promise<ReaderHandle> {
    const path = this.#existing(req.path);
    await path.whenReady(req);
    return path.addReader(req);
  }

  /** Starts the sources that pull all the time (`source: rtsp://…` without sourceOnDemand). */
  start(): void {
    // runOnInit: configured (non-regex) paths exist from startup to shutdown.
    for (const conf of this.#config.paths) {
      if (conf.runOnInit === "" || conf.regex !== undefined || this.#hooks === undefined) continue;
      const env = pathHookEnv(conf.name, [conf.name], this.#hooks.rtspPort);
      const log = this.#log.with(`[path ${conf.name}]`);
      const hook = this.#hooks.start("runOnInit", conf.runOnInit, env, conf.runOnInitRestart, log);
      if (hook !== undefined) this.#initHooks.push(hook);
    }
    for (const conf of this.#config.paths) {
      if (sourceType(conf.source) !== "rtsp" || conf.sourceOnDemand || conf.regex !== undefined) continue;
      this.#create(conf.name, conf, [conf.name]).startSource();
    }
  }

  /** Stops every static source. */
  async close(): Promise<void> {
    await Promise.all([
      ...[...this.#paths.values()].map((p) => p.stopSource()),
      ...this.#initHooks.splice(0).map((h) => h.stop()),
    ]);
  }

  addPublisher(
    req: PathRequest,
    medias: SdpMedia[],
    title: string | undefined,
    events: PublisherEvents,
  ): Promise<PublisherHandle> {
    return Promise.resolve().then(() => {
      const path = this.#resolve(req.path);
      try {
        return path.addPublisher(req, medias, title, events);
      } catch (e) {
        if (path.idle && this.#paths.get(path.name) === path) this.#paths.delete(path.name);
        throw e;
      }
    });
  }

  /**
   * The live Path for a reader. Paths exist only while someone publishes or reads, so
   * requests for unknown names never grow the map: 400 when not configured, else 404.
   */
  #existing(name: string): Path {
    const path = this.#paths.get(name);
    if (path !== undefined) return path;
    const found = this.#found(name);
    const conf = found.conf;
    if (conf.source === "redirect") {
      // The describe handler turns a relative target into an absolute URL (MediaMTX's `source: redirect`, RFC 2326 §11.3.3).
      throw new RtspError(302, `redirected to ${conf.sourceRedirect}`, {
        headers: [["Location", conf.sourceRedirect]],
      });
    }
    // An on-demand source is created for its first reader (regex paths need sourceOnDemand),
    // and so is a path whose runOnDemand command will publish.
    if (sourceType(conf.source) === "rtsp") return this.#create(name, conf, found.matches);
    if (conf.runOnDemand !== "" && conf.source === "publisher" && this.#hooks !== undefined) {
      return this.#create(name, conf, found.matches);
    }
    throw new RtspError(404, `no stream is available on path '${name}'`);
  }

  #create(name: string, conf: PathConf, matches: string[]): Path {
    const path = new Path(name, conf, this.#log, (p) => {
      if (this.#paths.get(p.name) === p) this.#paths.delete(p.name);
    }, {
      matches,
      readTimeoutMs: this.#config.readTimeout,
      hooks: this.#hooks,
      // MediaMTX: RTP packets above udpMaxPayloadSize (10 bytes less with encryption) are split.
      udpMaxPacketSize: this.#config.udpMaxPayloadSize - (this.#config.rtspEncryption !== "no" ? 10 : 0),
    });
    this.#paths.set(name, path);
    return path;
  }

  /** Finds or creates the Path for a publisher. */
  #resolve(name: string): Path {
    const existing = this.#paths.get(name);
    if (existing !== undefined) return existing;
    const found = this.#found(name);
    return this.#create(name, found.conf, found.matches);
  }

  /** The configuration of `name`; 400 when the name is invalid or not configured. */
  #confOf(name: string): PathConf {
    return this.#found(name).conf;
  }

  #found(name: string): { conf: PathConf; matches: string[] } {
    try {
      validatePathName(name);
    } catch (e) {
      throw new RtspError(400, (e as Error).message);
    }
    const found = findPathConf(this.#config, name);
    if (found === undefined) throw new RtspError(400, `path '${name}' is not configured`);
    return found;
  }
}
