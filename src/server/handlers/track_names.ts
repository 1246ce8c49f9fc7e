import type { SdpMedia } from "../../wire/sdp/mod.ts";
import { codecOf } from "../../wire/sdp/mod.ts";

const FRIENDLY: Record<string, string> = {
  "MPEG4-GENERIC": "MPEG-4 Audio",
  "MP4A-LATM": "MPEG-4 Audio",
  "MP4V-ES": "MPEG-4 Video",
  OPUS: "Opus",
  PCMU: "G711",
  PCMA: "G711",
  MPA: "MPEG-1/2 Audio",
  MPV: "MPEG-1/2 Video",
  MP2T: "MPEG-TS",
  JPEG: "M-JPEG",
};

/** `2 tracks (H264, MPEG-4 Audio)`, as MediaMTX logs a session's medias. */
export function describeTracks(medias: readonly SdpMedia[]): string {
  const names = medias.map((m) => {
    const codec = codecOf(m, Number(m.formats[0] ?? "96"));
    return FRIENDLY[codec] ?? codec;
  });
  return `${medias.length} ${medias.length === 1 ? "track" : "tracks"} (${names.join(", ")})`;
}

/** Transport names as MediaMTX logs and reports them. */
export function transportName(t: "udp" | "multicast" | "tcp"): string {
  return t === "multicast" ? "UDP-multicast" : t.toUpperCase();
}
