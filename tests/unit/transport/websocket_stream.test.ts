import assert from "node:assert/strict";
import { type ByteStream, DenoConnStream } from "../../../src/transport/byte_stream.ts";
import { dialWebSocketTunnel, WebSocketStream } from "../../../src/transport/websocket_stream.ts";
import {
  encodeFrame,
  Opcode,
  type WebSocketFrame,
  WebSocketFrameParser,
} from "../../../src/wire/websocket/frame.ts";
import { formatClosePayload, parseClosePayload } from "../../../src/wire/websocket/message.ts";
import { waitFor, withTimeout } from "../../_helpers/wait.ts";
import { FIREFOX_STYLE_UPGRADE } from "../wire/http/_fixtures.ts";
import { CarrierServer, RawClient } from "./_loopback.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const MASK = new Uint8Array([1, 2, 3, 4]);

async function readExactly(s: ByteStream, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const r = await s.read(out.subarray(got));
    if (r === null) throw new Error(`EOF after ${got} of ${n} bytes`);
    got += r;
  }
  return out;
}

/** Client frame (masked, as RFC 6455 §5.1 demands of clients). */
function clientFrame(opcode: number, payload: Uint8Array | string, fin = true): Uint8Array {
  return encodeFrame({
    fin,
    opcode,
    payload: typeof payload === "string" ? enc.encode(payload) : payload,
    mask: MASK,
  });
}

/** Reads server frames off a raw client until the server closes. */
async function framesToEnd(raw: RawClient): Promise<WebSocketFrame[]> {
  const parser = new WebSocketFrameParser({ requireMask: false });
  const frames: WebSocketFrame[] = [];
  for (let chunk = await raw.readChunk(); chunk !== null; chunk = await raw.readChunk()) {
    parser.push(chunk);
    for (let f = parser.next(); f !== undefined; f = parser.next()) frames.push(f);
  }
  return frames;
}

async function nextFrame(raw: RawClient, parser: WebSocketFrameParser): Promise<WebSocketFrame> {
  while (true) {
    const f = parser.next();
    if (f !== undefined) return f;
    const chunk = await raw.readChunk();
    if (chunk === null) throw new Error("EOF before a frame");
    parser.push(chunk);
  }
}

const ACCEPT_101 = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
  "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: rtsp.onvif.org\r\n\r\n";

/** A raw client that did the Firefox-style handshake; returns it and the server's tunnel. */
async function handshake(server: CarrierServer, extra: Uint8Array = new Uint8Array(0)) {
  const raw = await server.connect();
  const upgrade = enc.encode(FIREFOX_STYLE_UPGRADE);
  const first = new Uint8Array(upgrade.length + extra.length);
  first.set(upgrade);
  first.set(extra, upgrade.length);
  await raw.send(first);
  assert.equal(await raw.readUntil("\r\n\r\n"), ACCEPT_101);
  const tunnel = await server.next();
  assert.ok(tunnel instanceof WebSocketStream);
  return { raw, tunnel };
}

