/** WebSocket tunnels accept what RTSP needs and no more (issue 10, item 6). */
import assert from "node:assert/strict";
import { RTSP_MAX_MESSAGE_BYTES, WebSocketStream } from "../../../src/transport/websocket_stream.ts";
import { encodeFrame, Opcode, WebSocketFrameParser } from "../../../src/wire/websocket/frame.ts";
import { parseClosePayload } from "../../../src/wire/websocket/message.ts";
import { FIREFOX_STYLE_UPGRADE } from "../wire/http/_fixtures.ts";
import { CarrierServer } from "./_loopback.ts";
import { withTimeout } from "../../_helpers/wait.ts";

const enc = new TextEncoder();
const MASK = new Uint8Array([1, 2, 3, 4]);

async function handshake(server: CarrierServer) {
  const raw = await server.connect();
  await raw.send(enc.encode(FIREFOX_STYLE_UPGRADE));
  await raw.readUntil("\r\n\r\n");
  const tunnel = await server.next();
  assert.ok(tunnel instanceof WebSocketStream);
  return { raw, tunnel };
}

/** The header of a masked binary frame announcing `length` bytes (64-bit length form). */
function bigHeader(length: number): Uint8Array {
  const h = new Uint8Array(14);
  h[0] = 0x80 | Opcode.binary;
  h[1] = 0x80 | 127;
  new DataView(h.buffer).setBigUint64(2, BigInt(length));
  h.set(MASK, 10);
  return h;
}

Deno.test("websocket limits: the default bound covers an RTSP message at the framer's caps", () => {
  assert.ok(RTSP_MAX_MESSAGE_BYTES >= 16 * 1024 + 128 * 1024);
  assert.ok(RTSP_MAX_MESSAGE_BYTES <= 256 * 1024);
});

Deno.test("websocket limits: a frame announcing 4 MiB is refused with 1009 from its header alone", async () => {
  await using server = new CarrierServer();
  const { raw, tunnel } = await handshake(server);
  await raw.send(bigHeader(4 * 1024 * 1024 - 100));
  await raw.send(new Uint8Array(1000));
  assert.equal(await withTimeout(tunnel.read(new Uint8Array(10)), 3000, "4 MiB frame not refused"), null);
  const parser = new WebSocketFrameParser({ requireMask: false });
  for (let c = await raw.readChunk(); c !== null; c = await raw.readChunk()) parser.push(c);
  const close = parser.next();
  assert.equal(close?.opcode, Opcode.close);
  assert.equal(parseClosePayload(close!.payload).code, 1009);
});

Deno.test("websocket limits: an RTSP message with a full 128 KiB body passes", async () => {
  await using server = new CarrierServer();
  const { raw, tunnel } = await handshake(server);
  const payload = new Uint8Array(16 * 1024 + 128 * 1024).fill(0x41);
  await raw.send(encodeFrame({ fin: true, opcode: Opcode.binary, payload, mask: MASK }));
  const buf = new Uint8Array(payload.length);
  let got = 0;
  while (got < payload.length) {
    const n = await tunnel.read(buf.subarray(got));
    assert.ok(n !== null);
    got += n;
  }
  assert.equal(got, payload.length);
});

Deno.test("websocket limits: the frame parser never allocates for an announced length", () => {
  const parser = new WebSocketFrameParser({ maxPayloadBytes: 1 << 30, requireMask: true });
  parser.push(bigHeader(1 << 29));
  parser.push(new Uint8Array(10));
  assert.equal(parser.next(), undefined);
  assert.equal(parser.buffered, 24);
  parser.clear();
  assert.equal(parser.buffered, 0);
  parser.push(new Uint8Array(3));
  assert.equal(parser.buffered, 3);
});
