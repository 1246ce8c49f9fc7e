/**
 * The one source of truth for the permissions the server runs with outside `-A`: used by
 * `deno task start:scoped`, `deno task compile` and tests/integration/scoped_permissions.test.ts.
 *
 * What the server needs, and why:
 * - `--allow-net`: its listeners (rtspAddress, rtpAddress, …) and, later, connections to sources.
 *   Hosts and ports come from the configuration, so the flag is not narrowed.
 * - `--allow-read=<files>`: the configuration file (or MediaMTX's search paths when none is given)
 *   and the TLS key and certificate it names (`rtspServerKey`, `rtspServerCert`); plus the folder
 *   of the configuration file that will be loaded, which hot reload watches (`Deno.watchFs` needs
 *   read access to the folder: editors replace the file, ConfigMaps swap a symlink next to it).
 *   and the TLS key and certificate it names (`rtspServerKey`, `rtspServerCert`; with `metrics` and
 *   `metricsEncryption` also `metricsServerKey`, `metricsServerCert`). Nothing else.
 * - The metrics listener (`metrics: yes`, `metricsAddress`) is covered by `--allow-net` too.
 * - `--allow-env`: `MTX_*` / `RTSP_*` overrides are found by enumerating the environment
 *   (`Deno.env.toObject()`), which Deno allows only with unscoped env access.
 * - `--allow-write=<logFile>`: only when `logDestinations` contains `file` (and the control API's
 *   `unix://` socket path when it listens on one; its key and certificate are read under apiEncryption).
 * - `--unstable-net`: UDP sockets (`Deno.listenDatagram`) are still unstable in Deno 2.
 * - `--no-prompt`: a missing permission fails at once instead of asking on a terminal.
 * - `--allow-ffi`, only when asked for (`ffi: true`, `--ffi` on the command lines): the fan-out's
 *   fast paths call libc (`sendmmsg` for UDP, non-blocking `sendmsg` for TCP; see
 *   src/transport/ffi_libc.ts). FFI can do anything the process can, which is why it is opt-in;
 *   without it the server uses Deno's own sockets, correct but with more CPU per reader. With FFI,
 *   reads also cover the UDP send worker's modules (`rtspUDPSendThreads` > 1 starts Deno Workers,
 *   which read their module files when they start; see src/transport/udp_send_threads.ts).
 * - `--allow-run=<programs>`, only when a runOn* hook is configured: the first word of each hook
 *   command (`ffmpeg`, `sh`, …). When a command starts with a `$VARIABLE`, the program is only known
 *   at run time and the flag is not narrowed. Note that a program such as `sh` can run anything.
 * No `--allow-sys`.
 */

import { type Config, configFromEnv, DEFAULT_CONFIG_PATHS, parseConfig } from "../src/config/mod.ts";
import { splitCommandLine } from "../src/hooks/command_line.ts";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { SEND_WORKER_MODULES } from "../src/transport/udp_send_threads.ts";

/** Options of `serverPermissionFlags`. */
export interface ServerPermissionOptions {
  /** The configuration file passed to main.ts; when absent, MediaMTX's default search paths. */
  configPath?: string;
  /** More files or directories the server may read. */
  extraReadPaths?: string[];
  /**
   * Reads are not narrowed. For `deno compile`: the configuration path (and the key and certificate
   * it names) is only known when the binary runs, and a compiled binary cannot take flags then.
   */
  anyReadPath?: boolean;
  /** Grant FFI for the sendmmsg/sendmsg fast paths of the fan-out (see the module comment). */
  ffi?: boolean;
}

