import { newResponse } from "../../wire/rtsp/format.ts";
import { formatNetAddr } from "../../transport/byte_stream.ts";
import type { RequestContext, RequestResult } from "./request_context.ts";
import { requireSession } from "./request_context.ts";

/** TEARDOWN: ends the session; the connection that asked stays open (RFC 2326 §10.7). */
export function handleTeardown(rc: RequestContext): Promise<RequestResult> {
  const session = requireSession(rc);
  rc.conn.sessions.delete(session);
  if (rc.conn.tcpSession === session) rc.conn.tcpSession = undefined;
  if (rc.conn.pendingSession === session) rc.conn.pendingSession = undefined;
  session.close(`torn down by ${formatNetAddr(rc.conn.remote)}`, rc.conn);
  return Promise.resolve({ response: newResponse(200) });
}
