/**
 * The runtime routes of the control API: `/v3/info`, `/v3/auth/jwks/refresh`, `/v3/paths/*`,
 * `/v3/rtspconns/*`, `/v3/rtspsessions/*` and their `rtsps` twins. A route of a server that is not
 * running does not exist (undefined → 404 page not found), as in MediaMTX.
 */
import type { ApiReply, ApiRequest, ApiRouterOptions } from "./api_router.ts";
import { ApiError } from "./api_error.ts";
import { paginate } from "./pagination.ts";
import { formatGoTime } from "./time_format.ts";
import { parseApiUuid } from "./uuid.ts";

const OK = { status: 200, body: { status: "ok" } };

/** Answers a runtime route, or undefined when no route matches. Throws ApiError. */
export function runtimeRoute(req: ApiRequest, o: ApiRouterOptions): ApiReply | undefined {
  const { method, path, query } = req;
  if (path === "/v3/info") {
    return method === "GET"
      ? { status: 200, body: { version: o.version, started: formatGoTime(o.startedMs) } }
      : undefined;
  }
  if (path === "/v3/auth/jwks/refresh") {
    if (method !== "POST") return undefined;
    o.refreshJwks?.();
    return OK;
  }
  if (path === "/v3/paths/list") {
    return method === "GET" ? { status: 200, body: paginate(o.status.paths(), query) } : undefined;
  }
  if (path.startsWith("/v3/paths/get/")) {
    if (method !== "GET") return undefined;
    const name = decodeName(path.slice("/v3/paths/get/".length));
    const item = o.status.paths().find((p) => p.name === name);
    if (item === undefined) throw new ApiError(404, "path not found");
    return { status: 200, body: item };
  }
  const m = /^\/v3\/(rtsps?)(conns|sessions)\/(list|get|kick)(?:\/(.*))?$/.exec(path);
  if (m === null) return undefined;
  const secure = m[1] === "rtsps";
  const [, , kind, action, param] = m;
  if ((action === "list") !== (param === undefined)) return undefined;
  if (action === "kick" && kind !== "sessions") return undefined;
  if (method !== (action === "kick" ? "POST" : "GET")) return undefined;
  const items = kind === "conns" ? o.status.rtspConns(secure) : o.status.rtspSessions(secure);
  if (items === undefined) return undefined; // that server is not running: no route
  if (action === "list") return { status: 200, body: paginate<unknown>(items, query) };
  const id = parseApiUuid(param!);
  const missing = kind === "conns" ? "connection not found" : "session not found";
  if (action === "kick") {
    if (!o.kick(secure, id)) throw new ApiError(404, missing);
    return OK;
  }
  const item = (items as { id: string }[]).find((i) => i.id === id);
  if (item === undefined) throw new ApiError(404, missing);
  return { status: 200, body: item };
}

/** The `{name}` of a path route (it may contain `/`); 400 `invalid name` when empty. */
function decodeName(raw: string): string {
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    name = raw;
  }
  if (name === "") throw new ApiError(400, "invalid name");
  return name;
}
