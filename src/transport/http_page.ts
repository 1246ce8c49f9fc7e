/**
 * The browser player's two HTTP answers on the RTSP and RTSPS ports (our extension, `rtspPlayer`):
 * a plain `GET /<path>` gets the player page for that path, `GET /player.js` the player as an ES
 * module. Each answer is one response on its own connection (`Connection: close`), so the
 * connection never mixes with RTSP. The sniffer hands over only GETs that are neither a tunnel
 * half nor a WebSocket upgrade.
 *
 * @module
 */
import type { ByteStream } from "./byte_stream.ts";
import { formatResponseHead, type HttpRequestHead } from "../wire/http/mod.ts";

/** What the player serves: the module's text and the page of a path. */
export interface PlayerAssets {
  /** The ES module served at `/player.js`. */
  module: string;
  /** The HTML page of a path (decoded, without the leading slash; may be empty). */
  page(path: string): string;
}

/** Where the player module is served. */
const PLAYER_MODULE_PATH = "/player.js";

/** A browser that does not take the answer within this time is cut off. */
const WRITE_TIMEOUT_MS = 10_000;

const encoder = new TextEncoder();

/** Status and body of the answer to `target`, without I/O (for the log and the tests). */
export function playerResponse(
  target: string,
  assets: PlayerAssets,
): { status: number; type: string; body: string } {
  let path = target;
  if (/^https?:\/\//i.test(path)) path = path.replace(/^https?:\/\/[^/]*/i, "");
  path = path.split("?")[0].split("#")[0];
  if (path === PLAYER_MODULE_PATH) {
    return { status: 200, type: "text/javascript; charset=utf-8", body: assets.module };
  }
  // Browsers ask for an icon on their own; a page for a path named "favicon.ico" helps no one.
  if (path === "/favicon.ico" || !path.startsWith("/")) {
    return { status: 404, type: "text/plain; charset=utf-8", body: "not found\n" };
  }
  let name: string;
  try {
    name = decodeURIComponent(path.slice(1));
  } catch {
    return { status: 400, type: "text/plain; charset=utf-8", body: "invalid path\n" };
  }
  return { status: 200, type: "text/html; charset=utf-8", body: assets.page(name.replace(/\/+$/, "")) };
}

/**
 * Answers one browser GET and closes the connection. Never rejects: a write error means the
 * browser went away.
 */
export async function servePlayerRequest(
  stream: ByteStream,
  head: HttpRequestHead,
  assets: PlayerAssets,
): Promise<number> {
  const res = playerResponse(head.target, assets);
  const body = encoder.encode(res.body);
  const headers: [string, string][] = [
    ["Content-Type", res.type],
    ["Content-Length", String(body.length)],
    ["Cache-Control", "no-cache"],
    // Other origins import the module: `import { RtspPlayer } from "http://host:8554/player.js"`.
    ["Access-Control-Allow-Origin", "*"],
    ["X-Content-Type-Options", "nosniff"],
    ["Connection", "close"],
  ];
  // Closing the stream ends a write stuck on a browser that stopped reading.
  const deadline = setTimeout(() => stream.close(), WRITE_TIMEOUT_MS);
  try {
    await stream.write(formatResponseHead({ status: res.status, version: "HTTP/1.1", headers }));
    await stream.write(body);
  } catch {
    // the browser is gone
  } finally {
    clearTimeout(deadline);
  }
  stream.close();
  return res.status;
}
