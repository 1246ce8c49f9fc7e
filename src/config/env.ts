/**
 * Environment overrides, as in MediaMTX: `MTX_<KEY>` (legacy prefix `RTSP_`, applied first so
 * `MTX_` wins) for every global key, comma-separated lists, `MTX_PATHDEFAULTS_<KEY>`,
 * `MTX_PATHS_<NAME>_<KEY>` and `MTX_AUTHINTERNALUSERS_<N>_<KEY>` (`…_PERMISSIONS_<M>_ACTION`).
 *
 * Path names: `<NAME>` is everything between `PATHS_` and the last `_`, so names may contain
 * underscores (`MTX_PATHS_MY_CAM_SOURCE` -> path "my_cam"). It matches an existing plain path
 * case-insensitively, with `/ . -` in the existing name read as `_` (so `MTX_PATHS_CAM_1_SOURCE`
 * reaches "cam/1"); otherwise a new path with the lower-case name is created. MediaMTX splits at
 * the first `_` and matches lower-case names exactly; every name it reaches, we reach too.
 * Regex paths cannot be addressed. Unknown `MTX_*` variables are ignored, because MediaMTX hooks
 * set some (MTX_PATH, MTX_QUERY, …) in their children's environment.
 */

import { ConfigError, DEFAULT_ORIGIN, describeOrigin, type Origin } from "./config_error.ts";
import { defaultAuthInternalUsers } from "./defaults.ts";
import {
  FOREIGN_GLOBAL_KEYS,
  FOREIGN_GLOBAL_PREFIXES,
  FOREIGN_PATH_KEYS,
  FOREIGN_PATH_PREFIXES,
} from "./foreign_keys.ts";
import { rawFromEnv, rawFromValue, type RawList, type RawMap, type RawNode } from "./raw.ts";
import {
  classifyKey,
  knownNames,
  pathLabel,
  putEntry,
  type RawConfig,
  type RawPath,
  type Section,
  type SectionKind,
  warnDeprecated,
  type Warnings,
} from "./sections.ts";
import { LEGACY_CREDENTIAL_KEYS } from "./schema.ts";
import { suggest } from "./suggest.ts";

/** The prefixes read, in the order applied. */
const ENV_PREFIXES: readonly string[] = ["RTSP", "MTX"];

interface EnvVar {
  variable: string;
  /** The name after the prefix and `_`. */
  rest: string;
  value: string;
  layer: string;
}

/** Applies every override found in `env` to the raw configuration. */
export function applyEnv(raw: RawConfig, env: Record<string, string>, warnings: Warnings): void {
  for (const prefix of ENV_PREFIXES) {
    const layer = `env:${prefix}`;
    const vars = Object.keys(env)
      .filter((name) => name.startsWith(`${prefix}_`))
      .sort()
      .map((variable) => ({
        variable,
        rest: variable.slice(prefix.length + 1),
        value: env[variable],
        layer,
      }));
    const users: EnvVar[] = [];
    for (const v of vars) {
      const head = v.rest.split("_")[0];
      if (head === "AUTHINTERNALUSERS") users.push(v);
      else if (head === "PATHDEFAULTS" && v.rest.length > head.length) {
        applyKey(raw.pathDefaults, "path", "pathDefaults", v.rest.slice(head.length + 1), v, warnings);
      } else if (head === "PATHS" && v.rest.length > head.length) applyPathVar(raw, v, warnings);
      else applyGlobalVar(raw, v, warnings);
    }
    if (users.length > 0) applyUserVars(raw, users, warnings);
  }
}

function upperNames(kind: SectionKind): Map<string, string> {
  const names = [...knownNames(kind), ...(kind === "global" ? FOREIGN_GLOBAL_KEYS : FOREIGN_PATH_KEYS)];
  return new Map(names.map((n) => [n.toUpperCase(), n]));
}

const UPPER = { global: upperNames("global"), path: upperNames("path") };

function isForeignUpper(kind: SectionKind, upper: string): boolean {
  const written = UPPER[kind].get(upper);
  if (written !== undefined) return classifyKey(kind, written).kind === "foreign";
  const families = kind === "global" ? FOREIGN_GLOBAL_PREFIXES : FOREIGN_PATH_PREFIXES;
  return families.some((p) => upper.startsWith(p.toUpperCase()));
}

function warnForeignVar(warnings: Warnings, v: EnvVar): void {
  warnings.add(
    `foreign-env:${v.variable}`,
    `environment variable ${v.variable} sets a MediaMTX setting this server does not use; ignored`,
  );
}

