/** Path names and the lookup of the configuration that serves a requested path. */

import type { Config, PathConf } from "./types.ts";

const PATH_NAME = /^[0-9a-zA-Z_\-/.]+$/;

/**
 * Checks a plain path name (MediaMTX's path-name rule): letters, digits, `_ - / .`, not starting or ending
 * with `/`, no `.` or `..` segment. Throws Error with the reason. Used for configured names and
 * for requested paths at runtime.
 */
export function validatePathName(name: string): void {
  const fail = (why: string): never => {
    throw new Error(`invalid path name ${JSON.stringify(name)}: ${why}`);
  };
  if (name === "") fail("it is empty");
  if (name.startsWith("/")) fail("it can't begin with a slash");
  if (name.endsWith("/")) fail("it can't end with a slash");
  if (!PATH_NAME.test(name)) fail("it can contain only letters, digits, underscore, minus, dot and slash");
  if (name.split("/").some((segment) => segment === "." || segment === "..")) {
    fail("it can't contain '.' or '..' segments");
  }
}

/** The result of `findPathConf`. */
export interface PathMatch {
  /** The configuration serving the path. */
  conf: PathConf;
  /** Regex groups (`$G1…`); [0] is the whole name. For exact names, [name]. */
  matches: string[];
}

/**
 * Finds the configuration for a requested path: an exact (non-regex) name first, then `~regex`
 * paths in alphabetical order of their names, then `all_others` (or legacy `all`) last.
 * Returns undefined when nothing matches (MediaMTX answers 400 then).
 */
export function findPathConf(config: Config, name: string): PathMatch | undefined {
  for (const conf of config.paths) {
    if (conf.regex === undefined && conf.name === name) return { conf, matches: [name] };
  }
  for (const conf of sortedRegexPaths(config.paths)) {
    const m = conf.regex!.exec(name);
    if (m !== null) return { conf, matches: Array.from(m, (group) => group ?? "") };
  }
  return undefined;
}

function isCatchAll(conf: PathConf): boolean {
  return conf.name === "all_others" || conf.name === "all";
}

// Sorted on every lookup (a few comparisons per request), so a replaced config is never stale.
function sortedRegexPaths(paths: PathConf[]): PathConf[] {
  return paths.filter((p) => p.regex !== undefined).sort((a, b) => {
    if (isCatchAll(a) !== isCatchAll(b)) return isCatchAll(a) ? 1 : -1;
    // Byte order, as Go's sort.Strings.
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
}