Deno.test("websocket: Deno's built-in WebSocket (as a browser) talks binary both ways", async () => {
  await using server = new CarrierServer();
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/any/path?x=1`, "rtsp.onvif.org");
  ws.binaryType = "arraybuffer";
  const messages: Uint8Array[] = [];
  ws.onmessage = (e) => messages.push(new Uint8Array(e.data as ArrayBuffer));
  const closed = new Promise<CloseEvent>((resolve) => ws.onclose = resolve);
  try {
    await withTimeout(
      new Promise((resolve, reject) => {
        ws.onopen = resolve;
        ws.onerror = () => reject(new Error("browser-style handshake failed"));
      }),
      5000,
      "WebSocket open",
    );
    assert.equal(ws.protocol, "rtsp.onvif.org", "the subprotocol is echoed");
    const tunnel = await server.next();
    assert.equal(tunnel.kind, "websocket");

    const request = "OPTIONS rtsp://127.0.0.1/cam RTSP/1.0\r\nCSeq: 1\r\n\r\n";
    ws.send(enc.encode(request));
    assert.equal(dec.decode(await readExactly(tunnel, request.length)), request);

    const big = new Uint8Array(100_000).map((_, i) => i * 13);
    await tunnel.write(enc.encode("RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n"));
    await tunnel.write(big);
    await waitFor(() => messages.length === 2, { timeoutMs: 5000, message: "two binary messages" });
    assert.equal(dec.decode(messages[0]), "RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n");
    assert.deepEqual(messages[1], big, "one write is one message");

    ws.close(1000, "done");
    assert.equal(await tunnel.read(new Uint8Array(1)), null);
    const ev = await withTimeout(closed, 5000, "close event");
    assert.equal(ev.code, 1000);
    assert.ok(ev.wasClean);
  } finally {
    ws.close();
    await closed;
  }
});

Deno.test("websocket: the client dialer works against Deno's own WebSocket server", async () => {
  const received: string[] = [];
  const ac = new AbortController();
  const serverClosed = Promise.withResolvers<void>();
  const listening = Promise.withResolvers<number>();
  const http = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    signal: ac.signal,
    onListen: ({ port }) => listening.resolve(port),
  }, (req) => {
    const { socket, response } = Deno.upgradeWebSocket(req, { protocol: "rtsp.onvif.org" });
    socket.binaryType = "arraybuffer";
    socket.onmessage = (e) => {
      received.push(dec.decode(new Uint8Array(e.data as ArrayBuffer)));
      socket.send(enc.encode(`echo:${received.at(-1)}`));
    };
    socket.onclose = () => serverClosed.resolve();
    return response;
  });
  const port = await listening.promise;
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const tunnel = await dialWebSocketTunnel(new DenoConnStream(conn), { host: "127.0.0.1", port });
  try {
    await tunnel.write(enc.encode("DESCRIBE"));
    assert.equal(dec.decode(await readExactly(tunnel, 13)), "echo:DESCRIBE");
    assert.deepEqual(received, ["DESCRIBE"]);
  } finally {
    tunnel.close();
    await tunnel.closed;
    await withTimeout(serverClosed.promise, 5000, "server saw the close");
    ac.abort();
    await http.finished;
  }
});

const REFUSALS: { name: string; edit: (h: string) => string; status: RegExp; reason: RegExp }[] = [
  {
    name: "a missing key",
    edit: (h) => h.replace(/Sec-WebSocket-Key: .*\r\n/, ""),
    status: /^HTTP\/1\.1 400 /,
    reason: /Key/,
  },
  {
    name: "a wrong version",
    edit: (h) => h.replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8"),
    status: /^HTTP\/1\.1 426 Upgrade Required\r\n(.*\r\n)*Sec-WebSocket-Version: 13\r\n/,
    reason: /Version/,
  },
  {
    name: "no subprotocol",
    edit: (h) => h.replace(/Sec-WebSocket-Protocol: .*\r\n/, ""),
    status: /^HTTP\/1\.1 400 /,
    reason: /rtsp\.onvif\.org/,
  },
];

for (const c of REFUSALS) {
  Deno.test(`websocket: ${c.name} is refused on that connection only`, async () => {
    await using server = new CarrierServer();
    const { raw: okRaw, tunnel } = await handshake(server);
    const bad = await server.connect();
    await bad.send(c.edit(FIREFOX_STYLE_UPGRADE));
    assert.match(await bad.readToEnd(), c.status);
    assert.match(server.rejects.join("\n"), c.reason);
    // The established tunnel is untouched.
    await okRaw.send(clientFrame(Opcode.binary, "still here"));
    assert.equal(dec.decode(await readExactly(tunnel, 10)), "still here");
  });
}

Deno.test("websocket: frames sent with the handshake are not lost", async () => {
  await using server = new CarrierServer();
  const { tunnel } = await handshake(server, clientFrame(Opcode.binary, "early"));
  assert.equal(dec.decode(await readExactly(tunnel, 5)), "early");
});

Deno.test("websocket: pings get pongs; fragments are reassembled around a ping", async () => {
  await using server = new CarrierServer();
  const { raw, tunnel } = await handshake(server);
  const parser = new WebSocketFrameParser({ requireMask: false });
  await raw.send(clientFrame(Opcode.binary, "OPT", false));
  await raw.send(clientFrame(Opcode.ping, "p1"));
  await raw.send(clientFrame(Opcode.continuation, "IO", false));
  await raw.send(clientFrame(Opcode.continuation, "NS"));
  assert.equal(dec.decode(await readExactly(tunnel, 7)), "OPTIONS");
  const pong = await nextFrame(raw, parser);
  assert.deepEqual(pong, { fin: true, opcode: Opcode.pong, masked: false, payload: enc.encode("p1") });
});

Deno.test("websocket: a ping flood gets few pongs, the last one for the latest ping", async () => {
  await using server = new CarrierServer();
  const { raw, tunnel } = await handshake(server);
  const flood = Array.from({ length: 1000 }, (_, i) => clientFrame(Opcode.ping, `p${i}`));
  flood.push(clientFrame(Opcode.close, formatClosePayload(1000)));
  const all = new Uint8Array(flood.reduce((n, f) => n + f.length, 0));
  let off = 0;
  for (const f of flood) {
    all.set(f, off);
    off += f.length;
  }
  await raw.send(all);
  assert.equal(await tunnel.read(new Uint8Array(10)), null);
  const frames = await framesToEnd(raw);
  const pongs = frames.filter((f) => f.opcode === Opcode.pong);
  assert.ok(pongs.length >= 1 && pongs.length < 100, `${pongs.length} pongs`);
  assert.equal(dec.decode(pongs.at(-1)!.payload), "p999");
  assert.equal(frames.at(-1)?.opcode, Opcode.close);
});

const FAILURES: { name: string; frame: () => Uint8Array; code: number }[] = [
  { name: "a text frame closes with 1003", frame: () => clientFrame(Opcode.text, "OPTIONS"), code: 1003 },
  {
    name: "an unmasked frame closes with 1002",
    frame: () => encodeFrame({ fin: true, opcode: Opcode.binary, payload: enc.encode("x") }),
    code: 1002,
  },
  {
    name: "a message over the limit closes with 1009",
    frame: () => clientFrame(Opcode.binary, new Uint8Array(2000)),
    code: 1009,
  },
  {
    name: "a continuation out of nowhere closes with 1002",
    frame: () => clientFrame(Opcode.continuation, "x"),
    code: 1002,
  },
];

for (const c of FAILURES) {
  Deno.test(`websocket: ${c.name}`, async () => {
    await using server = new CarrierServer({ websocket: { maxMessageBytes: 1000 } });
    const { raw, tunnel } = await handshake(server);
    await raw.send(c.frame());
    assert.equal(await tunnel.read(new Uint8Array(10)), null);
    const frames = await framesToEnd(raw);
    assert.equal(frames.length, 1);
    assert.equal(frames[0].opcode, Opcode.close);
    assert.equal(parseClosePayload(frames[0].payload).code, c.code);
    await assert.rejects(() => tunnel.write(enc.encode("x")));
  });
}

Deno.test("websocket: a client close is echoed, then the server closes TCP", async () => {
  await using server = new CarrierServer();
  const { raw, tunnel } = await handshake(server);
  await raw.send(clientFrame(Opcode.close, formatClosePayload(1001, "leaving")));
  assert.equal(await tunnel.read(new Uint8Array(10)), null);
  const frames = await framesToEnd(raw);
  assert.deepEqual(frames.map((f) => [f.opcode, parseClosePayload(f.payload).code]), [[Opcode.close, 1001]]);
  assert.match((tunnel as WebSocketStream).closeReason ?? "", /peer sent close 1001/);
});

Deno.test("websocket: closing the server end sends close 1000 before the TCP close", async () => {
  await using server = new CarrierServer();
  const { raw, tunnel } = await handshake(server);
  await tunnel.write(enc.encode("last"));
  tunnel.close();
  const frames = await framesToEnd(raw);
  assert.deepEqual(frames.map((f) => f.opcode), [Opcode.binary, Opcode.close]);
  assert.equal(parseClosePayload(frames[1].payload).code, 1000);
});
