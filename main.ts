/**
 * CLI entry point: `deno run -A main.ts [path/to/mediamtx.yml]`.
 * Only flags, config loading, start and signals live here.
 */
import { parseArgs } from "node:util";
import denoJson from "./deno.json" with { type: "json" };
import { ConfigError, loadConfig } from "./src/config/mod.ts";
import { App } from "./src/app/app.ts";
import { ConfigReloader } from "./src/app/config_reloader.ts";
import { Logger } from "./src/log/logger.ts";

const HELP = `deno-rtsp-server ${denoJson.version}: an RTSP media server, configured like MediaMTX.

Usage: deno run -A main.ts [options] [path/to/mediamtx.yml]

Without a path, ./mediamtx.yml is read if present (then /usr/local/etc, /usr/etc,
/etc/mediamtx), otherwise built-in defaults apply. Every key can be overridden by an
environment variable MTX_<KEY>, e.g. MTX_RTSPTRANSPORTS=tcp,udp.

The configuration file is watched and reloaded when it changes (SIGHUP reloads it too);
only what changed restarts.

Options:
  -h, --help       show this help
  -v, --version    print the version
`;

async function main(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { help: { type: "boolean", short: "h" }, version: { type: "boolean", short: "v" } },
    });
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(HELP);
    return 0;
  }
  if (parsed.values.version) {
    console.log(denoJson.version);
    return 0;
  }
  if (parsed.positionals.length > 1) {
    console.error(`too many arguments: ${parsed.positionals.join(" ")}\n\n${HELP}`);
    return 2;
  }

  const bootLog = new Logger("info");
  let loaded;
  try {
    loaded = await loadConfig({ file: parsed.positionals[0] });
  } catch (e) {
    bootLog.error(
      e instanceof ConfigError ? e.message : `cannot load configuration: ${(e as Error).message}`,
    );
    return 1;
  }
  const log = new Logger(loaded.config.logLevel);
  log.info(`deno-rtsp-server ${denoJson.version}`);
  log.info(
    loaded.file === undefined
      ? "configuration: built-in defaults"
      : `configuration loaded from ${loaded.file}`,
  );
  for (const w of loaded.warnings) log.warn(w);

  // Last line of defence: a bug in one connection must never take the whole server down
  // (Deno exits on an unhandled rejection). Log it loudly and keep serving everyone else.
  globalThis.addEventListener("unhandledrejection", (e) => {
    e.preventDefault();
    log.error(`unhandled error (please report it): ${e.reason instanceof Error ? e.reason.stack : e.reason}`);
  });
  globalThis.addEventListener("error", (e) => {
    e.preventDefault();
    log.error(`uncaught error (please report it): ${e.error instanceof Error ? e.error.stack : e.message}`);
  });

  let app: App;
  try {
    app = new App(loaded.config, log);
    app.start();
  } catch (e) {
    log.error((e as Error).message);
    return 1;
  }

  // Hot reload: the file is watched (as MediaMTX), and SIGHUP reloads it too (our extension).
  const reloader = new ConfigReloader({ app, file: loaded.file, log });
  reloader.watch();
  const onHangup = () => void reloader.reload("SIGHUP");
  let hangupListening = false;
  try {
    Deno.addSignalListener("SIGHUP", onHangup);
    hangupListening = true;
  } catch {
    // no SIGHUP on this platform (Windows)
  }

  const stopped = Promise.withResolvers<string>();
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  const onSignal = (sig: Deno.Signal) => () => stopped.resolve(sig);
  const handlers = signals.map((s) => [s, onSignal(s)] as const);
  for (const [s, h] of handlers) Deno.addSignalListener(s, h);
  const sig = await stopped.promise;
  log.info(`shutting down gracefully (${sig})`);
  for (const [s, h] of handlers) Deno.removeSignalListener(s, h);
  if (hangupListening) Deno.removeSignalListener("SIGHUP", onHangup);
  await reloader.close();
  await app.close();
  return 0;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
