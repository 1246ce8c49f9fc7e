/** Log levels, least verbose first, with MediaMTX's names. */
export type LogLevel = "error" | "warn" | "info" | "debug";

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };
const TAG: Record<LogLevel, string> = { error: "ERR", warn: "WAR", info: "INF", debug: "DEB" };

/** Where formatted lines go; stdout by default. */
export type LogSink = (line: string, level: LogLevel) => void;

const encoder = new TextEncoder();
const stdoutSink: LogSink = (line) => {
  try {
    Deno.stdout.writeSync(encoder.encode(line + "\n"));
  } catch {
    // stdout closed (e.g. piped into a process that exited): logging must never crash the server.
  }
};

function timestamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ` +
    `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** C0 controls (but LF), DEL and C1 controls: what a forged log line or a terminal escape needs. */
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/g;
/** `scheme://user:pass@` in any URL: the userinfo is replaced. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@?#]*@/gi;
/** A `Session` header's id (a bearer secret: whoever presents it controls the session). */
const SESSION_HEADER = /^(Session:[ \t]*)[^;\n]+/gim;
/** A JWT passed in a query (`?jwt=`, MediaMTX's legacy key, or `?token=`): a bearer secret. */
const QUERY_TOKEN = /([?&](?:jwt|token)=)[^&\s#"']+/gi;
/** An `Authorization` / `Proxy-Authorization` header value after its scheme. */
const AUTHORIZATION = /\b((?:Proxy-)?Authorization:[ \t]*[A-Za-z0-9_-]+)[^\n]*/gi;

function escapeControl(c: string): string {
  switch (c) {
    case "\r":
      return "\\r";
    case "\t":
      return "\\t";
    case "\x00":
      return "\\0";
    default:
      return "\\x" + c.charCodeAt(0).toString(16).padStart(2, "0");
  }
}

/**
 * What every logged message goes through, since much of it came from the wire (URLs, header
 * values, reasons): control characters are escaped (`\r`, `\0`, `\x1b`…), so a peer cannot end
 * a line, rewrite the terminal or forge a line of its own; a line break in our own multi-line
 * messages is followed by a tab, so a continuation never looks like a new entry; the userinfo of
 * URLs (`rtsp://user:pass@host`), the credentials of `Authorization` headers and the id of
 * `Session` headers and query tokens (`?jwt=`, `?token=`) are redacted.
 */
export function sanitizeLogText(message: string): string {
  return message
    .replace(CONTROL, escapeControl)
    .replace(USERINFO, "$1***@")
    .replace(AUTHORIZATION, "$1 ***")
    .replace(SESSION_HEADER, "$1***")
    .replace(QUERY_TOKEN, "$1***")
    .replaceAll("\n", "\n\t");
}

/**
 * A leveled logger writing MediaMTX-style lines:
 * `2026/11/24 10:00:00 INF [RTSP] [conn 127.0.0.1:5123] opened`.
 *
 * `with("[conn …]")` returns a logger that prefixes every message, sharing level and sink.
 */
export class Logger {
  #level: { value: LogLevel };
  #sink: LogSink;
  #prefix: string;

  constructor(level: LogLevel = "info", sink: LogSink = stdoutSink, prefix = "") {
    this.#level = { value: level };
    this.#sink = sink;
    this.#prefix = prefix;
  }

  /** Current level (shared by every derived logger). */
  get level(): LogLevel {
    return this.#level.value;
  }

  set level(level: LogLevel) {
    this.#level.value = level;
  }

  /** Whether messages of `level` are written; check before building costly debug text. */
  enabled(level: LogLevel): boolean {
    return RANK[level] <= RANK[this.#level.value];
  }

  /** A logger that adds `tag` (e.g. `[RTSP]`, `[conn 1.2.3.4:5]`) before every message. */
  with(tag: string): Logger {
    const child = new Logger(this.#level.value, this.#sink, this.#prefix + sanitizeLogText(tag) + " ");
    child.#level = this.#level;
    return child;
  }

  /** Writes one line at `level`. */
  log(level: LogLevel, message: string): void {
    if (!this.enabled(level)) return;
    this.#sink(`${timestamp(new Date())} ${TAG[level]} ${this.#prefix}${sanitizeLogText(message)}`, level);
  }

  /** Error-level line. */
  error(message: string): void {
    this.log("error", message);
  }

  /** Warning-level line. */
  warn(message: string): void {
    this.log("warn", message);
  }

  /** Info-level line. */
  info(message: string): void {
    this.log("info", message);
  }

  /** Debug-level line. */
  debug(message: string): void {
    this.log("debug", message);
  }
}
