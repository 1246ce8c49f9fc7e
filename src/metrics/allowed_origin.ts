/**
 * CORS for MediaMTX's HTTP surfaces (`metricsAllowOrigins`, `apiAllowOrigins`): the answer's
 * `Access-Control-Allow-Origin` is the request's `Origin` when an entry matches it (scheme, host and
 * port; default ports filled in; `*` in a host is a wildcard and `*.x` also matches `x`), else `*`
 * when `*` is listed, else nothing. No `Access-Control-Allow-Credentials`, as MediaMTX.
 */

interface Origin {
  scheme: string;
  host: string;
  port: string;
}

const ORIGIN_RE = /^([a-z][a-z0-9+.-]*):\/\/(\[[^\]]*\]|[^/:?#]+)(?::(\d+))?\/?$/i;

function parseOrigin(text: string): Origin | undefined {
  const m = ORIGIN_RE.exec(text.trim());
  if (m === null) return undefined;
  const scheme = m[1].toLowerCase();
  const port = m[3] ?? (scheme === "https" ? "443" : scheme === "http" ? "80" : "");
  return { scheme, host: m[2].toLowerCase(), port };
}

function hostMatches(pattern: string, host: string): boolean {
  if (!pattern.includes("*")) return pattern === host;
  if (pattern.startsWith("*.") && host === pattern.slice(2)) return true;
  const source = pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return new RegExp(`^${source}$`).test(host);
}

/** The `Access-Control-Allow-Origin` value for a request `Origin` (null when absent), or undefined for none. */
export function allowedOrigin(origin: string | null, allowOrigins: readonly string[]): string | undefined {
  if (origin !== null) {
    const o = parseOrigin(origin);
    if (o !== undefined) {
      for (const entry of allowOrigins) {
        const e = parseOrigin(entry);
        if (e !== undefined && e.scheme === o.scheme && e.port === o.port && hostMatches(e.host, o.host)) {
          return origin;
        }
      }
    }
  }
  return allowOrigins.includes("*") ? "*" : undefined;
}
