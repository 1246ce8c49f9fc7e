import { newResponse } from "../../wire/rtsp/mod.ts";
import type { RequestContext, RequestResult } from "./request_context.ts";
import { requireSession } from "./request_context.ts";

/** TEARDOWN: ends the session; the connection that asked stays open (RFC 2326 §10.7). */
export function handleTeardown(rc: RequestContext): Promise<RequestResult> {
  requireSession(rc).teardown(rc.conn);
  return Promise.resolve({ response: newResponse(200) });
}
