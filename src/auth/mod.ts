/**
 * Authentication of RTSP requests: internal users (`authInternalUsers`) with Basic and Digest
 * (MD5, SHA-256), hashed `sha256:` credentials, IP lists and per-path permissions.
 *
 * @module
 */
export * from "./auth_user.ts";
export * from "./authenticator.ts";
export * from "./credentials.ts";
