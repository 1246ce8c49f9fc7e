/**
 * Transport: the only folder that touches the network (TCP/TLS listeners and dials, UDP pairs,
 * multicast groups, HTTP and WebSocket tunnels, the HTTP listener of the API and metrics) and the
 * FFI fast paths of the fan-out.
 *
 * @module
 */
export * from "./byte_stream.ts";
export * from "./multicast_group.ts";
export * from "./multicast_allocator.ts";
export * from "./udp_pair.ts";
export * from "./tcp_listener.ts";
export * from "./tls_listener.ts";
export * from "./sniff.ts";
export * from "./write_scheduler.ts";
export * from "./ffi_libc.ts";
export * from "./stream_writer.ts";
export * from "./http_page.ts";
export * from "./tcp_sync_writer.ts";
export * from "./http_listener.ts";
export * from "./http_tunnel.ts";
export * from "./tls_dial.ts";
export * from "./websocket_stream.ts";
export * from "./client_udp_pair.ts";
