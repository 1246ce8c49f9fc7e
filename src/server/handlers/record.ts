import { RtspHeaders } from "../../wire/rtsp/mod.ts";
import { newResponse } from "../../wire/rtsp/mod.ts";
import type { RequestContext, RequestResult } from "./request_context.ts";
import { requireSession, setSessionHeader } from "./request_context.ts";
import { describeTracks, transportName } from "./track_names.ts";

/** RECORD: the publisher's packets start flowing into the path's stream. */
export function handleRecord(rc: RequestContext): Promise<RequestResult> {
  const session = requireSession(rc);
  const started = session.record(rc.conn);
  const headers = new RtspHeaders();
  setSessionHeader(headers, rc, session);
  if (!started.resumed) {
    session.log.info(
      `is publishing to path '${started.path}', with ${transportName(started.transport)}, ${
        describeTracks([...session.medias.keys()].map((i) => started.announced[i]))
      }`,
    );
  }
  return Promise.resolve({ response: newResponse(200, headers) });
}
