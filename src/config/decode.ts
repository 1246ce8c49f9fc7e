/**
 * Decoders from raw values to typed ones. Each throws ConfigError naming the key path and the
 * value's origin. Values from environment variables are text: lists are comma-separated there.
 */

import { ConfigError } from "./config_error.ts";
import { parseDuration } from "./durations.ts";
import { fromEnv, type RawNode, type RawScalar } from "./raw.ts";

/** Turns a raw value into a typed one; `key` is the key path used in error messages. */
export type Decoder<T> = (node: RawNode, key: string) => T;

/** Throws the ConfigError for `node`. */
export function fail(node: RawNode, key: string, reason: string): never {
  throw new ConfigError(key, reason, node.origin);
}

/** Describes a value for messages: `"quic"`, `12`, `a list`. */
export function show(node: RawNode): string {
  if (node.kind === "list") return "a list";
  if (node.kind === "map") return "a mapping";
  return typeof node.value === "string" ? JSON.stringify(node.value) : node.text || String(node.value);
}

function scalar(node: RawNode, key: string, expected: string): RawScalar {
  if (node.kind !== "scalar") fail(node, key, `expected ${expected}, got ${show(node)}`);
  return node;
}

/** Any scalar as text (numbers keep their source spelling, so `pass: 0123` stays "0123"). */
export const stringValue: Decoder<string> = (node, key) => {
  const s = scalar(node, key, "a string");
  return typeof s.value === "string" ? s.value : s.text;
};

const TRUE_WORDS = new Set(["true", "yes", "on"]);
const FALSE_WORDS = new Set(["false", "no", "off"]);

/** A YAML boolean, or (as MediaMTX's YAML 1.1 parser and env loader accept) yes/no/true/false/on/off. */
export const booleanValue: Decoder<boolean> = (node, key) => {
  const s = scalar(node, key, "a boolean");
  if (typeof s.value === "boolean") return s.value;
  const word = String(s.value).toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return fail(node, key, `expected a boolean (true/false or yes/no), got ${show(node)}`);
};

/** An integer within [min, max]. Quoted and env text such as "512" is accepted. */
export function integerValue(min: number, max: number): Decoder<number> {
  return (node, key) => {
    const s = scalar(node, key, "an integer");
    let n: number;
    if (typeof s.value === "number") n = s.value;
    else if (typeof s.value === "string" && /^[+-]?\d+$/.test(s.value.trim())) n = Number(s.value.trim());
    else return fail(node, key, `expected an integer, got ${show(node)}`);
    if (!Number.isInteger(n)) fail(node, key, `expected an integer, got ${show(node)}`);
    if (n < min || n > max) fail(node, key, `${n} is out of range ${min}..${max}`);
    return n;
  };
}

/** A port number, 1..65535. */
export const portValue: Decoder<number> = integerValue(1, 65535);

/** A Go duration (`10s`, `1m30s`, `500ms`) in milliseconds, not below `minMs` (and above it when `exclusive`). */
export function durationValue(minMs: number, exclusive = false, maxMs = Infinity): Decoder<number> {
  return (node, key) => {
    const s = scalar(node, key, "a duration");
    if (typeof s.value === "number" && s.value !== 0) {
      fail(node, key, `${s.text} has no unit; write a Go duration such as "${s.text}s", "500ms" or "1m30s"`);
    }
    let ms: number;
    try {
      ms = typeof s.value === "number" ? 0 : parseDuration(String(s.value).trim());
    } catch (error) {
      const reason = (error as Error).message.replace(/^Cannot parse duration "[^"]*": /, "");
      return fail(node, key, `invalid duration ${show(node)}: ${reason}`);
    }
    if (ms < minMs || (exclusive && ms === minMs)) {
      const bound = minMs === 0 ? "zero" : `${minMs / 1000}s`;
      fail(node, key, `must be ${exclusive ? "greater than" : "at least"} ${bound}, got ${show(node)}`);
    }
    if (ms > maxMs) fail(node, key, `must be at most ${maxMs}ms, got ${show(node)}`);
    return ms;
  };
}

/** One of a fixed set of words. */
export function enumValue<T extends string>(allowed: readonly T[]): Decoder<T> {
  return (node, key) => {
    const text = stringValue(node, key);
    if ((allowed as readonly string[]).includes(text)) return text as T;
    return fail(
      node,
      key,
      `${show(node)} is not one of ${allowed.map((a) => a === "" ? '""' : a).join(", ")}`,
    );
  };
}

/** The items of a list: a YAML sequence, or comma-separated text from an environment variable. */
export function listItems(node: RawNode, key: string): RawNode[] {
  if (node.kind === "list") return node.items;
  if (node.kind === "scalar" && fromEnv(node)) {
    const text = String(node.value).trim();
    if (text === "") return [];
    return text.split(",").map((part) => ({ ...node, value: part.trim(), text: part.trim() }));
  }
  return fail(node, key, `expected a list such as [a, b], got ${show(node)}`);
}

/** A list whose items are decoded with `item`; errors name `key[i]`. */
export function listValue<T>(
  item: Decoder<T>,
  options: { nonEmpty?: boolean; unique?: boolean } = {},
): Decoder<T[]> {
  return (node, key) => {
    const items = listItems(node, key);
    if (options.nonEmpty && items.length === 0) fail(node, key, "must not be empty");
    const out: T[] = [];
    items.forEach((raw, i) => {
      const value = item(raw, `${key}[${i}]`);
      if (options.unique && out.includes(value)) fail(raw, `${key}[${i}]`, `${show(raw)} is listed twice`);
      out.push(value);
    });
    return out;
  };
}

/** Maps a decoded value through `convert`, which may throw an Error whose message becomes the reason. */
export function refine<T, U>(decoder: Decoder<T>, convert: (value: T) => U): Decoder<U> {
  return (node, key) => {
    const value = decoder(node, key);
    try {
      return convert(value);
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      return fail(node, key, (error as Error).message);
    }
  };
}
