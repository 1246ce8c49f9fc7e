/**
 * MediaMTX's own configuration files load here: the default file of the newest release we track
 * (v1.20.1) and the oldest layout we support (v1.0.0: deprecated names, `paths: all:` holding every
 * setting). Every key of each file is either read by this server or reported exactly once as a
 * foreign MediaMTX setting. The expectation is computed from the key tables, so a foreign key that
 * later becomes a real one keeps this test green.
 */
import { equal, fail, ok } from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { loadConfig } from "../../../src/config/mod.ts";
import { classifyKey, type SectionKind } from "../../../src/config/sections.ts";

const FIXTURES = ["mediamtx_v1.20.1.yml", "mediamtx_v1.0.0.yml"];

function fixturePath(name: string): string {
  return new URL(`../../fixtures/config/${name}`, import.meta.url).pathname;
}

/** Every key of the file with the section it belongs to. */
function keysOf(doc: Record<string, unknown>): { kind: SectionKind; key: string }[] {
  const out: { kind: SectionKind; key: string }[] = [];
  const pathKeys = (m: unknown) => {
    for (const key of Object.keys((m ?? {}) as Record<string, unknown>)) out.push({ kind: "path", key });
  };
  for (const [key, value] of Object.entries(doc)) {
    if (key === "pathDefaults") pathKeys(value);
    else if (key === "paths") {
      for (const path of Object.values((value ?? {}) as Record<string, unknown>)) pathKeys(path);
    } else out.push({ kind: "global", key });
  }
  return out;
}

for (const name of FIXTURES) {
  Deno.test(`${name}: every key is ours or warned about exactly once`, async () => {
    const file = fixturePath(name);
    const { warnings } = await loadConfig({ file, env: {} });
    const doc = parseYaml(await Deno.readTextFile(file)) as Record<string, unknown>;
    const keys = keysOf(doc);
    ok(keys.length > 60, `${name} holds ${keys.length} keys`);
    const foreign = new Set<string>();
    for (const { kind, key } of keys) {
      const cls = classifyKey(kind, key);
      if (cls.kind === "unknown") fail(`${kind} key "${key}" is neither ours nor a known MediaMTX key`);
      if (cls.kind === "foreign") foreign.add(key);
    }
    for (const key of foreign) {
      const mine = warnings.filter((w) => w.startsWith(`key "${key}" is a MediaMTX setting`));
      equal(mine.length, 1, `warnings for "${key}": ${JSON.stringify(mine)}`);
    }
    const foreignWarnings = warnings.filter((w) => / is a MediaMTX setting this server does not use/.test(w));
    equal(foreignWarnings.length, foreign.size, "no warning for a key the file does not hold");
    equal(new Set(warnings).size, warnings.length, "no warning twice");
  });
}

Deno.test("mediamtx_v1.20.1.yml: the MoQ keys (MediaMTX v1.19.0+) are foreign, not unknown", () => {
  for (const key of ["moq", "moqHTTP2Address", "moqHTTP3Address", "moqQUICAddress", "moqServerKey"]) {
    equal(classifyKey("global", key).kind === "unknown", false, key);
  }
  equal(classifyKey("path", "moqTransport").kind === "unknown", false, "moqTransport");
  // Our own keys are not swallowed by a family prefix.
  equal(classifyKey("global", "srtpAddress").kind, "own");
  equal(classifyKey("global", "srtcpAddress").kind, "own");
  equal(classifyKey("global", "authHTTPAddress").kind, "own");
  equal(classifyKey("path", "rtspTransport").kind, "own");
});
