import { RtspHeaders } from "../../wire/rtsp/mod.ts";
import { newResponse } from "../../wire/rtsp/mod.ts";
import { parseRequestTarget } from "../../wire/rtsp/mod.ts";
import { matchControl } from "../../wire/rtsp/mod.ts";
import { RtspError } from "../../wire/rtsp/mod.ts";
import { formatTransport, parseTransports } from "../../wire/rtsp/headers/mod.ts";
import type { TransportSpec } from "../../wire/rtsp/headers/mod.ts";
import { clockRateOf, mediaControl, payloadTypes } from "../../wire/sdp/mod.ts";
import { ServerSession } from "../server_session.ts";
import { newSessionMedia } from "../session_media.ts";
import type { SessionMedia } from "../session_media.ts";
import { MulticastDelivery, TcpDelivery, UdpDelivery } from "../delivery.ts";
import type { Delivery } from "../delivery.ts";
import type { SdpMedia } from "../../wire/sdp/mod.ts";
import { negotiateTransport } from "../transport_negotiation.ts";
import { contextFromMikey, newSessionKey, peerKey, streamKeyMgmt } from "../srtp_keys.ts";
import type { Negotiated } from "../transport_negotiation.ts";
import type { RequestContext, RequestResult } from "./request_context.ts";
import { authorize, pathRequest, sessionLabel, setSessionHeader } from "./request_context.ts";

/** SETUP: one media of a reader (play) or of an announced publisher (record). */
export async function handleSetup(rc: RequestContext): Promise<RequestResult> {
  const header = rc.req.headers.get("Transport");
  if (header === undefined) throw new RtspError(400, "Transport header is missing");
  let specs: TransportSpec[];
  try {
    specs = parseTransports(header);
  } catch (e) {
    throw new RtspError(400, (e as Error).message, { cause: e });
  }
  // Clients that omit `Session` on later SETUPs continue the session they started here; as in
  // gortsplib, a connection whose session already plays or records cannot start another one.
  const pending = rc.conn.pendingSession;
  const session = rc.session ?? (pending !== undefined && !pending.closed ? pending : undefined);
  session?.expect("SETUP");
  const announced = session?.announced;
  if (session !== undefined && announced !== undefined) {
    return await setupRecord(rc, session, announced, specs);
  }
  return await setupPlay(rc, session, specs);
}

async function setupPlay(
  rc: RequestContext,
  existing: ServerSession | undefined,
  specs: TransportSpec[],
): Promise<RequestResult> {
  const target = parseRequestTarget(rc.req.url, { setup: true });
  if (existing?.path !== undefined && existing.path !== target.path) {
    throw new RtspError(400, "can't setup medias with different paths");
  }
  // The first SETUP of a reader is authenticated (later ones belong to the same session).
  const user = existing?.reader === undefined
    ? await authorize(rc, "read", target.path, target.query)
    : undefined;
  const negotiated = negotiate(rc, specs, "play", existing);
  const session = existing ?? new ServerSession(rc.ctx, rc.conn);
  let reader = session.reader;
  let delivery = session.delivery;
  let index: number;
  try {
    reader ??= await rc.ctx.options.pathManager.addReader(
      pathRequest(rc, target.path, target.query, sessionLabel(rc, session), session),
    );
    const count = reader.medias.length;
    // No control: a trailing slash or a single-media stream means the first media (gortsplib's media matching; RFC 2326 §C.1.1).
    index = target.control?.index ?? (count === 1 || target.trailingSlash === true ? 0 : -1);
    if (index < 0 || index >= count) {
      throw new RtspError(400, `invalid SETUP path: no media '${rc.req.url}' in a stream of ${count}`);
    }
    if (session.medias.has(index)) throw new RtspError(400, "media has already been set up");
    checkProfile(session, negotiated);
    delivery ??= await session.newDelivery(negotiated.kind, negotiated.spec.profile === "SAVP", reader);
    const media = configureMedia(rc, delivery, negotiated, index);
    if (negotiated.spec.profile === "SAVP") {
      // The client's own key only protects its RTCP: tolerate its absence (gortsplib's RTSPS/MIKEY behaviour; RFC 4567 §4, RFC 3830).
      const key = peerKey(rc.req);
      if (key !== undefined) media.srtpIn = contextFromMikey(key);
    }
    session.setupReader({ reader, delivery, path: target.path, query: target.query }, media);
  } catch (e) {
    if (existing === undefined) {
      // Not yet the session's: released here, in the order the session's close would.
      reader?.remove();
      delivery?.close();
      session.close((e as Error).message, rc.conn);
    }
    throw e;
  }
  if (user !== undefined) session.identify(user, rc.req.headers.get("User-Agent") ?? "");
  rc.conn.adopt(session);
  const reply = delivery instanceof MulticastDelivery
    ? multicastTransport(delivery, negotiated, index, reader.medias[index].ssrc)
    : replyTransport(delivery, negotiated, reader.medias[index].ssrc);
  // SAVP: the server's key for this media, the one every reader of the stream shares.
  const keyMgmt = delivery.secure ? streamKeyMgmt(rc.req.url, reader.medias[index].srtpMikey()) : undefined;
  return respond(rc, session, reply, keyMgmt);
}

