/**
 * A stream's medias as MediaMTX's API describes them: the codec label of each format (`tracks`)
 * and, for `tracks2`, its properties (picture size, profile and level from the SDP's parameter
 * sets; sample rate and channels of audio).
 */
import type { SdpMedia } from "../wire/sdp/mod.ts";
import { fmtp, rtpMaps } from "../wire/sdp/mod.ts";
import {
  h264LevelName,
  h264ProfileName,
  h265LevelName,
  h265ProfileName,
  parseH264Sps,
  parseH265Sps,
  type VideoParams,
} from "../wire/video/mod.ts";
import type { ApiTrack } from "./status_types.ts";

const LABELS: Record<string, string> = {
  AV1: "AV1",
  VP9: "VP9",
  VP8: "VP8",
  H265: "H265",
  H264: "H264",
  "MP4V-ES": "MPEG-4 Video",
  MPV: "MPEG-1/2 Video",
  JPEG: "M-JPEG",
  OPUS: "Opus",
  VORBIS: "Vorbis",
  "MPEG4-GENERIC": "MPEG-4 Audio",
  "MP4A-LATM": "MPEG-4 Audio LATM",
  MPA: "MPEG-1/2 Audio",
  AC3: "AC3",
  SPEEX: "Speex",
  G722: "G722",
  PCMU: "G711",
  PCMA: "G711",
  L8: "LPCM",
  L16: "LPCM",
  L24: "LPCM",
  MP2T: "MPEG-TS",
  "SMPTE336M": "KLV",
};

/** One track per format of each media, in SDP order, as `tracks2` lists them. */
export function apiTracks(medias: readonly SdpMedia[]): ApiTrack[] {
  const out: ApiTrack[] = [];
  for (const m of medias) {
    const maps = rtpMaps(m);
    for (const f of m.formats) {
      const pt = Number(f);
      const map = maps.get(pt);
      const encoding = map?.encoding.toUpperCase() ?? "";
      const label = LABELS[encoding] ?? (encoding.startsWith("G726") ? "G726" : "Generic");
      let props: Record<string, unknown> | null = null;
      try {
        props = codecProps(encoding, m, pt, map?.clockRate ?? 0, map?.channels);
      } catch {
        props = null; // unreadable parameter sets: the label alone
      }
      out.push({ codec: label, codecProps: props });
    }
  }
  return out;
}

function codecProps(
  encoding: string,
  m: SdpMedia,
  pt: number,
  clockRate: number,
  channels: number | undefined,
): Record<string, unknown> | null {
  const params = fmtp(m, pt);
  switch (encoding) {
    case "H264": {
      const sps = params.get("sprop-parameter-sets")?.split(",")[0];
      return sps === undefined || sps === ""
        ? null
        : videoProps(parseH264Sps(base64(sps)), h264ProfileName, h264LevelName);
    }
    case "H265": {
      const sps = params.get("sprop-sps");
      return sps === undefined || sps === ""
        ? null
        : videoProps(parseH265Sps(base64(sps)), h265ProfileName, h265LevelName);
    }
    case "OPUS":
      // RFC 7587 §7: the rtpmap always says 2 channels; sprop-stereo tells whether the sender sends stereo.
      return { channelCount: params.get("sprop-stereo") === "1" ? 2 : 1 };
    case "MPEG4-GENERIC": {
      const config = params.get("config");
      return config === undefined
        ? { sampleRate: clockRate, channelCount: channels ?? 1 }
        : audioSpecificConfig(config);
    }
    case "AC3":
      return { sampleRate: clockRate, channelCount: channels ?? 1 };
    case "PCMU":
    case "PCMA":
      return { muLaw: encoding === "PCMU", sampleRate: clockRate, channelCount: channels ?? 1 };
    case "L8":
    case "L16":
    case "L24":
      return { bitDepth: Number(encoding.slice(1)), sampleRate: clockRate, channelCount: channels ?? 1 };
    default:
      return null;
  }
}

function videoProps(
  p: VideoParams,
  profile: (idc: number) => string,
  level: (idc: number) => string,
): Record<string, unknown> {
  return { width: p.width, height: p.height, profile: profile(p.profileIdc), level: level(p.levelIdc) };
}

const SAMPLE_RATES = [
  96000,
  88200,
  64000,
  48000,
  44100,
  32000,
  24000,
  22050,
  16000,
  12000,
  11025,
  8000,
  7350,
];

/** Sample rate and channel count of an MPEG-4 AudioSpecificConfig in hex (ISO 14496-3 §1.6.2.1). */
function audioSpecificConfig(hex: string): Record<string, unknown> {
  const bytes = hex.match(/../g)?.map((b) => parseInt(b, 16)) ?? [];
  let pos = 0;
  const read = (n: number) => {
    let v = 0;
    for (let i = 0; i < n; i++, pos++) {
      const byte = bytes[pos >> 3];
      if (byte === undefined || Number.isNaN(byte)) throw new RangeError("truncated AudioSpecificConfig");
      v = v * 2 + ((byte >> (7 - (pos & 7))) & 1);
    }
    return v;
  };
  let objectType = read(5);
  if (objectType === 31) objectType = 32 + read(6);
  const index = read(4);
  const sampleRate = index === 15 ? read(24) : SAMPLE_RATES[index];
  const channelConfig = read(4);
  if (sampleRate === undefined) throw new RangeError("invalid sampling frequency index");
  return { sampleRate, channelCount: channelConfig === 7 ? 8 : channelConfig };
}

function base64(text: string): Uint8Array {
  return Uint8Array.from(atob(text.trim()), (c) => c.charCodeAt(0));
}
