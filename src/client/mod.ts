/**
 * The project's RTSP client: pulls sources from other servers, speaks RTSP over any ByteStream
 * carrier (TCP, TLS, tunnels) and drives the benchmark's reader and publisher sessions.
 *
 * @module
 */
export { RtspClient } from "./rtsp_client.ts";
export type { DescribeResult, RtspClientOptions } from "./client_options.ts";
export { ClientCredentials, type DigestAlgorithm, type DigestInput, digestResponse } from "./digest.ts";
export { defaultDialer, type Dialer, type DialTlsOptions } from "./dial.ts";
export { ClientUdpPair, InterleavedChannels, type PacketHandler } from "./client_transport.ts";
export { controlUrl, describeBaseUrl, requestUrlOf, resolveUrl } from "./client_urls.ts";
