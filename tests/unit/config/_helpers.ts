/** Shared helpers of the config tests. */

import { equal, fail, match, ok } from "node:assert/strict";
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

/** A bad config, the key path and line the error must name, and what the reason must say. */
export interface BadConfig {
  name: string;
  yaml: string;
  key: string;
  /** 0 when the error is about a default made invalid by another key (no line to point at). */
  line: number;
  reason: RegExp;
}

/** Checks that each bad config fails with a ConfigError naming its key, file and line. */
export async function checkBadConfigs(t: Deno.TestContext, table: BadConfig[]): Promise<void> {
  for (const bad of table) {
    await t.step(bad.name, () => {
      const error = configError(() => parse(bad.yaml));
      equal(error.key, bad.key);
      const reason = error.message.replace(/^Invalid configuration: /, "").replace(/ \([^()]*\)$/, "");
      match(reason.startsWith(`${bad.key}: `) ? reason.slice(bad.key.length + 2) : reason, bad.reason);
      if (bad.line === 0) {
        equal(error.line, undefined);
        return;
      }
      equal(error.file, "mediamtx.yml");
      equal(error.line, bad.line);
      const prefix = bad.key === "" ? "Invalid configuration: " : `Invalid configuration: ${bad.key}: `;
      ok(error.message.startsWith(prefix), error.message);
      ok(error.message.endsWith(`(mediamtx.yml:${bad.line})`), error.message);
    });
  }
}
