/**
 * What the player can use from a DESCRIBE answer: the first H.264/H.265 video track and the first
 * AAC (`mpeg4-generic`) or Opus audio track, with their control URLs resolved (RFC 2326 C.1.1)
 * and the decoder parameters the fmtp lines carry. Pure.
 *
 * @module
 */
import { parseSdp } from "../wire/sdp/parse.ts";
import type { SdpMedia } from "../wire/sdp/session_description.ts";
import { attributeValue, fmtp, mediaControl, payloadTypes, rtpMaps } from "../wire/sdp/media_format.ts";
import { hexBytes } from "./aac_depacketizer.ts";

/** A video track the player depacketises. */
export interface VideoTrack {
  kind: "video";
  codec: "H264" | "H265";
  payloadType: number;
  clockRate: number;
  control: string;
  /** fmtp values carrying parameter sets. */
  sprop: { parameterSets?: string; vps?: string; sps?: string; pps?: string };
}

/** An audio track the player decodes. */
export interface AudioTrack {
  kind: "audio";
  codec: "AAC" | "OPUS";
  payloadType: number;
  clockRate: number;
  channels: number;
  control: string;
  /** AudioSpecificConfig (AAC). */
  config?: Uint8Array;
  sizeLength: number;
  indexLength: number;
  indexDeltaLength: number;
}

/** The tracks chosen, plus what was left out (for the message shown to the user). */
export interface PlayableTracks {
  video?: VideoTrack;
  audio?: AudioTrack;
  /** Encodings of the media left out, e.g. `["video MP4V-ES"]`. */
  skipped: string[];
}

/** Picks the tracks from an SDP; `baseUrl` is Content-Base, else the DESCRIBE URL. */
export function playableTracks(sdpText: string, baseUrl: string): PlayableTracks {
  const sdp = parseSdp(sdpText);
  const sessionControl = attributeValue(sdp.attributes, "control");
  const base = sessionControl !== undefined && sessionControl !== "*"
    ? resolveControl(baseUrl, sessionControl)
    : baseUrl;
  const out: PlayableTracks = { skipped: [] };
  for (const m of sdp.medias) {
    const pt = payloadTypes(m)[0];
    const map = pt === undefined ? undefined : rtpMaps(m).get(pt);
    const encoding = map?.encoding.toUpperCase() ?? "";
    const control = resolveControl(base, mediaControl(m) ?? "");
    if (m.type === "video" && out.video === undefined && (encoding === "H264" || encoding === "H265")) {
      const f = fmtp(m, pt!);
      out.video = {
        kind: "video",
        codec: encoding,
        payloadType: pt!,
        clockRate: map!.clockRate,
        control,
        sprop: {
          parameterSets: f.get("sprop-parameter-sets"),
          vps: f.get("sprop-vps"),
          sps: f.get("sprop-sps"),
          pps: f.get("sprop-pps"),
        },
      };
    } else if (m.type === "audio" && out.audio === undefined && encoding === "MPEG4-GENERIC") {
      out.audio = aacTrack(m, pt!, map!.clockRate, map!.channels, control);
    } else if (m.type === "audio" && out.audio === undefined && encoding === "OPUS") {
      out.audio = {
        kind: "audio",
        codec: "OPUS",
        payloadType: pt!,
        clockRate: 48000,
        channels: 2, // RFC 7587 §7: always opus/48000/2; the decoder folds mono into both channels
        control,
        sizeLength: 0,
        indexLength: 0,
        indexDeltaLength: 0,
      };
    } else {
      out.skipped.push(`${m.type} ${encoding || "?"}`);
    }
  }
  return out;
}

function aacTrack(m: SdpMedia, pt: number, clockRate: number, channels: number | undefined, control: string) {
  const f = fmtp(m, pt);
  const num = (key: string, fallback: number) => {
    const v = Number(f.get(key));
    return Number.isInteger(v) && v >= 0 ? v : fallback;
  };
  return {
    kind: "audio" as const,
    codec: "AAC" as const,
    payloadType: pt,
    clockRate,
    channels: channels ?? 1,
    control,
    config: hexBytes(f.get("config") ?? ""),
    sizeLength: num("sizelength", 13),
    indexLength: num("indexlength", 3),
    indexDeltaLength: num("indexdeltalength", 3),
  };
}

/** A media or session `a=control` value made absolute against `base`. */
export function resolveControl(base: string, control: string): string {
  if (control === "" || control === "*") return base;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(control)) return control;
  return base.endsWith("/") ? base + control : `${base}/${control}`;
}