/** Sets one key (`upperKey` as in the variable name) of a section; returns false when the key is not known. */
function applyKey(
  section: Section,
  kind: SectionKind,
  labelPrefix: string,
  upperKey: string,
  v: EnvVar,
  warnings: Warnings,
): boolean {
  const written = UPPER[kind].get(upperKey);
  if (written === undefined) {
    if (isForeignUpper(kind, upperKey)) {
      warnForeignVar(warnings, v);
      return true;
    }
    if (kind === "global") return false;
    const hint = suggest(upperKey, UPPER[kind].keys());
    const label = `${labelPrefix}.${upperKey}`;
    const reason = `unknown key ${JSON.stringify(upperKey)}${hint ? `; did you mean ${hint}?` : ""}`;
    throw new ConfigError(label, reason, { kind: "env", variable: v.variable });
  }
  const cls = classifyKey(kind, written);
  if (cls.kind === "foreign") {
    warnForeignVar(warnings, v);
    return true;
  }
  if (cls.kind !== "own") return false;
  const origin: Origin = { kind: "env", variable: v.variable };
  if (cls.canonical !== written || LEGACY_CREDENTIAL_KEYS.includes(written)) {
    warnDeprecated(warnings, written, cls.canonical, origin);
  }
  const label = labelPrefix === "" ? written : `${labelPrefix}.${written}`;
  putEntry(section, cls.canonical, {
    written,
    label,
    keyOrigin: origin,
    value: rawFromEnv(v.variable, v.value),
    invert: cls.invert,
    layer: v.layer,
  }, warnings);
  return true;
}

function applyGlobalVar(raw: RawConfig, v: EnvVar, warnings: Warnings): void {
  const segments = v.rest.split("_");
  if (segments.length === 1) {
    applyKey(raw.global, "global", "", v.rest, v, warnings);
  } else if (isForeignUpper("global", segments[0])) {
    // e.g. MTX_WEBRTCICESERVERS2_0_URL
    warnForeignVar(warnings, v);
  }
}

/** The spelling of a path name in a variable: upper case, anything but letters and digits as `_`. */
function envPathName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9_]/g, "_");
}

function applyPathVar(raw: RawConfig, v: EnvVar, warnings: Warnings): void {
  const parts = v.rest.split("_").slice(1);
  const origin: Origin = { kind: "env", variable: v.variable };
  const last = parts.length - 1;
  if (parts.length < 2 || parts.slice(0, last).join("") === "") {
    throw new ConfigError("paths", "expected MTX_PATHS_<NAME>_<KEY>", origin);
  }
  const key = parts[last];
  // Settings we ignore create no path: MTX_PATHS_CAM_RUNONREADY, or nested ones such as
  // MTX_PATHS_CAM_ALWAYSAVAILABLETRACKS_0_CODEC.
  const nestedForeign = parts.some((p, i) => i > 0 && i < last && isForeignUpper("path", p));
  if (isForeignUpper("path", key) || (!UPPER.path.has(key) && nestedForeign)) {
    warnForeignVar(warnings, v);
    return;
  }
  const nameText = parts.slice(0, last).join("_");
  if (!UPPER.path.has(key)) {
    const hint = suggest(key, UPPER.path.keys());
    const reason = `unknown key ${JSON.stringify(key)}${hint ? `; did you mean ${hint}?` : ""}`;
    throw new ConfigError(`${pathLabel(nameText.toLowerCase())}.${key}`, reason, origin);
  }
  const path = findOrCreatePath(raw, nameText, origin, warnings);
  applyKey(path.section, "path", pathLabel(path.name), key, v, warnings);
}

function findOrCreatePath(raw: RawConfig, nameText: string, origin: Origin, warnings: Warnings): RawPath {
  let wanted = nameText.toUpperCase();
  if (wanted === "ALL") {
    const where = describeOrigin(origin);
    warnings.add("deprecated:all", `path name "all" is deprecated; use "all_others" instead ${where}`);
    wanted = "ALL_OTHERS";
  }
  const found = raw.paths.filter((p) => !p.name.startsWith("~") && envPathName(p.name) === wanted);
  if (found.length > 1) {
    const names = found.map((p) => JSON.stringify(p.name)).join(" and ");
    throw new ConfigError("paths", `${nameText} matches several paths (${names}); rename one`, origin);
  }
  if (found.length === 1) return found[0];
  const path: RawPath = { name: wanted.toLowerCase(), origin, section: new Map() };
  raw.paths.push(path);
  return path;
}

// authInternalUsers: MTX_AUTHINTERNALUSERS_<N>_<USER|PASS|IPS|PERMISSIONS…>

const USER_FIELDS = new Map([["USER", "user"], ["PASS", "pass"], ["IPS", "ips"], [
  "PERMISSIONS",
  "permissions",
]]);
const PERMISSION_FIELDS = new Map([["ACTION", "action"], ["PATH", "path"]]);

