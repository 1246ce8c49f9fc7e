/**
 * External commands run on server events (MediaMTX's `runOn*` hooks): command-line splitting
 * and `$VAR` expansion, one process group per command, SIGINT/SIGKILL stop, restart after 5 s.
 *
 * @module
 */
export * from "./command_line.ts";
export * from "./hook_process.ts";
export * from "./hook_runner.ts";