/**
 * Picks the transport for this connection (tunnel, TLS) and mode; the mode the client asked
 * for must match, and every media of a session shares one lower transport.
 */
function negotiate(
  rc: RequestContext,
  specs: TransportSpec[],
  mode: "play" | "record",
  session: ServerSession | undefined,
): Negotiated {
  const negotiated = negotiateTransport(rc.ctx, specs, {
    mode,
    tunnel: rc.conn.stream.kind === "http" || rc.conn.stream.kind === "websocket",
    secure: rc.conn.stream.secure,
  });
  const asked = negotiated.spec.mode;
  if (asked !== undefined && asked !== mode) {
    throw new RtspError(
      400,
      `transport mode is ${asked}, but the session ${mode === "play" ? "reads" : "records"}`,
    );
  }
  if (session?.transport !== undefined && session.transport !== negotiated.kind) {
    throw new RtspError(400, "can't setup medias with different transports");
  }
  return negotiated;
}

/** Every media of a session uses one profile: SRTP for all or none. */
function checkProfile(session: ServerSession, n: Negotiated): void {
  if (session.medias.size > 0 && session.secure !== (n.spec.profile === "SAVP")) {
    throw new RtspError(400, "can't setup medias with different profiles (AVP and SAVP)");
  }
}

async function setupRecord(
  rc: RequestContext,
  session: ServerSession,
  announced: { readonly medias: readonly SdpMedia[]; readonly url: string },
  specs: TransportSpec[],
): Promise<RequestResult> {
  const negotiated = negotiate(rc, specs, "record", session);
  const index = findAnnouncedMedia(rc.req.url, announced.medias.map(mediaControl), announced.url);
  if (index < 0) throw new RtspError(400, `invalid SETUP path: '${rc.req.url}' matches no announced media`);
  if (session.medias.has(index)) throw new RtspError(400, "media has already been set up");
  checkProfile(session, negotiated);
  const delivery = session.delivery ??
    await session.newDelivery(negotiated.kind, negotiated.spec.profile === "SAVP");
  const media = configureMedia(rc, delivery, negotiated, index);
  const sdpMedia = announced.medias[index];
  media.clockRate = clockRateOf(sdpMedia, Number(sdpMedia.formats[0] ?? "96"));
  media.payloadTypes = new Set(payloadTypes(sdpMedia));
  let keyMgmt: string | undefined;
  if (negotiated.spec.profile === "SAVP") {
    // The publisher's key decrypts its media; without it nothing could be read (400, as MediaMTX).
    const key = peerKey(rc.req, sdpMedia);
    if (key === undefined) throw new RtspError(400, "invalid KeyMgmt header: the SAVP SETUP carries no key");
    media.srtpIn = contextFromMikey(key);
    const own = newSessionKey(session.ownSsrc);
    media.srtpOut = own.ctx;
    keyMgmt = own.keyMgmt(rc.req.url);
  }
  session.setupPublisherMedia(delivery, media);
  rc.conn.attach(session);
  return respond(rc, session, replyTransport(delivery, negotiated, undefined), keyMgmt);
}

