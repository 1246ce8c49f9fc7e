/**
 * What a new configuration changes, component by component: the rules of a hot reload (MediaMTX's
 * table, restarting less where a component can take the change live; docs/compatibility.md).
 */

import { isDeepStrictEqual } from "node:util";
import type { Config, PathConf } from "../config/mod.ts";
import { pathDocument } from "../config/mod.ts";
import { authSettings, pathManagerSettings, rtspServerSettings } from "./server_settings.ts";

/** Global keys of the control API server (MediaMTX restarts it when one changes). */
const API_KEYS: readonly string[] = [
  "api",
  "apiAddress",
  "apiEncryption",
  "apiServerKey",
  "apiServerCert",
  "apiAllowOrigin",
  "apiAllowOrigins",
  "apiTrustedProxies",
  "readTimeout",
  "writeTimeout",
];

/** Global keys of the metrics server. */
const METRICS_KEYS: readonly string[] = [
  "metrics",
  "metricsAddress",
  "metricsEncryption",
  "metricsServerKey",
  "metricsServerCert",
  "metricsAllowOrigin",
  "metricsAllowOrigins",
  "metricsTrustedProxies",
  "readTimeout",
  "writeTimeout",
];

/** The path entries a reload touches, by configuration name. */
export interface PathsDiff {
  /** Entries present before and after whose settings (own or inherited) differ. */
  changed: string[];
  /** Entries gone. */
  removed: string[];
  /** Entries new. */
  added: string[];
}

/** Everything a new configuration changes. */
export interface ConfigDiff {
  /** Global keys (everything but pathDefaults and paths) whose value differs. */
  globals: string[];
  /** logLevel: set live on the logger. */
  logLevel: boolean;
  /** The authenticator's settings (method, users, exclusions…): swapped live. */
  auth: boolean;
  /** The plain RTSP server is restarted (or started, or stopped). */
  rtsp: boolean;
  /** The RTSPS server is restarted (or started, or stopped). */
  rtsps: boolean;
  /** Every path is closed and recreated (readTimeout, udpMaxPayloadSize, RTSP_PORT of hooks). */
  allPaths: boolean;
  /** The path entries to close and recreate. */
  paths: PathsDiff;
  /** The control API server must restart (for the component that runs it). */
  api: boolean;
  /** The metrics server must restart. */
  metrics: boolean;
}

function changed(a: unknown, b: unknown): boolean {
  return !isDeepStrictEqual(a, b);
}

/** Whether two entries of the same name configure their paths identically (pathDefaults included). */
function samePathConf(a: PathConf, b: PathConf): boolean {
  return a.name === b.name && isDeepStrictEqual(pathDocument(a), pathDocument(b));
}

/** Compares the path entries by name. */
export function diffPaths(prev: readonly PathConf[], next: readonly PathConf[]): PathsDiff {
  const before = new Map(prev.map((p) => [p.name, p]));
  const after = new Map(next.map((p) => [p.name, p]));
  const out: PathsDiff = { changed: [], removed: [], added: [] };
  for (const [name, conf] of before) {
    const now = after.get(name);
    if (now === undefined) out.removed.push(name);
    else if (!samePathConf(conf, now)) out.changed.push(name);
  }
  for (const name of after.keys()) if (!before.has(name)) out.added.push(name);
  return out;
}

/** Compares two configurations. */
export function diffConfig(prev: Config, next: Config): ConfigDiff {
  const p = prev as unknown as Record<string, unknown>;
  const n = next as unknown as Record<string, unknown>;
  const keys = new Set([...Object.keys(p), ...Object.keys(n)]);
  keys.delete("pathDefaults");
  keys.delete("paths");
  const globals = [...keys].filter((k) => changed(p[k], n[k]));
  const touches = (list: readonly string[]) => globals.some((k) => list.includes(k));
  return {
    globals,
    logLevel: prev.logLevel !== next.logLevel,
    auth: changed(authSettings(prev), authSettings(next)),
    rtsp: changed(rtspServerSettings(prev, "RTSP"), rtspServerSettings(next, "RTSP")),
    rtsps: changed(rtspServerSettings(prev, "RTSPS"), rtspServerSettings(next, "RTSPS")),
    allPaths: changed(pathManagerSettings(prev), pathManagerSettings(next)),
    paths: diffPaths(prev.paths, next.paths),
    api: touches(API_KEYS),
    metrics: touches(METRICS_KEYS),
  };
}

/** Whether the diff changes anything at all. */
export function isEmptyDiff(d: ConfigDiff): boolean {
  return d.globals.length === 0 && d.paths.changed.length === 0 && d.paths.removed.length === 0 &&
    d.paths.added.length === 0;
}
