/**
 * MediaMTX's control API v3: the router (auth, CORS, envelopes, routes) and the status objects it
 * serves (also read by the metrics endpoint).
 *
 * @module
 */
export * from "./api_error.ts";
export * from "./api_router.ts";
export * from "./config_api.ts";
export * from "./live_status.ts";
export * from "./status_types.ts";
export * from "./time_format.ts";
export * from "./http_surface/mod.ts";
export * from "./api_server.ts";
