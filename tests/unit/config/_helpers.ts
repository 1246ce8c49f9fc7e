/** Shared helpers of the config tests. */

import { fail, ok } from "node:assert/strict";
import { ConfigError, parseConfig } from "../../../src/config/mod.ts";

/** Runs `fn` and returns the ConfigError it throws (fails the test otherwise). */
export function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    ok(error instanceof ConfigError, `expected ConfigError, got ${error}`);
    return error as ConfigError;
  }
  return fail("expected a ConfigError, but nothing was thrown");
}

/** Parses YAML text as "mediamtx.yml" with the given environment. */
export function parse(text: string, env: Record<string, string> = {}) {
  return parseConfig(text, "mediamtx.yml", env);
}
