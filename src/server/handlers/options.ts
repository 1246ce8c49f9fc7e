import { RtspHeaders } from "../../wire/rtsp/mod.ts";
import { SERVER_METHODS } from "../../wire/rtsp/mod.ts";
import { newResponse } from "../../wire/rtsp/mod.ts";
import type { RequestContext, RequestResult } from "./request_context.ts";
import { setSessionHeader } from "./request_context.ts";

/** OPTIONS: the methods we implement; also a keepalive when it names a session. */
export function handleOptions(rc: RequestContext): Promise<RequestResult> {
  const headers = new RtspHeaders({ Public: SERVER_METHODS.join(", ") });
  if (rc.session !== undefined) setSessionHeader(headers, rc, rc.session);
  return Promise.resolve({ response: newResponse(200, headers) });
}
