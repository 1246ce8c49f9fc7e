/**
 * HTTP heads captured on loopback from real clients (Debian 12 builds), named after the client.
 * Dates and cookies are as captured.
 */

/** ffmpeg 5.1 `-rtsp_transport http`: the GET half. */
export const FFMPEG_TUNNEL_GET =
  "GET /test?x=1 HTTP/1.1\r\nUser-Agent: Lavf/59.27.100\r\nRange: bytes=0-\r\n" +
  "Connection: close\r\nHost: 127.0.0.1:18654\r\nIcy-MetaData: 1\r\nx-sessioncookie: 56cd13d5b1e4c5c8\r\n" +
  "Accept: application/x-rtsp-tunnelled\r\nPragma: no-cache\r\nCache-Control: no-cache\r\n\r\n";

/** ffmpeg 5.1: the POST half (note `Accept: *\/*`), with its first base64 write in the same segment. */
export const FFMPEG_TUNNEL_POST = "POST /test?x=1 HTTP/1.1\r\nUser-Agent: Lavf/59.27.100\r\nAccept: */*\r\n" +
  "Connection: close\r\nHost: 127.0.0.1:18654\r\nIcy-MetaData: 1\r\nx-sessioncookie: 56cd13d5b1e4c5c8\r\n" +
  "Content-Type: application/x-rtsp-tunnelled\r\nPragma: no-cache\r\nCache-Control: no-cache\r\n" +
  "Content-Length: 32767\r\nExpires: Sun, 9 Jan 1972 00:00:00 GMT\r\n\r\n" +
  "T1BUSU9OUyBydHNwOi8vMTI3LjAuMC4xOjE4NjU0L3Rlc3Q/eD0xIFJUU1AvMS4wDQpDU2VxOiAxDQpVc2VyLUFnZW50OiBMYXZmNTkuMjcuMTAwDQoNCg==";

/** What the base64 in `FFMPEG_TUNNEL_POST` decodes to. */
export const FFMPEG_TUNNEL_OPTIONS =
  "OPTIONS rtsp://127.0.0.1:18654/test?x=1 RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: Lavf59.27.100\r\n\r\n";

/** GStreamer 1.22 rtspsrc `rtsph://`: the GET half (HTTP/1.0). */
export const GST_TUNNEL_GET = "GET /test?x=1 HTTP/1.0\r\nx-sessioncookie: ycaxlmludkbsykbmmyjqiin\r\n" +
  "Accept: application/x-rtsp-tunnelled\r\nCache-Control: no-cache\r\nPragma: no-cache\r\n" +
  "Host: 127.0.0.1:18555\r\nDate: Wed, 25 Nov 2026 00:16:20 GMT\r\n\r\n";

/** GStreamer 1.22 rtspclientsink `rtsph://`: the POST half with its first write. */
export const GST_TUNNEL_POST = "POST /rec HTTP/1.0\r\nx-sessioncookie: amkyjgenmfwbbxtfrxwdjnr\r\n" +
  "Accept: application/x-rtsp-tunnelled\r\nContent-Type: application/x-rtsp-tunnelled\r\n" +
  "Cache-Control: no-cache\r\nPragma: no-cache\r\nExpires: Sun, 9 Jan 1972 00:00:00 GMT\r\n" +
  "Content-Length: 32767\r\nHost: 127.0.0.1:18556\r\nDate: Wed, 25 Nov 2026 00:16:26 GMT\r\n\r\n" +
  "T1BUSU9OUyBydHNwOi8vMTI3LjAuMC4xOjE4NTU2L3JlYyBSVFNQLzEuMA0KQ1NlcTogMQ0KVXNlci1BZ2VudDogR1N0cmVhbWVyLzEuMjIuMA0KRGF0ZTogV2VkLCAyNSBOb3YgMjAyNiAwMDoxNjoyNiBHTVQNCg0K";

/** Deno 2.9 `new WebSocket(url, "rtsp.onvif.org")`, which sends what a browser's fetch stack does. */
export const DENO_WEBSOCKET_UPGRADE =
  "GET /cam?x=1 HTTP/1.1\r\nuser-agent: Deno/2.9.6\r\nsec-websocket-version: 13\r\n" +
  "sec-websocket-protocol: rtsp.onvif.org\r\nhost: 127.0.0.1:45631\r\nupgrade: websocket\r\n" +
  "connection: Upgrade\r\nsec-websocket-key: 9Kdf5uhEz3yV+TVkWFOchQ==\r\n\r\n";

/** Firefox's upgrade shape: `Connection: keep-alive, Upgrade` (hand-written from its documented form). */
export const FIREFOX_STYLE_UPGRADE = "GET / HTTP/1.1\r\nHost: cam.local:8554\r\n" +
  "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n" +
  "Accept: */*\r\nSec-WebSocket-Version: 13\r\nOrigin: http://cam.local\r\n" +
  "Sec-WebSocket-Protocol: rtsp.onvif.org\r\nSec-WebSocket-Extensions: permessage-deflate\r\n" +
  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nConnection: keep-alive, Upgrade\r\n" +
  "Pragma: no-cache\r\nCache-Control: no-cache\r\nUpgrade: websocket\r\n\r\n";
