/**
 * Loading: find the file, parse YAML, sort keys into sections, apply environment overrides,
 * type every value and run the cross-field checks. Every failure is a ConfigError naming the key
 * and the file line or environment variable responsible.
 */

import { buildConfig } from "./build.ts";
import { ConfigError, DEFAULT_ORIGIN } from "./config_error.ts";
import { sectionsFromDocument } from "./document.ts";
import { applyEnv } from "./env.ts";
import { convertLegacyCredentials } from "./legacy_credentials.ts";
import { parseYaml, rawFromValue } from "./raw.ts";
import { type RawConfig, Warnings } from "./sections.ts";
import type { Config } from "./types.ts";
import { validateConfig } from "./validate.ts";

export { ConfigError } from "./config_error.ts";

/** Where the configuration is looked for when no file is given, in order (as MediaMTX). */
export const DEFAULT_CONFIG_PATHS: readonly string[] = [
  "mediamtx.yml",
  "/usr/local/etc/mediamtx.yml",
  "/usr/etc/mediamtx.yml",
  "/etc/mediamtx/mediamtx.yml",
];

/** Options of `loadConfig`. */
export interface LoadConfigOptions {
  /** Explicit file; it must exist. */
  file?: string;
  /** Environment; default `Deno.env.toObject()`. */
  env?: Record<string, string>;
  /** Candidates tried when `file` is not given (default DEFAULT_CONFIG_PATHS). */
  searchPaths?: readonly string[];
}

/** Result of loading. */
export interface LoadedConfig {
  /** The validated configuration. */
  config: Config;
  /** Path actually read; undefined when none was found and the built-in defaults were used. */
  file?: string;
  /** Things worth logging: ignored MediaMTX keys, deprecated names, unsupported sources. */
  warnings: string[];
}

function finish(raw: RawConfig, env: Record<string, string>, warnings: Warnings): Config {
  applyEnv(raw, env, warnings);
  const { config, origins } = buildConfig(raw);
  // Converted first, so the digest/hashed-credential checks see the resulting users.
  convertLegacyCredentials(config, origins);
  validateConfig(config, origins, warnings);
  return config;
}

/** Parses configuration text (pure; for tests and API use). `fileName` appears in messages. */
export function parseConfig(
  text: string,
  fileName: string,
  env: Record<string, string> = {},
): { config: Config; warnings: string[] } {
  const warnings = new Warnings();
  const confKeySet = env.MTX_CONFKEY !== undefined || env.RTSP_CONFKEY !== undefined;
  const raw = sectionsFromDocument(parseYaml(text, fileName), warnings, confKeySet);
  return { config: finish(raw, env, warnings), warnings: warnings.list };
}

/**
 * Builds the configuration from a plain document (JSON-like: global keys, `pathDefaults`, `paths`),
 * with the same checks as a file but without environment overrides: the control API's edits.
 */
export function configFromValue(value: unknown): { config: Config; warnings: string[] } {
  const warnings = new Warnings();
  const raw = sectionsFromDocument(rawFromValue(value, DEFAULT_ORIGIN), warnings);
  return { config: finish(raw, {}, warnings), warnings: warnings.list };
}

/** The configuration when no file exists: defaults (with `all_others`) plus environment overrides. */
export function configFromEnv(env: Record<string, string> = {}): { config: Config; warnings: string[] } {
  const warnings = new Warnings();
  const raw: RawConfig = {
    global: new Map(),
    pathDefaults: new Map(),
    paths: [{ name: "all_others", origin: DEFAULT_ORIGIN, section: new Map() }],
  };
  return { config: finish(raw, env, warnings), warnings: warnings.list };
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * Loads the configuration: the explicit `file`, else the first of the search paths that exists,
 * else the built-in defaults (which let anyone publish and read any path).
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const env = options.env ?? Deno.env.toObject();
  const candidates = options.file !== undefined
    ? [options.file]
    : options.searchPaths ?? DEFAULT_CONFIG_PATHS;
  for (const path of candidates) {
    let text: string | undefined;
    try {
      text = await readIfExists(path);
    } catch (error) {
      const reason = `cannot read ${path}: ${(error as Error).message}`;
      const configError = new ConfigError("", reason, DEFAULT_ORIGIN, { cause: error });
      configError.file = path;
      throw configError;
    }
    if (text === undefined) {
      if (options.file !== undefined) {
        const error = new ConfigError("", `configuration file ${path} does not exist`, DEFAULT_ORIGIN);
        error.file = path;
        throw error;
      }
      continue;
    }
    const { config, warnings } = parseConfig(text, path, env);
    return { config, file: path, warnings };
  }
  return configFromEnv(env);
}
