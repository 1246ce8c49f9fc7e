/**
 * Core: the paths (`paths:` entries made live), the streams they produce, and their fan-out to
 * readers (GOP cache, UDP repacketising, one SRTP encryption per packet).
 *
 * @module
 */
export * from "./path_manager.ts";
export * from "./path.ts";
