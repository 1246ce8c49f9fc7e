import type { Config, PathConf } from "../config/mod.ts";
import { findPathConf, sourceType, validatePathName } from "../config/mod.ts";
import type { SdpMedia } from "../wire/sdp/mod.ts";
import { RtspError } from "../wire/rtsp/mod.ts";
import type { Logger } from "../log/mod.ts";
import type {
  PathManagerPort,
  PathRequest,
  PublisherEvents,
  PublisherHandle,
  ReaderHandle,
  StreamDescription,
} from "../server/mod.ts";
import { Path } from "./path.ts";
import type { Hook, HookRunner } from "../hooks/mod.ts";
import { pathHookEnv } from "../hooks/mod.ts";
import type { Clock } from "../time/mod.ts";

/**
 * Resolves request paths against the `paths:` configuration and keeps the live Path
 * objects. Implements what the RTSP server needs (PathManagerPort).
 */
export class PathManager implements PathManagerPort {
  #config: Config;
  readonly #log: Logger;
  readonly #paths = new Map<string, Path>();
  readonly #hooks: HookRunner | undefined;
  /** runOnInit of each configured (non-regex) entry, by entry name. */
  readonly #initHooks = new Map<string, Hook>();
  readonly #clock: Clock | undefined;

  /** `clock` drives on-demand timeouts and close delays (the system clock when omitted). */
  constructor(config: Config, log: Logger, hooks?: HookRunner, opts: { clock?: Clock } = {}) {
    this.#config = config;
    this.#clock = opts.clock;
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
    for (const conf of this.#config.paths) this.#initEntry(conf);
  }

  /**
   * runOnInit and an always-on source of a configured (non-regex) entry: such paths exist from
   * startup (or the reload that added them) to shutdown.
   */
  #initEntry(conf: PathConf): void {
    if (conf.regex !== undefined) return;
    if (conf.runOnInit !== "" && this.#hooks !== undefined) {
      const env = pathHookEnv(conf.name, [conf.name], this.#hooks.rtspPort);
      const log = this.#log.with(`[path ${conf.name}]`);
      const hook = this.#hooks.start("runOnInit", conf.runOnInit, env, conf.runOnInitRestart, log);
      if (hook !== undefined) this.#initHooks.set(conf.name, hook);
    }
    if (sourceType(conf.source) === "rtsp" && !conf.sourceOnDemand) {
      this.#create(conf.name, conf, [conf.name]).startSource();
    }
  }

  /**
   * Hot reload: switches to `next`. The live paths of the `entries` named (changed, removed or
   * added configuration entries; "all" for every one) are closed (publishers and readers
   * disconnected, hooks stopped), and so is a live path that `next` serves from another entry.
   * Then the named entries that are configured (non-regex) paths in `next` are recreated
   * (runOnInit, always-on source). Every other path keeps its publisher and readers untouched.
   */
  async reconfigure(next: Config, entries: ReadonlySet<string> | "all"): Promise<void> {
    const touched = (name: string) => entries === "all" || entries.has(name);
    this.#config = next;
    const closing: Promise<void>[] = [];
    for (const path of [...this.#paths.values()]) {
      const found = findPathConf(next, path.name);
      if (!touched(path.conf.name) && found?.conf.name === path.conf.name) continue;
      this.#paths.delete(path.name);
      closing.push(path.close("the path configuration has changed"));
    }
    for (const [name, hook] of [...this.#initHooks]) {
      if (!touched(name)) continue;
      this.#initHooks.delete(name);
      closing.push(hook.stop());
    }
    await Promise.all(closing);
    for (const conf of next.paths) if (touched(conf.name)) this.#initEntry(conf);
  }

  /** Stops every static source. */
  async close(): Promise<void> {
    const hooks = [...this.#initHooks.values()];
    this.#initHooks.clear();
    await Promise.all([
      ...[...this.#paths.values()].map((p) => p.stopSource()),
      ...hooks.map((h) => h.stop()),
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
      clock: this.#clock,
      // MediaMTX: RTP packets above udpMaxPayloadSize (10 bytes less with encryption) are split.
      udpMaxPacketSize: this.#config.udpMaxPayloadSize - (this.#config.rtspEncryption !== "no" ? 10 : 0),
      fanOutHoldMs: this.#config.rtspFanOutHold,
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