function applyUserVars(raw: RawConfig, vars: EnvVar[], warnings: Warnings): void {
  const entry = raw.global.get("authInternalUsers");
  const base = entry?.value ?? rawFromValue(defaultAuthInternalUsers(), DEFAULT_ORIGIN);
  let list = expectList(structuredClone(base), "authInternalUsers");
  const firstOrigin: Origin = { kind: "env", variable: vars[0].variable };
  for (const v of sortByIndex(vars)) {
    const origin: Origin = { kind: "env", variable: v.variable };
    const rest = v.rest.slice("AUTHINTERNALUSERS".length);
    if (rest === "") {
      if (v.value !== "") {
        throw new ConfigError(
          "authInternalUsers",
          "set users with MTX_AUTHINTERNALUSERS_<N>_<KEY>, or set this variable empty to clear the list",
          origin,
        );
      }
      list = { kind: "list", items: [], origin };
      continue;
    }
    const m = /^_(\d+)_(.+)$/.exec(rest);
    if (m === null) {
      throw new ConfigError("authInternalUsers", "expected MTX_AUTHINTERNALUSERS_<N>_<KEY>", origin);
    }
    const index = Number(m[1]);
    const user = itemAt(list, index, `authInternalUsers[${index}]`, origin);
    applyUserField(user, m[2], `authInternalUsers[${index}]`, v, origin);
  }
  putEntry(raw.global, "authInternalUsers", {
    written: "authInternalUsers",
    label: "authInternalUsers",
    keyOrigin: firstOrigin,
    value: list,
    invert: false,
    layer: vars[0].layer,
  }, warnings);
}

function applyUserField(user: RawMap, field: string, label: string, v: EnvVar, origin: Origin): void {
  const name = USER_FIELDS.get(field);
  if (name === "permissions") {
    if (v.value !== "") {
      throw new ConfigError(
        `${label}.permissions`,
        "set permissions with …_PERMISSIONS_<M>_ACTION / _PATH",
        origin,
      );
    }
    setField(user, name, { kind: "list", items: [], origin }, origin);
    return;
  }
  if (name !== undefined) {
    setField(user, name, rawFromEnv(v.variable, v.value), origin);
    return;
  }
  const m = /^PERMISSIONS_(\d+)_(.+)$/.exec(field);
  if (m === null) {
    const hint = suggest(field, USER_FIELDS.keys());
    throw new ConfigError(
      label,
      `unknown key ${JSON.stringify(field)}${hint ? `; did you mean ${hint}?` : ""}`,
      origin,
    );
  }
  const permissions = fieldList(user, "permissions", `${label}.permissions`, origin);
  const index = Number(m[1]);
  const permission = itemAt(permissions, index, `${label}.permissions[${index}]`, origin);
  const key = PERMISSION_FIELDS.get(m[2]);
  if (key === undefined) {
    const hint = suggest(m[2], PERMISSION_FIELDS.keys());
    const reason = `unknown key ${JSON.stringify(m[2])}${hint ? `; did you mean ${hint}?` : ""}`;
    throw new ConfigError(`${label}.permissions[${index}]`, reason, origin);
  }
  setField(permission, key, rawFromEnv(v.variable, v.value), origin);
}

// Natural order, so that _10_ comes after _2_ and clearing a list comes before filling it.
function sortByIndex(vars: EnvVar[]): EnvVar[] {
  const chunks = (text: string) => text.split(/(\d+)/);
  const compare = (a: string, b: string): number => {
    const [x, y] = [chunks(a), chunks(b)];
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      if (x[i] === y[i]) continue;
      const numeric = i % 2 === 1;
      if (numeric) return Number(x[i]) - Number(y[i]);
      return x[i] < y[i] ? -1 : 1;
    }
    return x.length - y.length;
  };
  return [...vars].sort((a, b) => compare(a.rest, b.rest));
}

function expectList(node: RawNode, label: string): RawList {
  if (node.kind !== "list") throw new ConfigError(label, "expected a list", node.origin);
  return node;
}

function itemAt(list: RawList, index: number, label: string, origin: Origin): RawMap {
  if (index > list.items.length) {
    throw new ConfigError(
      label,
      `index ${index} skips entries (the list has ${list.items.length}); number them in order`,
      origin,
    );
  }
  if (index === list.items.length) list.items.push({ kind: "map", entries: [], origin });
  const item = list.items[index];
  if (item.kind !== "map") throw new ConfigError(label, "expected a mapping", item.origin);
  return item;
}

function fieldList(map: RawMap, key: string, label: string, origin: Origin): RawList {
  const existing = map.entries.find((e) => e.key === key);
  if (existing === undefined || (existing.value.kind === "scalar" && existing.value.value === null)) {
    const list: RawList = { kind: "list", items: [], origin };
    setField(map, key, list, origin);
    return list;
  }
  return expectList(existing.value, label);
}

function setField(map: RawMap, key: string, value: RawNode, origin: Origin): void {
  const existing = map.entries.find((e) => e.key === key);
  if (existing !== undefined) {
    existing.value = value;
    existing.keyOrigin = origin;
  } else {
    map.entries.push({ key, keyOrigin: origin, value });
  }
}