/** Index of the announced media a record SETUP designates, or -1. */
function findAnnouncedMedia(url: string, controls: (string | undefined)[], announceUrl: string): number {
  for (let i = 0; i < controls.length; i++) {
    const c = controls[i];
    if (c !== undefined && c !== "*" && matchControl(url, c, announceUrl)) return i;
  }
  // A single media without a usable control: the SETUP can only mean it.
  return controls.length === 1 ? 0 : -1;
}

/** Validates and records the client side of the transport for media `index`. */
function configureMedia(
  rc: RequestContext,
  delivery: Delivery,
  n: Negotiated,
  index: number,
): SessionMedia {
  const media = newSessionMedia(index);
  if (delivery instanceof UdpDelivery) {
    const ports = n.spec.clientPort;
    if (ports === undefined) throw new RtspError(400, "Transport header lacks client_port");
    const host = rc.conn.remote.hostname;
    media.clientRtp = { hostname: host, port: ports[0] };
    media.clientRtcp = { hostname: host, port: ports[1] };
    if (delivery.isTaken(media.clientRtp) || delivery.isTaken(media.clientRtcp)) {
      throw new RtspError(
        400,
        `UDP ports ${ports[0]}-${ports[1]} are already assigned to another session of ${host}`,
      );
    }
  } else if (delivery instanceof TcpDelivery) {
    let channels = n.spec.interleaved;
    if (channels === undefined) {
      // The client let us choose: the first free even pair.
      let c = 0;
      while (delivery.usesChannel(c) || delivery.usesChannel(c + 1)) c += 2;
      channels = [c, c + 1];
      n.spec = { ...n.spec, interleaved: channels };
    } else if (channels[1] !== channels[0] + 1) {
      // RTCP travels on the channel after RTP's (RFC 2326 §10.12); gortsplib insists too.
      throw new RtspError(400, `invalid interleaved channels ${channels[0]}-${channels[1]}: not consecutive`);
    } else if (delivery.usesChannel(channels[0]) || delivery.usesChannel(channels[1])) {
      throw new RtspError(400, `interleaved channels ${channels[0]}-${channels[1]} are already in use`);
    }
    media.channels = [channels[0], channels[1]];
  }
  return media;
}

function replyTransport(delivery: Delivery, n: Negotiated, ssrc: number | undefined): string {
  const reply: TransportSpec = {
    profile: n.spec.profile,
    lower: n.spec.lower,
    delivery: "unicast",
    raw: "",
    ssrc,
  };
  if (delivery instanceof UdpDelivery) {
    reply.clientPort = n.spec.clientPort;
    reply.serverPort = delivery.serverPorts;
  } else {
    reply.interleaved = n.spec.interleaved;
  }
  if (n.spec.mode === "record") reply.mode = "record";
  return formatTransport(reply);
}

/** `RTP/AVP;multicast;destination=…;port=…;ttl=…` with the TTL really set on the socket. */
function multicastTransport(delivery: MulticastDelivery, n: Negotiated, index: number, ssrc: number): string {
  const g = delivery.sender.groups[index];
  return formatTransport({
    profile: n.spec.profile,
    lower: "UDP",
    delivery: "multicast",
    destination: g.group,
    port: [g.rtpPort, g.rtcpPort],
    ttl: g.ttl,
    ssrc,
    raw: "",
  });
}

function respond(
  rc: RequestContext,
  session: ServerSession,
  transport: string,
  keyMgmt?: string,
): RequestResult {
  const headers = new RtspHeaders({ Transport: transport });
  if (keyMgmt !== undefined) headers.set("KeyMgmt", keyMgmt);
  setSessionHeader(headers, rc, session);
  return { response: newResponse(200, headers) };
}
