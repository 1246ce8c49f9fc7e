/**
 * Authentication of RTSP requests: internal users (`authInternalUsers`) with Basic and Digest
 * (MD5, SHA-256), hashed `sha256:` and `argon2:` credentials, IP lists and per-path permissions;
 * an external HTTP authorizer (`authMethod: http`) and JWTs checked against a JWKS (`authMethod: jwt`).
 *
 * @module
 */
export * from "./auth_user.ts";
export * from "./authenticator.ts";
export * from "./credentials.ts";
export * from "./internal_authenticator.ts";
export * from "./http_authenticator.ts";
export * from "./jwt_authenticator.ts";
export * from "./http_authorization.ts";
export * from "./ip_list.ts";
