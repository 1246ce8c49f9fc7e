/**
 * The SETUP and ANNOUNCE bodies a client sends and how it reads the answers (RFC 2326 §10.4,
 * §12.39), kept apart from the session so they can be tested without sockets.
 *
 * @module
 */
import { RtspError } from "../wire/rtsp/mod.ts";
import type { RtspResponse } from "../wire/rtsp/mod.ts";
import { parseTransports, type TransportSpec } from "../wire/rtsp/headers/mod.ts";
import { formatSdp } from "../wire/sdp/mod.ts";
import { mediaControl } from "../wire/sdp/mod.ts";
import { parseSdp } from "../wire/sdp/mod.ts";
import type { SessionDescription } from "../wire/sdp/mod.ts";
import type { ByteStreamKind } from "../transport/mod.ts";
import type { UdpPeer } from "./client_transport.ts";

/**
 * The first transport a session tries (gortsplib's client): the configured one, except that `automatic`
 * starts with UDP only on plain TCP carriers. Tunnels carry interleaved data only, and UDP beside
 * TLS would carry the media in clear; after a fallback the session stays on TCP.
 */
export function initialTransport(
  wanted: "tcp" | "udp" | "automatic",
  carrier: ByteStreamKind,
  fellBackToTcp: boolean,
): "tcp" | "udp" {
  const tunnel = carrier === "http" || carrier === "websocket";
  if (wanted === "udp" && tunnel) throw new Error("Cannot use UDP through an HTTP or WebSocket tunnel");
  if (wanted === "udp") return "udp";
  return wanted === "tcp" || fellBackToTcp || carrier !== "tcp" ? "tcp" : "udp";
}

/**
 * The Transport spec a SETUP offers: TCP on interleaved channels 2i-2i+1 (what ffmpeg and
 * gortsplib use, so channels never collide), or UDP with the local port pair; `mode=record` when
 * publishing (RFC 2326 §12.39: play mode must not say record).
 */
export function offerTransport(
  mediaIndex: number,
  transport: "tcp" | "udp",
  mode: "play" | "record",
  clientPorts?: [number, number],
): TransportSpec {
  const spec: TransportSpec = {
    profile: "AVP",
    lower: transport === "tcp" ? "TCP" : "UDP",
    delivery: "unicast",
    raw: "",
  };
  if (transport === "tcp") {
    if (2 * mediaIndex + 1 > 255) {
      throw new RangeError(`Cannot SETUP media ${mediaIndex}: no interleaved channel left`);
    }
    spec.interleaved = [2 * mediaIndex, 2 * mediaIndex + 1];
  } else {
    if (clientPorts === undefined) throw new RangeError("Cannot SETUP over UDP without client ports");
    spec.clientPort = clientPorts;
  }
  if (mode === "record") spec.mode = "record";
  return spec;
}

/**
 * The transport the server chose. A different lower transport (a UDP offer answered with TCP,
 * seen on some Hikvision cameras) is reported as `RtspError(461)` so the automatic transport
 * switches to TCP (gortsplib's client); multicast answers to unicast offers are refused.
 */
export function acceptedTransport(res: RtspResponse, offered: TransportSpec): TransportSpec {
  const header = res.headers.get("Transport");
  if (header === undefined) throw new RtspError(400, "SETUP answer has no Transport header");
  const answer = parseTransports(header)[0];
  if (answer.lower !== offered.lower) {
    throw new RtspError(461, `the server answered a ${offered.lower} SETUP with ${answer.lower}`);
  }
  if (answer.delivery === "multicast") throw new RtspError(461, "the server answered with multicast");
  return answer;
}

/**
 * Where UDP media comes from: Transport `source=` or the RTSP peer, on `server_port`; a missing
 * `server_port`, or 0/1, means any port (gortsplib's client), and then nothing can be sent to the server.
 */
export function udpPeerOf(answer: TransportSpec, rtspPeerHost: string): UdpPeer {
  const ports = answer.serverPort;
  const known = ports !== undefined && ports[0] > 1;
  return {
    hostname: answer.source ?? rtspPeerHost,
    rtpPort: known ? ports[0] : undefined,
    rtcpPort: known ? ports[1] : undefined,
    anyPort: !known,
  };
}

/**
 * The SDP an ANNOUNCE sends and the medias it defines. Text is sent as given when every media
 * has `a=control`; otherwise medias without one get `trackID=<i>` (gortsplib's form) and the
 * SDP is re-formatted. The caller's object is never modified.
 */
export function announcedSdp(sdp: string | SessionDescription): { text: string; sdp: SessionDescription } {
  const parsed = typeof sdp === "string" ? parseSdp(sdp) : sdp;
  const copy = { ...parsed, medias: parsed.medias.map((m) => ({ ...m, attributes: [...m.attributes] })) };
  if (copy.medias.length === 0) throw new RangeError("Cannot ANNOUNCE an SDP without media");
  if (!copy.medias.some((m) => mediaControl(m) === undefined)) {
    return { text: typeof sdp === "string" ? sdp : formatSdp(copy), sdp: copy };
  }
  copy.medias.forEach((m, i) => {
    if (mediaControl(m) === undefined) m.attributes.push({ key: "control", value: `trackID=${i}` });
  });
  return { text: formatSdp(copy), sdp: copy };
}
