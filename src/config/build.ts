/**
 * Types the raw sections: defaults, then pathDefaults, then each path's own settings, exactly the
 * layering MediaMTX uses. Keeps the origin of every value for the cross-field checks.
 */

import { ConfigError, DEFAULT_ORIGIN, type Origin } from "./config_error.ts";
import { defaultGlobalConfig, defaultPathConf } from "./defaults.ts";
import type { Decoder } from "./decode.ts";
import { validatePathName } from "./path_match.ts";
import { GLOBAL_DECODERS, type GlobalKey, PATH_DECODERS, type PathKey } from "./schema.ts";
import { pathLabel, type RawConfig, type RawPath, type Section, type SectionEntry } from "./sections.ts";
import type { Config, PathConf } from "./types.ts";

/** Where each value of the built configuration came from. */
export class Origins {
  #global: Section;
  #pathDefaults: Section;
  #paths: RawPath[];

  constructor(raw: RawConfig) {
    this.#global = raw.global;
    this.#pathDefaults = raw.pathDefaults;
    this.#paths = raw.paths;
  }

  /** Origin of a global value (the default origin when nobody set it). */
  global(key: GlobalKey): Origin {
    return this.#global.get(key)?.value.origin ?? DEFAULT_ORIGIN;
  }

  /** Whether a global value was set explicitly. */
  isSet(key: GlobalKey): boolean {
    return this.#global.has(key);
  }

  /** Origin and label of a path value: the path's own entry, else pathDefaults', else the default. */
  path(index: number | "defaults", key: string): { origin: Origin; label: string } {
    const own = index === "defaults" ? undefined : this.#paths[index];
    const entry = own?.section.get(key) ?? this.#pathDefaults.get(key);
    const prefix = own === undefined ? "pathDefaults" : pathLabel(own.name);
    if (entry === undefined) return { origin: own?.origin ?? DEFAULT_ORIGIN, label: `${prefix}.${key}` };
    return {
      origin: entry.value.origin,
      label: entry === own?.section.get(key) ? entry.label : `${prefix}.${key}`,
    };
  }

  /** Origin of a path's name. */
  pathName(index: number): Origin {
    return this.#paths[index].origin;
  }

  /** The raw path settings (for the legacy credential conversion). */
  rawPath(index: number): RawPath {
    return this.#paths[index];
  }

  /** The raw pathDefaults settings. */
  get rawPathDefaults(): Section {
    return this.#pathDefaults;
  }
}

/** Per-path keys each built PathConf set itself (the rest came from pathDefaults). */
const OWN_KEYS = new WeakMap<PathConf, ReadonlySet<PathKey>>();

/**
 * The keys a path entry sets itself, rather than inheriting from pathDefaults (file, environment
 * or API document). Undefined for a PathConf this module did not build.
 */
export function pathOwnKeys(conf: PathConf): ReadonlySet<PathKey> | undefined {
  return OWN_KEYS.get(conf);
}

function decodeEntry<T>(decoder: Decoder<T>, entry: SectionEntry): T {
  const value = decoder(entry.value, entry.label);
  return (entry.invert ? !value : value) as T;
}

function applySection(target: PathConf, section: Section): void {
  for (const [key, entry] of section) {
    if (!Object.hasOwn(PATH_DECODERS, key)) continue; // legacy credentials
    const k = key as PathKey;
    (target as unknown as Record<PathKey, unknown>)[k] = decodeEntry(
      PATH_DECODERS[k] as Decoder<unknown>,
      entry,
    );
  }
}

/** Compiles a path's name into its regex (or checks a plain name); errors point at the name. */
function pathRegex(name: string, origin: Origin): RegExp | undefined {
  if (name === "all_others") return /^.*$/;
  if (name.startsWith("~")) {
    try {
      return new RegExp(name.slice(1));
    } catch (error) {
      // JS syntax applies; Go-only constructs such as (?P<name>…) or (?i) fail here.
      const reason = `invalid regular expression: ${
        (error as Error).message
      } (JavaScript RegExp syntax applies)`;
      throw new ConfigError(pathLabel(name), reason, origin);
    }
  }
  try {
    validatePathName(name);
  } catch (error) {
    throw new ConfigError(pathLabel(name), (error as Error).message, origin);
  }
  return undefined;
}

/** Builds the typed configuration; decoding errors are ConfigError with origin. */
export function buildConfig(raw: RawConfig): { config: Config; origins: Origins } {
  const config = defaultGlobalConfig();
  const fields = config as unknown as Record<GlobalKey, unknown>;
  for (const [key, entry] of raw.global) {
    const k = key as GlobalKey;
    fields[k] = decodeEntry(GLOBAL_DECODERS[k] as Decoder<unknown>, entry);
    if (entry.written === "externalAuthenticationURL") config.authMethod = "http";
  }
  const pathDefaults = defaultPathConf();
  applySection(pathDefaults, raw.pathDefaults);
  config.pathDefaults = pathDefaults;
  config.paths = raw.paths.map((rawPath) => {
    const regex = pathRegex(rawPath.name, rawPath.origin);
    const conf: PathConf = {
      ...pathDefaults,
      rtspUDPSourcePortRange: [...pathDefaults.rtspUDPSourcePortRange],
      name: rawPath.name,
    };
    if (regex !== undefined) conf.regex = regex;
    applySection(conf, rawPath.section);
    OWN_KEYS.set(
      conf,
      new Set([...rawPath.section.keys()].filter((k) => Object.hasOwn(PATH_DECODERS, k))) as Set<PathKey>,
    );
    return conf;
  });
  return { config, origins: new Origins(raw) };
}
