import type { RtspRequest, RtspResponse } from "../../wire/rtsp/mod.ts";
import type { ServerContext } from "../server_context.ts";
import type { ServerConn } from "../server_conn.ts";
import type { ServerSession } from "../server_session.ts";
import type { PathRequest } from "../stream_port.ts";
import { RtspError } from "../../wire/rtsp/mod.ts";
import { formatSession } from "../../wire/rtsp/headers/mod.ts";
import type { RtspHeaders } from "../../wire/rtsp/mod.ts";
import type { AuthAction } from "../../auth/mod.ts";

/** Everything a method handler may use. */
export interface RequestContext {
  ctx: ServerContext;
  conn: ServerConn;
  req: RtspRequest;
  /** The session named by the `Session` header, already checked. */
  session: ServerSession | undefined;
}

/** A handler's answer, and work to do once the answer is queued (e.g. start sending media). */
export interface RequestResult {
  response: RtspResponse;
  after?: () => void;
}

/** One RTSP method. Throws RtspError for protocol failures. */
export type RequestHandler = (rc: RequestContext) => Promise<RequestResult>;

/**
 * The session of a request that needs one. Without a `Session` header gortsplib does not handle
 * PLAY, RECORD, PAUSE or TEARDOWN at all and answers 501, so this does too (an unknown id is 454).
 */
export function requireSession(rc: RequestContext): ServerSession {
  if (rc.session === undefined) throw new RtspError(501, `${rc.req.method} without a Session header`);
  return rc.session;
}

/** Adds `Session: <id>;timeout=<s>`, 5 s below the real timeout (Media Foundation quirk, RFC 2326 §12.37). */
export function setSessionHeader(headers: RtspHeaders, rc: RequestContext, session: ServerSession): void {
  const timeout = Math.max(1, Math.floor(rc.ctx.options.sessionTimeoutMs / 1000) - 5);
  headers.set("Session", formatSession(session.id, timeout));
}

/** The path request seen by the core; `session` names the asker for hooks (MTX_READER_ID…). */
export function pathRequest(
  rc: RequestContext,
  path: string,
  query: string,
  label: string,
  session?: ServerSession,
): PathRequest {
  const req: PathRequest = { path, query, remote: rc.conn.remote, label };
  if (session !== undefined) {
    req.entity = {
      type: rc.ctx.options.label === "RTSPS" ? "rtspsSession" : "rtspSession",
      id: session.uuid,
    };
  }
  return req;
}

/** Session label for path logs, e.g. `RTSP session 1a2b3c4d`. */
export function sessionLabel(rc: RequestContext, session: ServerSession): string {
  return `${rc.ctx.options.label} session ${session.logId}`;
}

/**
 * Authenticates a request for `action` on `path` (MediaMTX checks the path's configuration
 * first, so unknown paths get 400 before any 401). No credentials: 401 with challenges;
 * wrong credentials: 401, then the connection is closed (gortsplib's server behaviour). Returns the
 * authenticated user ("" when anonymous; the JWT `sub` with JWT authentication).
 */
export async function authorize(
  rc: RequestContext,
  action: AuthAction,
  path: string,
  query: string,
): Promise<string> {
  const auth = rc.ctx.options.auth;
  if (auth === undefined) return "";
  rc.ctx.options.pathManager.checkPath(pathRequest(rc, path, query, ""));
  const result = await auth.check({
    action,
    path,
    ip: rc.conn.remote.hostname,
    method: rc.req.method,
    authorization: rc.req.headers.get("Authorization"),
    nonce: rc.conn.nonce,
    query,
    protocol: "rtsp",
    // The connection's UUID (MediaMTX sends the session's for ANNOUNCE/SETUP, created after this check here).
    id: rc.session?.uuid ?? rc.conn.uuid,
    userAgent: rc.req.headers.get("User-Agent") ?? "",
  });
  if (result.kind === "ok") return result.user;
  if (result.kind === "challenge") {
    throw new RtspError(401, "authentication required", {
      headers: auth.challenges(rc.conn.nonce).map((v) => ["WWW-Authenticate", v] as [string, string]),
    });
  }
  throw new RtspError(401, result.reason, { close: true });
}
