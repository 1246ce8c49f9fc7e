import type { Config } from "../config/mod.ts";
import { findPathConf, validatePathName } from "../config/mod.ts";
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

/**
 * Resolves request paths against the `paths:` configuration and keeps the live Path
 * objects. Implements what the RTSP server needs (PathManagerPort).
 */
export class PathManager implements PathManagerPort {
  readonly #config: Config;
  readonly #log: Logger;
  readonly #paths = new Map<string, Path>();

  constructor(config: Config, log: Logger) {
    this.#config = config;
    this.#log = log;
  }

  /** Live paths, for tests and diagnostics. */
  get paths(): ReadonlyMap<string, Path> {
    return this.#paths;
  }

  checkPath(req: PathRequest): void {
    if (!this.#paths.has(req.path)) this.#confOf(req.path);
  }

  describe(req: PathRequest): Promise<StreamDescription> {
    return Promise.resolve().then(() => this.#existing(req.path).describe());
  }

  addReader(req: PathRequest): Promise<ReaderHandle> {
    return Promise.resolve().then(() => this.#existing(req.path).addReader(req));
  }

  addPublisher(
    req: PathRequest,
    medias: SdpMedia[],
    title: string | undefined,
    events: PublisherEvents,
  ): Promise<PublisherHandle> {
    return Promise.resolve().then(() => this.#resolve(req.path).addPublisher(req, medias, title, events));
  }

  /**
   * The live Path for a reader. Paths exist only while someone publishes or reads, so
   * requests for unknown names never grow the map: 400 when not configured, else 404.
   */
  #existing(name: string): Path {
    const path = this.#paths.get(name);
    if (path !== undefined) return path;
    this.#confOf(name);
    throw new RtspError(404, `no stream is available on path '${name}'`);
  }

  /** Finds or creates the Path for a publisher. */
  #resolve(name: string): Path {
    const existing = this.#paths.get(name);
    if (existing !== undefined) return existing;
    const conf = this.#confOf(name);
    const path = new Path(name, conf, this.#log, (p) => {
      if (this.#paths.get(p.name) === p) this.#paths.delete(p.name);
    });
    this.#paths.set(name, path);
    return path;
  }

  /** The configuration of `name`; 400 when the name is invalid or not configured. */
  #confOf(name: string) {
    try {
      validatePathName(name);
    } catch (e) {
      throw new RtspError(400, (e as Error).message);
    }
    const found = findPathConf(this.#config, name);
    if (found === undefined) throw new RtspError(400, `path '${name}' is not configured`);
    return found.conf;
  }
}
