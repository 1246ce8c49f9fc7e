/**
 * The typed configuration back as a plain document with MediaMTX's key names (the inverse of
 * loading): what the control API shows and edits, and what `configFromValue` turns back into an
 * identical Config.
 */

import { pathOwnKeys } from "./build.ts";
import { formatDuration } from "./durations.ts";
import { GLOBAL_DECODERS, type GlobalKey, PATH_DECODERS, type PathKey } from "./schema.ts";
import type { Config, PathConf } from "./types.ts";

/** A JSON-like object of configuration keys. */
export type ConfigDocument = Record<string, unknown>;

/** Keys holding durations (milliseconds in Config, Go duration strings in documents). */
export const DURATION_KEYS: ReadonlySet<string> = new Set<GlobalKey | PathKey>([
  "readTimeout",
  "writeTimeout",
  "rtspSessionTimeout",
  "rtspFanOutHold",
  "sourceOnDemandStartTimeout",
  "sourceOnDemandCloseAfter",
  "sourceRetryPause",
  "runOnDemandStartTimeout",
  "runOnDemandCloseAfter",
]);

/** How values are written. */
export interface DocumentOptions {
  /** Duration format; Go syntax (`formatDuration`) by default. */
  duration?: (ms: number) => string;
  /** Replaces non-empty passwords (authInternalUsers[].pass) with this text. */
  redactPasswords?: string;
}

function value(key: string, v: unknown, opts: DocumentOptions): unknown {
  if (DURATION_KEYS.has(key)) return (opts.duration ?? formatDuration)(v as number);
  if (key === "authInternalUsers" && opts.redactPasswords !== undefined) {
    const text = opts.redactPasswords;
    return (v as Config["authInternalUsers"]).map((u) => ({
      ...structuredClone(u),
      pass: u.pass === "" ? "" : text,
    }));
  }
  return structuredClone(v);
}

/** Every global key (no pathDefaults, no paths), in schema order. */
export function globalDocument(config: Config, opts: DocumentOptions = {}): ConfigDocument {
  const out: ConfigDocument = {};
  for (const key of Object.keys(GLOBAL_DECODERS) as GlobalKey[]) out[key] = value(key, config[key], opts);
  return out;
}

/** Every path key of `conf` (all of them, or only `keys`), in schema order. */
export function pathDocument(
  conf: PathConf,
  opts: DocumentOptions = {},
  keys?: ReadonlySet<string>,
): ConfigDocument {
  const out: ConfigDocument = {};
  for (const key of Object.keys(PATH_DECODERS) as PathKey[]) {
    if (keys === undefined || keys.has(key)) out[key] = value(key, conf[key], opts);
  }
  return out;
}

/**
 * The keys a path entry sets itself: as built when known, else those that differ from pathDefaults.
 */
export function ownKeysOf(conf: PathConf, defaults: PathConf): ReadonlySet<string> {
  const known = pathOwnKeys(conf);
  if (known !== undefined) return known;
  const differ = (Object.keys(PATH_DECODERS) as PathKey[]).filter((k) =>
    JSON.stringify(conf[k]) !== JSON.stringify(defaults[k])
  );
  return new Set(differ);
}

/**
 * The whole configuration as a document: globals, full pathDefaults, and each path with only the
 * keys it sets itself (so a later pathDefaults change still reaches what it inherits).
 */
export function configDocument(config: Config, opts: DocumentOptions = {}): ConfigDocument {
  const paths: ConfigDocument = {};
  for (const conf of config.paths) {
    paths[conf.name] = pathDocument(conf, opts, ownKeysOf(conf, config.pathDefaults));
  }
  return { ...globalDocument(config, opts), pathDefaults: pathDocument(config.pathDefaults, opts), paths };
}
