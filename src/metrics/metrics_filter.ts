/**
 * The query of `GET /metrics`, as MediaMTX reads it: `type=` keeps one family group, and selectors
 * (`path=`, `rtsp_conn=`, …) keep only the blocks whose selector is set, with exact matching.
 */

/** What one scrape asks for. Empty strings mean "not set". */
export interface MetricsFilter {
  /** `paths`, `rtsp_conns`, `rtsp_sessions`, `rtsps_conns`, `rtsps_sessions`, …; any other value prints nothing. */
  type: string;
  /** Path name (`path=`). */
  path: string;
  /** Connection or session UUIDs (`rtsp_conn=`, `rtsp_session=`, `rtsps_conn=`, `rtsps_session=`). */
  rtspConn: string;
  rtspSession: string;
  rtspsConn: string;
  rtspsSession: string;
  /**
   * Whether any selector is set, including those of MediaMTX servers this server does not have
   * (`hls_muxer=`, `rtmp_conn=`, …): those still turn every other block off.
   */
  anySelector: boolean;
}

/** Every selector MediaMTX reads; a set one switches off the blocks of the others. */
const SELECTOR_KEYS: readonly string[] = [
  "path",
  "forward_dest",
  "hls_muxer",
  "hls_session",
  "rtsp_conn",
  "rtsp_session",
  "rtsps_conn",
  "rtsps_session",
  "rtmp_conn",
  "rtmps_conn",
  "srt_conn",
  "webrtc_session",
  "moq_session",
];

/** No filter: every block. */
export const NO_METRICS_FILTER: MetricsFilter = {
  type: "",
  path: "",
  rtspConn: "",
  rtspSession: "",
  rtspsConn: "",
  rtspsSession: "",
  anySelector: false,
};

/** Reads the filter from a request query (the first value of each key counts, as Go's `Query`). */
export function parseMetricsFilter(query: URLSearchParams): MetricsFilter {
  const get = (key: string) => query.get(key) ?? "";
  return {
    type: get("type"),
    path: get("path"),
    rtspConn: get("rtsp_conn"),
    rtspSession: get("rtsp_session"),
    rtspsConn: get("rtsps_conn"),
    rtspsSession: get("rtsps_session"),
    anySelector: SELECTOR_KEYS.some((k) => get(k) !== ""),
  };
}
