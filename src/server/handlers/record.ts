import { RtspHeaders } from "../../wire/rtsp/headers.ts";
import { newResponse } from "../../wire/rtsp/format.ts";
import { RtspError } from "../../wire/rtsp/rtsp_error.ts";
import type { RequestContext, RequestResult } from "./request_context.ts";
import { requireSession, setSessionHeader } from "./request_context.ts";
import { describeTracks, transportName } from "./track_names.ts";

/** RECORD: the publisher's packets start flowing into the path's stream. */
export function handleRecord(rc: RequestContext): Promise<RequestResult> {
  const session = requireSession(rc);
  if (session.state !== "preRecord") {
    throw new RtspError(400, `RECORD is not valid in state ${session.state}`);
  }
  // gortsplib: every announced media must be set up, or readers get a track nobody feeds.
  if (session.medias.size !== session.announced!.medias.length) {
    throw new RtspError(400, "not all announced medias have been setup");
  }
  const headers = new RtspHeaders();
  setSessionHeader(headers, rc, session);
  if (session.transport === "tcp") {
    if (rc.conn.tcpSession !== undefined && rc.conn.tcpSession !== session) {
      throw new RtspError(400, "the connection already carries another session");
    }
    session.tcpConn = rc.conn;
    rc.conn.tcpSession = session;
  }
  const resumed = session.resumeRecord();
  if (!resumed) {
    session.log.info(
      `is publishing to path '${session.path}', with ${transportName(session.transport!)}, ${
        describeTracks([...session.medias.keys()].map((i) => session.announced!.medias[i]))
      }`,
    );
  }
  return Promise.resolve({ response: newResponse(200, headers) });
}
