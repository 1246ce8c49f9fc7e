/** The configuration as a plain document and back: the round trip the control API's edits rely on. */
import assert from "node:assert/strict";
import { configDocument, configFromValue, defaultConfig, pathOwnKeys } from "../../../src/config/mod.ts";
import { parse } from "./_helpers.ts";

Deno.test("document: the defaults survive a round trip", () => {
  const config = defaultConfig();
  assert.deepEqual(configFromValue(configDocument(config)).config, config);
});

Deno.test("document: a rich file survives a round trip, legacy credentials and aliases included", () => {
  const { config } = parse(`
readTimeout: 1m30s
rtspEncryption: optional
pathDefaults:
  sourceOnDemandCloseAfter: 2s
paths:
  cam:
    source: rtsp://127.0.0.1:1/x
    runOnReady: echo hi
    readUser: viewer
    readPass: "0123"
  "~^r(\\\\d+)$":
    maxReaders: 2
  all_others:
`);
  const doc = configDocument(config);
  assert.deepEqual(configFromValue(doc).config, config);
  // A path keeps only what it sets itself, so pathDefaults edits still reach the rest.
  assert.deepEqual((doc.paths as Record<string, unknown>).cam, {
    source: "rtsp://127.0.0.1:1/x",
    runOnAvailable: "echo hi",
  });
  assert.deepEqual([...pathOwnKeys(config.paths[1])!], ["maxReaders"]);
});

Deno.test("document: validation errors are the loader's", () => {
  const doc = configDocument(defaultConfig());
  doc.rtspTransports = ["quic"];
  assert.throws(() => configFromValue(doc), /rtspTransports\[0\]: "quic" is not one of/);
});
