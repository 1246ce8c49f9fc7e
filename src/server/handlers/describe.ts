import { RtspHeaders } from "../../wire/rtsp/mod.ts";
import { newResponse } from "../../wire/rtsp/mod.ts";
import { parseRequestTarget } from "../../wire/rtsp/mod.ts";
import { buildDescribeSdp } from "../../wire/sdp/mod.ts";
import { formatKeyMgmtAttribute } from "../../wire/mikey/mod.ts";
import { RtspError } from "../../wire/rtsp/mod.ts";
import type { RequestContext, RequestResult } from "./request_context.ts";
import { authorize, pathRequest } from "./request_context.ts";

const encoder = new TextEncoder();

/** DESCRIBE: the SDP of the stream published on the path (gortsplib's media matching; RFC 2326 §C.1.1). */
export async function handleDescribe(rc: RequestContext): Promise<RequestResult> {
  const target = parseRequestTarget(rc.req.url);
  await authorize(rc, "read", target.path, target.query);
  let description;
  try {
    description = await rc.ctx.options.pathManager.describe(
      pathRequest(rc, target.path, target.query, `${rc.ctx.options.label} conn`),
    );
  } catch (e) {
    throw absoluteRedirect(e, rc.req.url);
  }
  // `?vlcmulticast` makes VLC-style clients choose multicast from the SDP (MediaMTX's `vlcmulticast` query, for VLC).
  const vlcMulticast = target.query.split("&").some((kv) => kv.split("=")[0] === "vlcmulticast");
  const sdp = buildDescribeSdp({
    title: description.title,
    connectionAddress: vlcMulticast ? rc.ctx.multicastAddressFor(description.fanOut) : undefined,
    // On RTSPS every media is offered as SRTP with the stream's key (RFC 4567 a=key-mgmt);
    // clients without SRTP (ffmpeg) still SETUP RTP/AVP/TCP inside TLS.
    medias: description.medias.map((m, i) => ({
      media: m.media,
      control: `trackID=${i}`,
      protocol: rc.ctx.srtp ? "RTP/SAVP" : "RTP/AVP",
      extraAttributes: rc.ctx.srtp ? [{ key: "key-mgmt", value: formatKeyMgmtAttribute(m.srtpMikey()) }] : [],
    })),
  });
  const base = rc.req.url.endsWith("/") ? rc.req.url : rc.req.url + "/";
  const headers = new RtspHeaders({ "Content-Base": base, "Content-Type": "application/sdp" });
  return { response: newResponse(200, headers, encoder.encode(sdp)) };
}

/** `source: redirect` with a relative target (`/other`) answers 302 with an absolute URL. */
function absoluteRedirect(e: unknown, requestUrl: string): unknown {
  if (!(e instanceof RtspError) || e.status !== 302) return e;
  const location = e.headers.find(([k]) => k === "Location")?.[1] ?? "";
  if (!location.startsWith("/")) return e;
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/?]+/i.exec(requestUrl)?.[0] ?? "";
  return new RtspError(302, e.message, { headers: [["Location", origin + location]] });
}
