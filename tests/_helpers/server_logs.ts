/**
 * The server log lines interop tests wait for, in one place. They follow MediaMTX's wording:
 *   INF [RTSP] [session 1a2b3c4d] is publishing to path 'mystream', 2 tracks (H264, MPEG-4 Audio)
 *   INF [RTSP] [session 1a2b3c4d] is reading from path 'mystream', 2 tracks (H264, MPEG-4 Audio)
 *   INF [RTSP] [session 1a2b3c4d] destroyed: …   (a line with "closed" is accepted too)
 */

import type { ServerProcess } from "./server_process.ts";

/** Something that may exit before the awaited log line, making the wait pointless (e.g. a client). */
export interface Exitable {
  readonly exitStatus: Deno.CommandStatus | undefined;
  log?(): string;
}

/** Options of the log waits. */
export interface LogWaitOptions {
  /** Only log lines from this index on count; 0 by default. */
  since?: number;
  /** 20000 ms by default. */
  timeoutMs?: number;
  /** A client whose early exit fails the wait at once, with its output. */
  client?: Exitable;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Matches `[session <id>] is publishing to path '<path>'`; group 1 is the session id. */
export function publishingLine(path: string): RegExp {
  return new RegExp(String.raw`\[session ([^\]\s]+)\] is publishing to path '${escapeRegExp(path)}'`);
}

/** Matches `[session <id>] is reading from path '<path>'`; group 1 is the session id. */
export function readingLine(path: string): RegExp {
  return new RegExp(String.raw`\[session ([^\]\s]+)\] is reading from path '${escapeRegExp(path)}'`);
}

/** Matches the end of session `id`: a `[session <id>] …closed…` or `…destroyed…` line. */
export function sessionEndLine(id: string): RegExp {
  return new RegExp(String.raw`\[session ${escapeRegExp(id)}\].*\b(closed|destroyed)\b`);
}

/** Waits for a server log line matching `re` (from `since`), failing early if `client` exits. */
export function waitForServerLog(
  server: ServerProcess,
  re: RegExp,
  opts: LogWaitOptions = {},
): Promise<RegExpExecArray> {
  return server.waitForMatch(re, opts.timeoutMs ?? 20000, opts.since ?? 0, () => {
    const status = opts.client?.exitStatus;
    if (status) throw new Error(`client exited (code ${status.code}) first:\n${opts.client?.log?.() ?? ""}`);
  });
}

/** Waits until the server logs a publisher on `path` and returns its session id. */
export async function publishingSession(
  server: ServerProcess,
  path: string,
  opts: LogWaitOptions = {},
): Promise<string> {
  return (await waitForServerLog(server, publishingLine(path), opts))[1];
}

/** Waits until the server logs a reader on `path` and returns its session id. */
export async function readingSession(
  server: ServerProcess,
  path: string,
  opts: LogWaitOptions = {},
): Promise<string> {
  return (await waitForServerLog(server, readingLine(path), opts))[1];
}
