/**
 * An untyped value tree that remembers where every value came from (file line or environment
 * variable), built from the YAML document before any typing, so every later error can name its
 * origin.
 */

import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { Document, Node as YamlNode } from "yaml";
import { ConfigError, type Origin } from "./config_error.ts";

/** A scalar: its parsed value and its source text (`0123` stays "0123" when a string is wanted). */
export interface RawScalar {
  kind: "scalar";
  value: string | number | boolean | null;
  text: string;
  origin: Origin;
}

/** A sequence. */
export interface RawList {
  kind: "list";
  items: RawNode[];
  origin: Origin;
}

/** One key of a mapping, with the origin of the key itself. */
export interface RawEntry {
  key: string;
  keyOrigin: Origin;
  value: RawNode;
}

/** A mapping, in document order. */
export interface RawMap {
  kind: "map";
  entries: RawEntry[];
  origin: Origin;
}

/** Any raw value. */
export type RawNode = RawScalar | RawList | RawMap;

/** Parses YAML text into a raw tree; syntax errors become ConfigError with file and line. */
export function parseYaml(text: string, file: string): RawNode {
  const lineCounter = new LineCounter();
  // `merge: true` enables `<<: *anchor`, which MediaMTX's YAML library also supports.
  const doc = parseDocument(text, { lineCounter, merge: true, prettyErrors: false });
  const firstError = doc.errors[0];
  if (firstError !== undefined) {
    const line = lineCounter.linePos(firstError.pos[0]).line;
    const reason = firstError.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    throw new ConfigError("", `YAML syntax error: ${reason}`, { kind: "file", file, line });
  }
  const builder = new RawBuilder(doc, lineCounter, file);
  return builder.build(doc.contents as YamlNode | null, { kind: "file", file, line: 1 }, 0);
}

class RawBuilder {
  #doc: Document;
  #lines: LineCounter;
  #file: string;

  constructor(doc: Document, lines: LineCounter, file: string) {
    this.#doc = doc;
    this.#lines = lines;
    this.#file = file;
  }

  build(node: YamlNode | null | undefined, fallback: Origin, depth: number): RawNode {
    if (depth > 64) throw new ConfigError("", "YAML nesting too deep (recursive alias?)", fallback);
    if (node === null || node === undefined) {
      return { kind: "scalar", value: null, text: "", origin: fallback };
    }
    if (isAlias(node)) {
      const target = node.resolve(this.#doc) as YamlNode | undefined;
      return this.build(target, this.#origin(node, fallback), depth + 1);
    }
    const origin = this.#origin(node, fallback);
    if (isScalar(node)) {
      const value = node.value;
      const text = node.source ?? (value === null || value === undefined ? "" : String(value));
      if (value === null || value === undefined) return { kind: "scalar", value: null, text, origin };
      if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
        return { kind: "scalar", value, text, origin };
      }
      return { kind: "scalar", value: text, text, origin };
    }
    if (isSeq(node)) {
      return {
        kind: "list",
        items: node.items.map((item) => this.build(item as YamlNode, origin, depth + 1)),
        origin,
      };
    }
    if (isMap(node)) {
      const entries: RawEntry[] = [];
      const merged: RawEntry[] = [];
      for (const pair of node.items) {
        const keyNode = pair.key as YamlNode | null;
        const keyOrigin = this.#origin(keyNode, origin);
        const isMergeKey = isScalar(keyNode) && keyNode.source === "<<";
        if (isMergeKey) {
          merged.push(...this.#mergeSources(pair.value as YamlNode, keyOrigin, depth));
          continue;
        }
        if (!isScalar(keyNode)) throw new ConfigError("", "mapping keys must be plain names", keyOrigin);
        const key = keyNode.source ?? String(keyNode.value);
        entries.push({ key, keyOrigin, value: this.build(pair.value as YamlNode, keyOrigin, depth + 1) });
      }
      // Explicit keys win over merged ones; among merged ones, the first source wins (YAML merge rules).
      const seen = new Set(entries.map((e) => e.key));
      for (const entry of merged) {
        if (seen.has(entry.key)) continue;
        seen.add(entry.key);
        entries.push(entry);
      }
      return { kind: "map", entries, origin };
    }
    throw new ConfigError("", "unsupported YAML node", origin);
  }

  #mergeSources(value: YamlNode, origin: Origin, depth: number): RawEntry[] {
    const sources = isSeq(value) ? value.items as YamlNode[] : [value];
    const out: RawEntry[] = [];
    for (const source of sources) {
      const raw = this.build(source, origin, depth + 1);
      if (raw.kind !== "map") throw new ConfigError("", "'<<' must merge a mapping", origin);
      out.push(...raw.entries);
    }
    return out;
  }

  #origin(node: YamlNode | null | undefined, fallback: Origin): Origin {
    const start = node?.range?.[0];
    if (start === undefined) return fallback;
    return { kind: "file", file: this.#file, line: this.#lines.linePos(start).line };
  }
}

/** Builds a raw tree from a plain JS value (used to materialize defaults that env vars modify). */
export function rawFromValue(value: unknown, origin: Origin): RawNode {
  if (Array.isArray(value)) return { kind: "list", items: value.map((v) => rawFromValue(v, origin)), origin };
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).map(([key, v]) => ({
      key,
      keyOrigin: origin,
      value: rawFromValue(v, origin),
    }));
    return { kind: "map", entries, origin };
  }
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    return { kind: "scalar", value, text: String(value), origin };
  }
  return { kind: "scalar", value: null, text: "", origin };
}

/** A scalar holding an environment variable's text. */
export function rawFromEnv(variable: string, text: string): RawScalar {
  return { kind: "scalar", value: text, text, origin: { kind: "env", variable } };
}

/** Whether the node is the YAML null (`key:` with nothing after it), which means "use the default". */
export function isNull(node: RawNode): boolean {
  return node.kind === "scalar" && node.value === null;
}

/** Whether the node came from an environment variable (lists are then comma-separated text). */
export function fromEnv(node: RawNode): boolean {
  return node.origin.kind === "env";
}
