/** Kinds of path source, and which of MediaMTX's source URL schemes this server can pull. */

/** RTSP source schemes this server pulls: plain, TLS, and HTTP / WebSocket tunnels. */
export const SUPPORTED_SOURCE_SCHEMES: readonly string[] = [
  "rtsp",
  "rtsps",
  "rtsp+http",
  "rtsps+http",
  "rtsp+ws",
  "rtsps+ws",
];

/** MediaMTX source schemes accepted in a config but not pulled by this server. */
export const UNSUPPORTED_SOURCE_SCHEMES: readonly string[] = [
  "rtmp",
  "rtmps",
  "http",
  "https",
  "udp",
  "udp+mpegts",
  "unix+mpegts",
  "udp+rtp",
  "srt",
  "whep",
  "wheps",
  "moqt",
];

/** What a path's `source` is. */
export type SourceType = "publisher" | "redirect" | "rtsp" | "unsupported";

/** Classifies a `source` value (already validated): "unsupported" = a MediaMTX source we cannot pull. */
export function sourceType(source: string): SourceType {
  if (source === "publisher") return "publisher";
  if (source === "redirect") return "redirect";
  const scheme = sourceScheme(source);
  return scheme !== undefined && SUPPORTED_SOURCE_SCHEMES.includes(scheme) ? "rtsp" : "unsupported";
}

/** The lower-case scheme of a URL-like source, or undefined (e.g. for "rpiCamera"). */
export function sourceScheme(source: string): string | undefined {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(source);
  return m?.[1].toLowerCase();
}

/** The URL with its password replaced by "***", for messages and logs. */
export function redactUrl(text: string): string {
  return text.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/:@]*):[^/@]*@/, "$1:***@");
}
