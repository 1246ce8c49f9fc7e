import { RtspHeaders } from "../../wire/rtsp/mod.ts";
import { newResponse } from "../../wire/rtsp/mod.ts";
import { RtspError } from "../../wire/rtsp/mod.ts";
import type { RequestContext, RequestResult } from "./request_context.ts";
import { setSessionHeader } from "./request_context.ts";

/** GET_PARAMETER: a keepalive inside a session (200, empty text/parameters); 501 outside, as MediaMTX. */
export function handleGetParameter(rc: RequestContext): Promise<RequestResult> {
  if (rc.session === undefined) {
    return Promise.reject(new RtspError(501, "GET_PARAMETER is only supported inside a session"));
  }
  const headers = new RtspHeaders({ "Content-Type": "text/parameters" });
  setSessionHeader(headers, rc, rc.session);
  return Promise.resolve({ response: newResponse(200, headers) });
}
