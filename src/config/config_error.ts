/** Where a configuration value came from: a file line, an environment variable or the defaults. */
export type Origin =
  | { kind: "file"; file: string; line: number }
  | { kind: "env"; variable: string }
  | { kind: "default" };

/** The built-in defaults, used for values nobody wrote. */
export const DEFAULT_ORIGIN: Origin = { kind: "default" };

/** Formats an origin as the parenthesised suffix of messages, e.g. "(mediamtx.yml:12)". */
export function describeOrigin(origin: Origin): string {
  switch (origin.kind) {
    case "file":
      return `(${origin.file}:${origin.line})`;
    case "env":
      return `(environment variable ${origin.variable})`;
    case "default":
      return "(built-in default)";
  }
}

/**
 * An invalid configuration: names the key path, and the file and line or the environment
 * variable that set it, e.g. `Invalid configuration: rtspTransports[1]: "quic" is not one of
 * udp, multicast, tcp (mediamtx.yml:12)`.
 */
export class ConfigError extends Error {
  /** Key path of the offending value, e.g. "paths.cam.source"; "" for file-level problems. */
  key: string;
  /** File the value was read from. */
  file?: string;
  /** 1-based line in that file. */
  line?: number;
  /** Environment variable the value was read from. */
  variable?: string;

  constructor(key: string, reason: string, origin: Origin, options?: { cause?: unknown }) {
    const where = origin.kind === "default" ? "" : ` ${describeOrigin(origin)}`;
    const subject = key === "" ? "" : `${key}: `;
    super(`Invalid configuration: ${subject}${reason}${where}`, options);
    this.name = "ConfigError";
    this.key = key;
    if (origin.kind === "file") {
      this.file = origin.file;
      this.line = origin.line;
    } else if (origin.kind === "env") {
      this.variable = origin.variable;
    }
  }
}
