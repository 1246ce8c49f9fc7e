/**
 * What MediaMTX's HTTP surfaces (the control API and `/metrics`) share: CORS and preflight, the
 * client IP behind trusted proxies, authentication with its 401 and brute-force pause, and gin's
 * JSON and 404 answers.
 *
 * @module
 */
export * from "./client_ip.ts";
export * from "./cors.ts";
export * from "./http_authentication.ts";
export * from "./http_responses.ts";
export * from "./http_surface_listener.ts";