/** Flag list for `deno run` / `deno compile` that lets main.ts run with exactly what it needs. */
export function serverPermissionFlags(options: ServerPermissionOptions = {}): string[] {
  const config = effectiveConfig(options.configPath);
  const read = options.configPath !== undefined ? [options.configPath] : [...DEFAULT_CONFIG_PATHS];
  read.push(config?.rtspServerKey ?? "server.key", config?.rtspServerCert ?? "server.crt");
  const watched = loadedFile(options.configPath);
  if (watched !== undefined) read.push(dirname(resolve(watched)));
  // Control API: its TLS files under apiEncryption; a unix:// socket needs read and write on its path.
  if (config?.api && config.apiEncryption) read.push(config.apiServerKey, config.apiServerCert);
  const apiSocket = config?.api && config.apiAddress.startsWith("unix://")
    ? config.apiAddress.slice("unix://".length)
    : undefined;
  if (apiSocket !== undefined) read.push(apiSocket);
  if (config?.metrics && config.metricsEncryption) {
    read.push(config.metricsServerKey, config.metricsServerCert);
  }
  read.push(...(options.extraReadPaths ?? []));
  if (options.ffi) read.push(...SEND_WORKER_MODULES.map((u) => fileURLToPath(u)));

  const flags = ["--no-prompt", "--allow-net"];
  flags.push(options.anyReadPath ? "--allow-read" : `--allow-read=${pathList(read)}`);
  flags.push("--allow-env");
  const write = [
    ...(config?.logDestinations.includes("file") ? [config.logFile] : []),
    ...(apiSocket !== undefined ? [apiSocket] : []),
  ];
  if (write.length > 0) flags.push(`--allow-write=${pathList(write)}`);
  const run = config === undefined ? undefined : hookPrograms(config);
  if (run !== undefined) flags.push(run.length === 0 ? "--allow-run" : `--allow-run=${pathList(run)}`);
  flags.push("--unstable-net");
  if (options.ffi) flags.push("--allow-ffi");
  return flags;
}

/** Every configured hook command (global and per path). */
export function hookCommands(config: Config): string[] {
  const commands = [config.runOnConnect, config.runOnDisconnect];
  for (const p of [config.pathDefaults, ...config.paths]) {
    commands.push(
      p.runOnInit,
      p.runOnDemand,
      p.runOnUnDemand,
      p.runOnAvailable,
      p.runOnUnavailable,
      p.runOnOnline,
      p.runOnOffline,
      p.runOnRead,
      p.runOnUnread,
    );
  }
  return commands.filter((c) => c.trim() !== "");
}

/**
 * The programs the hooks run: undefined when there is no hook, [] when one of them is only known
 * at run time (a `$VARIABLE` or an unparsable command line): then any program.
 */
function hookPrograms(config: Config): string[] | undefined {
  const commands = hookCommands(config);
  if (commands.length === 0) return undefined;
  const programs = new Set<string>();
  for (const command of commands) {
    let program: string | undefined;
    try {
      program = splitCommandLine(command)[0];
    } catch {
      return [];
    }
    if (program === undefined || program.includes("$") || program.includes(",")) return [];
    programs.add(program);
  }
  return [...programs];
}

/**
 * The configuration the server will load, for the file names it contains; undefined when it cannot
 * be read or is invalid (the server then reports the problem itself).
 */
function effectiveConfig(configPath: string | undefined): Config | undefined {
  const env = Deno.env.toObject();
  const candidates = configPath !== undefined ? [configPath] : DEFAULT_CONFIG_PATHS;
  try {
    for (const path of candidates) {
      let text: string;
      try {
        text = Deno.readTextFileSync(path);
      } catch (e) {
        if (e instanceof Deno.errors.NotFound) continue;
        throw e;
      }
      return parseConfig(text, path, env).config;
    }
    return configPath === undefined ? configFromEnv(env).config : undefined;
  } catch {
    return undefined;
  }
}

/** The configuration file main.ts will load (the explicit one, else the first search path that exists). */
function loadedFile(configPath: string | undefined): string | undefined {
  if (configPath !== undefined) return configPath;
  return DEFAULT_CONFIG_PATHS.find((p) => {
    try {
      return Deno.statSync(p).isFile;
    } catch {
      return false;
    }
  });
}

/** Deno separates paths with commas, so a path containing one cannot be expressed. */
function pathList(paths: string[]): string {
  for (const p of paths) {
    if (p.includes(",")) {
      throw new RangeError(`Cannot grant access to "${p}": Deno permission paths cannot contain ","`);
    }
  }
  return [...new Set(paths)].join(",");
}

/** Removes the `--ffi` option from a command line: [the other arguments, whether it was there]. */
export function takeFfiOption(args: string[]): [string[], boolean] {
  return [args.filter((a) => a !== "--ffi"), args.includes("--ffi")];
}

if (import.meta.main) {
  // `deno run -A scripts/permissions.ts [--ffi] [config]` prints the flags, e.g. for a systemd unit.
  const [args, ffi] = takeFfiOption(Deno.args);
  console.log(serverPermissionFlags({ configPath: args[0], ffi }).join(" "));
}
