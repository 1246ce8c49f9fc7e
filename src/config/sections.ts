/**
 * Sorts the raw document into sections (globals, pathDefaults, each path), resolving deprecated
 * names, reporting foreign MediaMTX keys once and rejecting unknown keys with a suggestion.
 * Environment variables later write into the same sections (env.ts).
 */

import { ConfigError, describeOrigin, type Origin } from "./config_error.ts";
import { isForeignGlobalKey, isForeignPathKey } from "./foreign_keys.ts";
import { isNull, type RawMap, type RawNode } from "./raw.ts";
import {
  type Alias,
  GLOBAL_ALIASES,
  GLOBAL_DECODERS,
  isGlobalKey,
  isPathKey,
  LEGACY_CREDENTIAL_KEYS,
  PATH_ALIASES,
  PATH_DECODERS,
} from "./schema.ts";
import { suggest } from "./suggest.ts";

/** One value set for a key, by the file or by an environment variable. */
export interface SectionEntry {
  /** The key as written (may be a deprecated name). */
  written: string;
  /** Key path for messages, e.g. "paths.cam.sourceProtocol". */
  label: string;
  /** Where the key was written. */
  keyOrigin: Origin;
  /** The value. */
  value: RawNode;
  /** The deprecated name meant the opposite. */
  invert: boolean;
  /** Who set it: "file", "env:RTSP" or "env:MTX"; a later layer replaces an earlier one. */
  layer: string;
}

/** Canonical key -> the entry that sets it. */
export type Section = Map<string, SectionEntry>;

/** A configured path before typing. */
export interface RawPath {
  /** Name as written (legacy `all` already renamed to `all_others`). */
  name: string;
  /** Where the name was written. */
  origin: Origin;
  /** Its own settings, overriding pathDefaults. */
  section: Section;
}

/** The whole configuration before typing. */
export interface RawConfig {
  global: Section;
  pathDefaults: Section;
  paths: RawPath[];
}

/** Collects warnings, reporting each foreign key and each deprecated name once. */
export class Warnings {
  readonly list: string[] = [];
  #seen = new Set<string>();

  /** Adds a warning unless one with the same `id` was already added. */
  add(id: string, message: string): void {
    if (this.#seen.has(id)) return;
    this.#seen.add(id);
    this.list.push(message);
  }
}

/** Formats a path name inside a key path: paths.cam, paths["~^cam(\d+)$"]. */
export function pathLabel(name: string): string {
  return /^[A-Za-z0-9_-]+$/.test(name) ? `paths.${name}` : `paths[${JSON.stringify(name)}]`;
}

/** Kinds of section, which decide the known, deprecated and foreign keys. */
export type SectionKind = "global" | "path";

/** Stores an entry: a later layer replaces an earlier one; within a layer a deprecated name wins, as in MediaMTX. */
export function putEntry(section: Section, canonical: string, entry: SectionEntry, warnings: Warnings): void {
  const previous = section.get(canonical);
  const isAlias = entry.written !== canonical;
  if (previous !== undefined && previous.layer === entry.layer) {
    const previousIsAlias = previous.written !== canonical;
    if (previousIsAlias !== isAlias) {
      const [alias, other] = isAlias ? [entry, previous] : [previous, entry];
      warnings.add(
        `override:${alias.label}`,
        `key "${alias.written}" is deprecated and overrides "${canonical}" ${
          describeOrigin(other.keyOrigin)
        }; ` +
          `keep only "${canonical}"`,
      );
      if (!isAlias) return;
    }
  }
  section.set(canonical, entry);
}

function aliasesOf(kind: SectionKind): Readonly<Record<string, Alias>> {
  return kind === "global" ? GLOBAL_ALIASES : PATH_ALIASES;
}

/** Every name that may appear in a section, for suggestions. */
export function knownNames(kind: SectionKind): string[] {
  const own = Object.keys(kind === "global" ? GLOBAL_DECODERS : PATH_DECODERS);
  const extra = kind === "global" ? ["pathDefaults", "paths"] : LEGACY_CREDENTIAL_KEYS;
  return [...own, ...extra, ...Object.keys(aliasesOf(kind))];
}

/** What a key of a section is. */
export type KeyClass =
  | { kind: "own"; canonical: string; invert: boolean }
  | { kind: "foreign" }
  | { kind: "unknown"; hint?: string };

/** Classifies a key written in a section. */
export function classifyKey(kind: SectionKind, key: string): KeyClass {
  if (kind === "global" ? isGlobalKey(key) : isPathKey(key)) {
    return { kind: "own", canonical: key, invert: false };
  }
  if (kind === "path" && LEGACY_CREDENTIAL_KEYS.includes(key)) {
    return { kind: "own", canonical: key, invert: false };
  }
  const alias = aliasesOf(kind)[key];
  if (alias !== undefined) return { kind: "own", canonical: alias.canonical, invert: alias.invert ?? false };
  if (kind === "global" ? isForeignGlobalKey(key) : isForeignPathKey(key)) return { kind: "foreign" };
  return { kind: "unknown", hint: suggest(key, knownNames(kind)) };
}

/** The warning for a foreign MediaMTX key. */
function warnForeign(warnings: Warnings, key: string, origin: Origin): void {
  warnings.add(
    `foreign:${key}`,
    `key "${key}" is a MediaMTX setting this server does not use; ignored ${describeOrigin(origin)}`,
  );
}

/** The warning for a deprecated name. */
export function warnDeprecated(warnings: Warnings, written: string, canonical: string, origin: Origin): void {
  const hint = LEGACY_CREDENTIAL_KEYS.includes(written)
    ? "converted into authInternalUsers"
    : `use "${canonical}" instead`;
  warnings.add(`deprecated:${written}`, `key "${written}" is deprecated; ${hint} ${describeOrigin(origin)}`);
}

/** Fills `section` from a mapping of the file. */
export function collectSection(
  map: RawMap,
  kind: SectionKind,
  labelPrefix: string,
  section: Section,
  warnings: Warnings,
  skip: readonly string[] = [],
): void {
  for (const entry of map.entries) {
    if (skip.includes(entry.key)) continue;
    const label = labelPrefix === "" ? entry.key : `${labelPrefix}.${entry.key}`;
    const cls = classifyKey(kind, entry.key);
    if (cls.kind === "unknown") {
      const hint = cls.hint === undefined ? "" : `; did you mean "${cls.hint}"?`;
      throw new ConfigError(label, `unknown key ${JSON.stringify(entry.key)}${hint}`, entry.keyOrigin);
    }
    if (cls.kind === "foreign") {
      warnForeign(warnings, entry.key, entry.keyOrigin);
      continue;
    }
    if (cls.canonical !== entry.key || LEGACY_CREDENTIAL_KEYS.includes(entry.key)) {
      warnDeprecated(warnings, entry.key, cls.canonical, entry.keyOrigin);
    }
    // `key:` with nothing after it keeps the default, as MediaMTX's JSON decoding does.
    if (isNull(entry.value)) continue;
    putEntry(section, cls.canonical, {
      written: entry.key,
      label,
      keyOrigin: entry.keyOrigin,
      value: entry.value,
      invert: cls.invert,
      layer: "file",
    }, warnings);
  }
}
