/**
 * `/v3/config/*` of the control API: reads and edits the configuration with MediaMTX's key names.
 * (Contract shared by the API router and the hot-reload work; the implementation lands with hot reload.)
 */

/** One API request as the router hands it over: method, path below `/v3/config/`, raw JSON body. */
export interface ConfigApiRequest {
  method: string;
  /** E.g. `global/get`, `paths/add/cam1`, `paths/get/some/nested/name`. */
  route: string;
  query: URLSearchParams;
  body: string;
}

/** The answer: an HTTP status and the JSON value to send (`{"status":"error","error":…}` on errors). */
export interface ConfigApiResponse {
  status: number;
  body: unknown;
}

/** What config endpoints act on: the running App implements it. */
export interface ConfigTarget {
  /** Applies a validated new configuration live (the same rules as a hot reload from the file). */
  applyConfigFromApi(next: unknown): Promise<void>;
}

/** Handles one `/v3/config/*` request. Placeholder until hot reload lands: every route is 404. */
export function handleConfigApi(_req: ConfigApiRequest, _target: ConfigTarget): Promise<ConfigApiResponse> {
  return Promise.resolve({ status: 404, body: { status: "error", error: "not implemented" } });
}
