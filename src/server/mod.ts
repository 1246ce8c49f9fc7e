/**
 * The RTSP server: listeners, connections, sessions (their state machine and per-transport
 * delivery) and the port through which they reach paths (`stream_port.ts`).
 *
 * @module
 */
export * from "./rtsp_server.ts";
export * from "./server_conn.ts";
export * from "./server_session.ts";
export * from "./stream_port.ts";
