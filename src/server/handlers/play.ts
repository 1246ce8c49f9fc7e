import { RtspHeaders } from "../../wire/rtsp/mod.ts";
import { newResponse } from "../../wire/rtsp/mod.ts";
import { formatRtpInfo } from "../../wire/rtsp/headers/mod.ts";
import type { RtpInfoEntry } from "../../wire/rtsp/headers/mod.ts";
import type { RequestContext, RequestResult } from "./request_context.ts";
import { requireSession, setSessionHeader } from "./request_context.ts";
import { describeTracks, transportName } from "./track_names.ts";

/** PLAY: starts delivery; packets follow the response, never precede it (gortsplib writes the PLAY response before any packet; RFC 2326 §10.5). */
export function handlePlay(rc: RequestContext): Promise<RequestResult> {
  const session = requireSession(rc);
  const started = session.play(rc.conn);
  const headers = new RtspHeaders();
  setSessionHeader(headers, rc, session);
  if (started === undefined) return Promise.resolve({ response: newResponse(200, headers) });
  const base = rc.req.url.replace(/\/$/, "");
  const entries: RtpInfoEntry[] = [...session.medias.keys()].sort((a, b) => a - b).map((i) => {
    const s = started.starts[i];
    return { url: `${base}/trackID=${i}`, seq: s?.seq, rtptime: s?.rtptime };
  });
  headers.set("RTP-Info", formatRtpInfo(entries));
  const medias = started.reader.medias;
  session.log.info(
    `is reading from path '${started.path}', with ${transportName(started.transport)}, ${
      describeTracks([...session.medias.keys()].map((i) => medias[i].media))
    }`,
  );
  return Promise.resolve({ response: newResponse(200, headers), after: () => session.releasePlay() });
}
