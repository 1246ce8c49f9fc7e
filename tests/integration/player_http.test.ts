/**
 * The player's HTTP answers on the RTSP port (our extension, `rtspPlayer`): the page of a path, the
 * ES module with CORS headers, and MediaMTX's 400 when turned off. Plain HTTP over a raw socket,
 * as a browser sends it.
 */
import assert from "node:assert/strict";
import { startTestServer } from "./_server.ts";
import { PLAYER_BUNDLE } from "../../src/player/dist/player_bundle.ts";
import { playerResponse } from "../../src/transport/http_page.ts";
import { playerAssets } from "../../src/player/assets.ts";

/** Sends one HTTP request and reads until the server closes the connection. */
async function httpGet(port: number, target: string, headers = ""): Promise<{ head: string; body: string }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(
      new TextEncoder().encode(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${headers}\r\n`),
    );
    const chunks: Uint8Array[] = [];
    const buf = new Uint8Array(65536);
    const deadline = setTimeout(() => conn.close(), 5000);
    try {
      for (let n = await conn.read(buf); n !== null; n = await conn.read(buf)) chunks.push(buf.slice(0, n));
    } catch {
      // closed by the deadline
    } finally {
      clearTimeout(deadline);
    }
    const text = new TextDecoder().decode(new Uint8Array(chunks.flatMap((c) => [...c])));
    const split = text.indexOf("\r\n\r\n");
    return { head: text.slice(0, split), body: text.slice(split + 4) };
  } finally {
    try {
      conn.close();
    } catch {
      // already closed
    }
  }
}

Deno.test("player: GET /<path> is the page, GET /player.js the module with CORS", async () => {
  await using server = await startTestServer();
  const port = server.ports.rtsp;

  const page = await httpGet(port, "/cam/one", "Accept: text/html\r\n");
  assert.match(page.head, /^HTTP\/1\.1 200 OK/);
  assert.match(page.head, /Content-Type: text\/html; charset=utf-8/i);
  assert.match(page.body, /import \{ mountPage \} from "\/player\.js";/);
  assert.match(page.body, /mountPage\(document\.body, "cam\/one"\)/);
  assert.doesNotMatch(page.body, /https?:\/\//, "the page loads nothing from another host");

  const module = await httpGet(port, "/player.js", "Origin: http://example.test\r\n");
  assert.match(module.head, /^HTTP\/1\.1 200 OK/);
  assert.match(module.head, /Access-Control-Allow-Origin: \*/i);
  assert.match(module.head, /Content-Type: text\/javascript/i);
  assert.equal(module.body, PLAYER_BUNDLE);
  assert.match(module.body, /export\{[^}]*RtspPlayer/);

  const icon = await httpGet(port, "/favicon.ico");
  assert.match(icon.head, /^HTTP\/1\.1 404/);
});

Deno.test("player: a path name cannot break out of the page's script", () => {
  const r = playerResponse("/a%3C%2Fscript%3E%3Cb%3E", playerAssets());
  assert.equal(r.status, 200);
  assert.doesNotMatch(r.body, /<\/script><b>/);
  assert.match(r.body, /"a\\u003c\/script>\\u003cb>"/);
  assert.equal(playerResponse("/%E0%A4%A", playerAssets()).status, 400);
});

Deno.test("player: rtspPlayer: no answers 400 as MediaMTX does, and RTSP still works", async () => {
  await using server = await startTestServer("rtspPlayer: no");
  const port = server.ports.rtsp;
  const page = await httpGet(port, "/cam");
  assert.match(page.head, /^HTTP\/1\.1 400/);
  const module = await httpGet(port, "/player.js");
  assert.match(module.head, /^HTTP\/1\.1 400/);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(
      new TextEncoder().encode(`OPTIONS rtsp://127.0.0.1:${port}/cam RTSP/1.0\r\nCSeq: 1\r\n\r\n`),
    );
    const buf = new Uint8Array(4096);
    const n = await conn.read(buf);
    assert.match(new TextDecoder().decode(buf.subarray(0, n ?? 0)), /^RTSP\/1\.0 200 OK/);
  } finally {
    conn.close();
  }
});
