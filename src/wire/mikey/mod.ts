/**
 * MIKEY (RFC 3830) as RTSP key management uses it (RFC 4567): the pre-shared-key init message
 * with NULL encryption and MAC that carries an SRTP master key, its SDP and header forms.
 *
 * @module
 */
export * from "./build.ts";
export * from "./key_mgmt.ts";
export * from "./message.ts";
export * from "./parse.ts";
export * from "./payload_types.ts";
export * from "./srtp_policy.ts";
