import { RtspHeaders } from "../../wire/rtsp/headers.ts";
import { newResponse } from "../../wire/rtsp/format.ts";
import { RtspError } from "../../wire/rtsp/rtsp_error.ts";
import type { RequestContext, RequestResult } from "./request_context.ts";
import { requireSession, setSessionHeader } from "./request_context.ts";

/** PAUSE: stops delivery to a reader, or ingestion from a publisher (rtspclientsink pauses before TEARDOWN). */
export function handlePause(rc: RequestContext): Promise<RequestResult> {
  const session = requireSession(rc);
  switch (session.state) {
    case "play":
      session.reader?.pause();
      session.state = "prePlay";
      break;
    case "record":
      session.state = "preRecord";
      break;
    case "prePlay":
    case "preRecord":
      break; // pausing twice is harmless
    default:
      throw new RtspError(400, "PAUSE is not valid before SETUP");
  }
  const headers = new RtspHeaders();
  setSessionHeader(headers, rc, session);
  return Promise.resolve({ response: newResponse(200, headers) });
}
