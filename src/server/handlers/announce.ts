import { newResponse } from "../../wire/rtsp/mod.ts";
import { parseRequestTarget } from "../../wire/rtsp/mod.ts";
import { RtspError } from "../../wire/rtsp/mod.ts";
import { parseSdp, unusableFormatReason } from "../../wire/sdp/mod.ts";
import type { SdpMedia } from "../../wire/sdp/mod.ts";
import { ServerSession } from "../server_session.ts";
import type { RequestContext, RequestResult } from "./request_context.ts";
import { authorize, pathRequest, sessionLabel } from "./request_context.ts";

/** ANNOUNCE: a publisher describes what it will RECORD; creates its session. */
export async function handleAnnounce(rc: RequestContext): Promise<RequestResult> {
  rc.session?.expect("ANNOUNCE");
  const contentType = rc.req.headers.get("Content-Type")?.split(";")[0].trim().toLowerCase();
  if (contentType !== "application/sdp") {
    throw new RtspError(400, `unsupported Content-Type '${contentType ?? ""}', expected application/sdp`);
  }
  const target = parseRequestTarget(rc.req.url);
  const user = await authorize(rc, "publish", target.path, target.query);
  let medias: SdpMedia[];
  let title: string | undefined;
  try {
    const sd = parseSdp(rc.req.body);
    medias = sd.medias.filter((m) => !m.attributes.some((a) => a.key.toLowerCase() === "sendonly"));
    title = sd.sessionName.trim() === "" ? undefined : sd.sessionName;
  } catch (e) {
    throw new RtspError(400, `invalid SDP: ${(e as Error).message}`, { cause: e });
  }
  if (medias.length === 0) throw new RtspError(400, "the SDP announces no media");
  // gortsplib refuses an SDP it cannot describe; readers would get a track without a clock.
  medias.forEach((m, i) => {
    const why = unusableFormatReason(m);
    if (why !== undefined) throw new RtspError(400, `invalid SDP: media ${i} (${m.type}): ${why}`);
  });
  const session = rc.session ?? new ServerSession(rc.ctx, rc.conn);
  try {
    const publisher = await rc.ctx.options.pathManager.addPublisher(
      pathRequest(rc, target.path, target.query, sessionLabel(rc, session), session),
      medias,
      title,
      session,
    );
    session.announce(publisher, { medias, url: rc.req.url }, target.path, target.query);
  } catch (e) {
    if (rc.session === undefined) session.close((e as Error).message, rc.conn);
    throw e;
  }
  session.identify(user, rc.req.headers.get("User-Agent") ?? "");
  rc.conn.adopt(session);
  // No Session header here: gortsplib sends it from SETUP on (gortsplib's client sends it from SETUP on; RFC 2326 §12.37).
  return { response: newResponse(200) };
}
