import { RtspHeaders } from "../../wire/rtsp/headers.ts";
import { newResponse } from "../../wire/rtsp/format.ts";
import { RtspError } from "../../wire/rtsp/rtsp_error.ts";
import { formatRtpInfo } from "../../wire/rtsp/headers/rtp_info.ts";
import type { RtpInfoEntry } from "../../wire/rtsp/headers/rtp_info.ts";
import type { RequestContext, RequestResult } from "./request_context.ts";
import { requireSession, setSessionHeader } from "./request_context.ts";
import { describeTracks, transportName } from "./track_names.ts";

/** PLAY: starts delivery; packets follow the response, never precede it (gortsplib writes the PLAY response before any packet; RFC 2326 §10.5). */
export function handlePlay(rc: RequestContext): Promise<RequestResult> {
  const session = requireSession(rc);
  if (session.state !== "prePlay" && session.state !== "play") {
    throw new RtspError(400, `PLAY is not valid in state ${session.state}`);
  }
  if (session.medias.size === 0 || session.reader === undefined) {
    throw new RtspError(400, "no media has been set up");
  }
  const headers = new RtspHeaders();
  setSessionHeader(headers, rc, session);
  if (session.state === "play") return Promise.resolve({ response: newResponse(200, headers) });

  if (session.transport === "tcp") {
    if (rc.conn.tcpSession !== undefined && rc.conn.tcpSession !== session) {
      throw new RtspError(400, "the connection already carries another session");
    }
    if (session.tcpConn !== undefined && session.tcpConn !== rc.conn) {
      throw new RtspError(400, "session is linked to another connection");
    }
    session.tcpConn = rc.conn;
    rc.conn.tcpSession = session;
  }
  const starts = session.startPlay();
  const base = rc.req.url.replace(/\/$/, "");
  const entries: RtpInfoEntry[] = [...session.medias.keys()].sort((a, b) => a - b).map((i) => {
    const s = starts[i];
    return { url: `${base}/trackID=${i}`, seq: s?.seq, rtptime: s?.rtptime };
  });
  headers.set("RTP-Info", formatRtpInfo(entries));
  const medias = session.reader.medias;
  session.log.info(
    `is reading from path '${session.path}', with ${transportName(session.transport!)}, ${
      describeTracks([...session.medias.keys()].map((i) => medias[i].media))
    }`,
  );
  return Promise.resolve({ response: newResponse(200, headers), after: () => session.releasePlay() });
}
