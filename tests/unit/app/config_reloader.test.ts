/**
 * The file side of hot reload: a watched mediamtx.yml (debounced bursts, editor-style replacement,
 * ConfigMap-style symlink swaps), invalid files kept out, MTX_* overrides applied again.
 */
import assert from "node:assert/strict";
import { parseConfig } from "../../../src/config/mod.ts";
import { App } from "../../../src/app/app.ts";
import { ConfigReloader } from "../../../src/app/config_reloader.ts";
import { Logger } from "../../../src/log/logger.ts";
import { waitFor } from "../../_helpers/wait.ts";

const RELOADING = "INF reloading configuration (file changed)";

/** An App that is not started (no listeners), its log, and a reloader watching `file`. */
async function setup(dir: string, file: string, env: Record<string, string> = {}) {
  const logs: string[] = [];
  const log = new Logger("info", (line) => logs.push(line));
  const app = new App(parseConfig(await Deno.readTextFile(file), file, env).config, log);
  const reloader = new ConfigReloader({
    app,
    file,
    log,
    env: () => env,
    watch: { settleMs: 200, minIntervalMs: 300 },
  });
  assert.ok(reloader.watch(), `watching ${dir}`);
  return {
    app,
    logs,
    reloads: () => logs.filter((l) => l.includes(RELOADING)).length,
    names: () => app.config.paths.map((p) => p.name),
    async [Symbol.asyncDispose]() {
      await reloader.close();
      await app.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("config reloader: a burst of writes gives one reload with the last content", async () => {
  const dir = await Deno.makeTempDir({ prefix: "reload-burst-" });
  const file = `${dir}/mediamtx.yml`;
  await Deno.writeTextFile(file, "paths:\n  a:\n");
  await using t = await setup(dir, file);
  for (const name of ["b", "c", "d"]) await Deno.writeTextFile(file, `paths:\n  a:\n  ${name}:\n`);
  await waitFor(() => t.names().includes("d"), { timeoutMs: 5000, message: "reloaded" });
  assert.equal(t.reloads(), 1, t.logs.join("\n"));
  // An editor that writes a new file and renames it over the old one is seen too.
  await Deno.writeTextFile(`${dir}/.mediamtx.yml.swp`, "paths:\n  e:\n");
  await Deno.rename(`${dir}/.mediamtx.yml.swp`, file);
  await waitFor(() => t.names().includes("e"), { timeoutMs: 5000, message: "reloaded after rename" });
});

Deno.test("config reloader: a ConfigMap-style symlink swap reloads", async () => {
  const dir = await Deno.makeTempDir({ prefix: "reload-symlink-" });
  await Deno.mkdir(`${dir}/v1`);
  await Deno.mkdir(`${dir}/v2`);
  await Deno.writeTextFile(`${dir}/v1/mediamtx.yml`, "paths:\n  one:\n");
  await Deno.writeTextFile(`${dir}/v2/mediamtx.yml`, "paths:\n  two:\n");
  await Deno.symlink("v1", `${dir}/..data`);
  await Deno.symlink("..data/mediamtx.yml", `${dir}/mediamtx.yml`);
  await using t = await setup(dir, `${dir}/mediamtx.yml`);
  assert.deepEqual(t.names(), ["one"]);
  // Kubernetes swaps the `..data` link atomically: a new link renamed over the old one.
  await Deno.symlink("v2", `${dir}/..data_tmp`);
  await Deno.rename(`${dir}/..data_tmp`, `${dir}/..data`);
  await waitFor(() => t.names().includes("two"), { timeoutMs: 5000, message: "reloaded after the swap" });
});

Deno.test("config reloader: an invalid file keeps the running configuration and names key, file and line", async () => {
  const dir = await Deno.makeTempDir({ prefix: "reload-invalid-" });
  const file = `${dir}/mediamtx.yml`;
  await Deno.writeTextFile(file, "paths:\n  a:\n");
  await using t = await setup(dir, file);
  await Deno.writeTextFile(file, "paths:\n  a:\n    maxReaders: many\n");
  await waitFor(() => t.logs.some((l) => l.includes("ERR ")), { timeoutMs: 5000, message: "error logged" });
  const error = t.logs.find((l) => l.includes("ERR "))!;
  assert.match(error, /paths\.a\.maxReaders: expected an integer, got "many"/);
  assert.ok(error.includes(`(${file}:3); keeping the running configuration`), error);
  assert.deepEqual(t.names(), ["a"]);
  assert.equal(t.app.config.paths[0].maxReaders, 0);
});

Deno.test("config reloader: MTX_* overrides are applied again on every load", async () => {
  const dir = await Deno.makeTempDir({ prefix: "reload-env-" });
  const file = `${dir}/mediamtx.yml`;
  await Deno.writeTextFile(file, "readTimeout: 3s\npaths:\n  a:\n");
  await using t = await setup(dir, file, { MTX_READTIMEOUT: "7s" });
  assert.equal(t.app.config.readTimeout, 7000);
  await Deno.writeTextFile(file, "readTimeout: 4s\npaths:\n  a:\n  b:\n");
  await waitFor(() => t.names().includes("b"), { timeoutMs: 5000, message: "reloaded" });
  assert.equal(t.app.config.readTimeout, 7000, "the environment still wins");
});
