import { RtspHeaders } from "../../wire/rtsp/mod.ts";
import { newResponse } from "../../wire/rtsp/mod.ts";
import type { RequestContext, RequestResult } from "./request_context.ts";
import { requireSession, setSessionHeader } from "./request_context.ts";

/** PAUSE: stops delivery to a reader, or ingestion from a publisher (rtspclientsink pauses before TEARDOWN). */
export function handlePause(rc: RequestContext): Promise<RequestResult> {
  const session = requireSession(rc);
  session.pause();
  const headers = new RtspHeaders();
  setSessionHeader(headers, rc, session);
  return Promise.resolve({ response: newResponse(200, headers) });
}
