/** Turns the raw YAML document into sections: globals, pathDefaults and the paths in file order. */

import { ConfigError, describeOrigin } from "./config_error.ts";
import { show } from "./decode.ts";
import type { RawNode } from "./raw.ts";
import { collectSection, pathLabel, type RawConfig, type RawPath, type Warnings } from "./sections.ts";

// Names that all mean "every path"; MediaMTX refuses more than one of them.
const CATCH_ALL_NAMES = ["all_others", "all", "~^.*$"];

/** Sorts the document's keys into sections; `confKeySet` improves the message for encrypted files. */
export function sectionsFromDocument(root: RawNode, warnings: Warnings, confKeySet = false): RawConfig {
  const raw: RawConfig = { global: new Map(), pathDefaults: new Map(), paths: [] };
  if (root.kind === "scalar" && root.value === null) return raw;
  if (root.kind !== "map") {
    const reason = confKeySet
      ? "the file is not a YAML mapping; encrypted configuration files (MTX_CONFKEY) are not supported"
      : `the file must be a YAML mapping of keys, got ${show(root)}`;
    throw new ConfigError("", reason, root.origin);
  }
  collectSection(root, "global", "", raw.global, warnings, ["pathDefaults", "paths"]);
  for (const entry of root.entries) {
    if (entry.key === "pathDefaults") {
      if (entry.value.kind === "scalar" && entry.value.value === null) continue;
      if (entry.value.kind !== "map") {
        throw new ConfigError(
          "pathDefaults",
          `expected a mapping, got ${show(entry.value)}`,
          entry.value.origin,
        );
      }
      collectSection(entry.value, "path", "pathDefaults", raw.pathDefaults, warnings);
    } else if (entry.key === "paths") {
      raw.paths = collectPaths(entry.value, warnings);
    }
  }
  return raw;
}

function collectPaths(node: RawNode, warnings: Warnings): RawPath[] {
  if (node.kind === "scalar" && node.value === null) return [];
  if (node.kind !== "map") {
    throw new ConfigError("paths", `expected a mapping of path names, got ${show(node)}`, node.origin);
  }
  const paths: RawPath[] = [];
  let catchAll: string | undefined;
  for (const entry of node.entries) {
    let name = entry.key;
    if (CATCH_ALL_NAMES.includes(name)) {
      if (catchAll !== undefined) {
        throw new ConfigError(
          pathLabel(name),
          `"${catchAll}" and "${name}" are the same catch-all path; keep one`,
          entry.keyOrigin,
        );
      }
      catchAll = name;
    }
    if (name === "all") {
      const where = describeOrigin(entry.keyOrigin);
      warnings.add("deprecated:all", `path name "all" is deprecated; use "all_others" instead ${where}`);
      name = "all_others";
    }
    const path: RawPath = { name, origin: entry.keyOrigin, section: new Map() };
    const value = entry.value;
    if (value.kind === "map") collectSection(value, "path", pathLabel(name), path.section, warnings);
    else if (!(value.kind === "scalar" && value.value === null)) {
      throw new ConfigError(
        pathLabel(name),
        `expected a mapping of path settings, got ${show(value)}`,
        value.origin,
      );
    }
    paths.push(path);
  }
  return paths;
}
