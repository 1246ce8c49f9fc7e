/**
 * CORS of MediaMTX's HTTP surfaces (`apiAllowOrigins`, `metricsAllowOrigins`): the request's `Origin` is echoed when an
 * entry matches it (scheme, host and port, with 80/443 filled in for http/https; `*` inside a host
 * is a wildcard and `*.example.com` also matches `example.com`), else `*` when `*` is listed,
 * else no header. Credentials are never allowed.
 */

/** What a surface's preflight answer allows (`Access-Control-Allow-Methods` / `-Headers`). */
export interface CorsPolicy {
  allowOrigins: readonly string[];
  allowMethods: string;
  allowHeaders: string;
}

interface OriginParts {
  scheme: string;
  host: string;
  port: string;
}

function originParts(origin: string): OriginParts | undefined {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(\[[^\]]*\]|[^:/]*)(?::(\d+))?\/?$/i.exec(origin.trim());
  if (m === null) return undefined;
  const scheme = m[1].toLowerCase();
  const port = m[3] ?? (scheme === "https" ? "443" : scheme === "http" ? "80" : "");
  return { scheme, host: m[2].toLowerCase(), port };
}

function hostMatches(pattern: string, host: string): boolean {
  if (!pattern.includes("*")) return pattern === host;
  if (pattern.startsWith("*.") && host === pattern.slice(2)) return true;
  const re = new RegExp(
    `^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`,
  );
  return re.test(host);
}

/** Whether `origin` matches the allowed entry `allowed` (not `*`). */
export function originMatches(allowed: string, origin: string): boolean {
  const a = originParts(allowed);
  const o = originParts(origin);
  if (a === undefined || o === undefined) return false;
  return a.scheme === o.scheme && a.port === o.port && hostMatches(a.host, o.host);
}

/** The `Access-Control-Allow-Origin` value for a request with `origin`, or undefined for none. */
export function allowedOrigin(allowOrigins: readonly string[], origin: string | null): string | undefined {
  if (origin !== null && origin !== "") {
    for (const entry of allowOrigins) {
      if (entry !== "*" && originMatches(entry, origin)) return origin;
    }
  }
  return allowOrigins.includes("*") ? "*" : undefined;
}

/**
 * Sets `Access-Control-Allow-Origin` on `headers` and answers a preflight (an `OPTIONS` with
 * `Access-Control-Request-Method`) with 204, before authentication as MediaMTX does; undefined for
 * any other request.
 */
export function applyCors(req: Request, policy: CorsPolicy, headers: Headers): Response | undefined {
  const origin = allowedOrigin(policy.allowOrigins, req.headers.get("Origin"));
  if (origin !== undefined) headers.set("Access-Control-Allow-Origin", origin);
  if (req.method !== "OPTIONS" || !req.headers.has("Access-Control-Request-Method")) return undefined;
  headers.set("Access-Control-Allow-Methods", policy.allowMethods);
  headers.set("Access-Control-Allow-Headers", policy.allowHeaders);
  return new Response(null, { status: 204, headers });
}
