import assert from "node:assert/strict";
import { type ByteStream, DenoConnStream } from "../../../src/transport/byte_stream.ts";
import { dialHttpTunnel, HttpTunnelStream } from "../../../src/transport/http_tunnel.ts";
import { encodeBase64 } from "../../../src/wire/http/base64_stream.ts";
import { waitFor } from "../../_helpers/wait.ts";
import {
  FFMPEG_TUNNEL_GET,
  FFMPEG_TUNNEL_OPTIONS,
  FFMPEG_TUNNEL_POST,
  GST_TUNNEL_GET,
} from "../wire/http/_fixtures.ts";
import { BoundClient, CarrierServer, RawClient } from "./_loopback.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

const TUNNEL_200 = "HTTP/1.1 200 OK\r\nCache-Control: no-cache\r\nConnection: close\r\n" +
  "Content-Type: application/x-rtsp-tunnelled\r\nPragma: no-cache\r\n\r\n";

function get(cookie: string, version = "HTTP/1.1"): string {
  return `GET /test ${version}\r\nx-sessioncookie: ${cookie}\r\nAccept: application/x-rtsp-tunnelled\r\n\r\n`;
}
function post(cookie: string): string {
  return `POST /test HTTP/1.1\r\nx-sessioncookie: ${cookie}\r\nContent-Type: application/x-rtsp-tunnelled\r\n` +
    "Content-Length: 32767\r\n\r\n";
}
const b64 = (s: string) => dec.decode(encodeBase64(enc.encode(s)));

async function readText(s: ByteStream, n: number): Promise<string> {
  const buf = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const r = await s.read(buf.subarray(got));
    if (r === null) throw new Error(`EOF after ${got} of ${n} bytes`);
    got += r;
  }
  return dec.decode(buf);
}

function settledCount(server: CarrierServer, n: number): Promise<void> {
  return waitFor(() => server.settled.length >= n, { timeoutMs: 5000, message: `${n} connections settled` });
}

Deno.test("http tunnel: ffmpeg's captured GET and POST pair; both get the reference 200", async () => {
  await using server = new CarrierServer();
  const g = await server.connect();
  await g.send(FFMPEG_TUNNEL_GET);
  assert.equal(await g.readUntil("\r\n\r\n"), TUNNEL_200);
  const p = await server.connect();
  await p.send(FFMPEG_TUNNEL_POST);
  const tunnel = await server.next();
  assert.ok(tunnel instanceof HttpTunnelStream);
  assert.equal(tunnel.kind, "http");
  assert.equal(tunnel.secure, false);
  assert.equal(await readText(tunnel, FFMPEG_TUNNEL_OPTIONS.length), FFMPEG_TUNNEL_OPTIONS);
  assert.equal(await p.readUntil("\r\n\r\n"), TUNNEL_200);
  // Answers go raw (not base64) on the GET connection.
  await tunnel.write(enc.encode("RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n"));
  assert.equal(await g.readUntil("\r\n\r\n"), "RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n");
  // The POST connection is the only POST: the POST's own acceptCarrier call resolved undefined.
  await settledCount(server, 2);
  assert.deepEqual(server.settled.filter((s) => s === undefined).length, 1);
});

Deno.test("http tunnel: an HTTP/1.0 GET (GStreamer) is answered in HTTP/1.0", async () => {
  await using server = new CarrierServer({ pairTimeoutMs: 200 });
  const g = await server.connect();
  await g.send(GST_TUNNEL_GET);
  assert.equal(await g.readUntil("\r\n\r\n"), TUNNEL_200.replace("HTTP/1.1", "HTTP/1.0"));
});

Deno.test("http tunnel: a POST before its GET waits and pairs (MediaMTX would refuse it)", async () => {
  await using server = new CarrierServer();
  const p = await server.connect();
  await p.send(post("early") + b64("OPTIONS * RTSP/1.0\r\n\r\n"));
  await waitFor(() => server.registry.size === 1, { timeoutMs: 5000, message: "POST registered" });
  const g = await server.connect();
  await g.send(get("early"));
  const tunnel = await server.next();
  assert.equal(await readText(tunnel, 22), "OPTIONS * RTSP/1.0\r\n\r\n");
  assert.equal(await g.readUntil("\r\n\r\n"), TUNNEL_200);
  assert.equal(await p.readUntil("\r\n\r\n"), TUNNEL_200);
  assert.equal(server.registry.size, 0);
});

Deno.test("http tunnel: a GET without POST times out and is closed", async () => {
  await using server = new CarrierServer({ pairTimeoutMs: 300 });
  const g = await server.connect();
  await g.send(get("lonely"));
  assert.equal(await g.readUntil("\r\n\r\n"), TUNNEL_200);
  assert.equal(await g.readToEnd(), "", "closed without another byte");
  await settledCount(server, 1);
  assert.deepEqual(server.settled, [undefined]);
  assert.equal(server.registry.size, 0);
  assert.match(server.rejects.join("\n"), /GET got no POST/);
});

Deno.test("http tunnel: a POST without GET is refused with 400 after the pairing timeout", async () => {
  await using server = new CarrierServer({ pairTimeoutMs: 300 });
  const p = await server.connect();
  await p.send(post("nobody"));
  assert.match(await p.readToEnd(), /^HTTP\/1\.1 400 Bad Request\r\n/);
  assert.match(server.rejects.join("\n"), /POST got no GET/);
  assert.equal(server.registry.size, 0);
});

Deno.test("http tunnel: mismatched cookies never pair", async () => {
  await using server = new CarrierServer({ pairTimeoutMs: 300 });
  const g = await server.connect();
  await g.send(get("cookieA"));
  await g.readUntil("\r\n\r\n");
  const p = await server.connect();
  await p.send(post("cookieB"));
  assert.equal(await g.readToEnd(), "");
  assert.match(await p.readToEnd(), /^HTTP\/1\.1 400/);
  await settledCount(server, 2);
  assert.deepEqual(server.settled, [undefined, undefined]);
});

Deno.test("http tunnel: a POST from another address (127.0.0.2) never joins the GET", async () => {
  await using server = new CarrierServer({ pairTimeoutMs: 300 });
  const g = await server.connect();
  await g.send(get("shared"));
  await g.readUntil("\r\n\r\n");
  await using intruder = await BoundClient.connect(server.port, "127.0.0.2");
  await intruder.send(post("shared") + b64("TEARDOWN * RTSP/1.0\r\n\r\n"));
  assert.match(await intruder.received(), /^HTTP\/1\.1 400/);
  assert.equal(await g.readToEnd(), "");
  await settledCount(server, 2);
  assert.deepEqual(server.settled, [undefined, undefined]);
});

Deno.test("http tunnel: a second GET with a waiting cookie is refused, the first still pairs", async () => {
  await using server = new CarrierServer();
  const g1 = await server.connect();
  await g1.send(get("dup"));
  await g1.readUntil("\r\n\r\n");
  const g2 = await server.connect();
  await g2.send(get("dup"));
  assert.match(await g2.readToEnd(), /^HTTP\/1\.1 400/);
  const p = await server.connect();
  await p.send(post("dup") + b64("ok"));
  assert.equal(await readText(await server.next(), 2), "ok");
});

async function openTunnel(
  server: CarrierServer,
): Promise<{ g: RawClient; p: RawClient; tunnel: HttpTunnelStream }> {
  const g = await server.connect();
  await g.send(get("c1"));
  await g.readUntil("\r\n\r\n");
  const p = await server.connect();
  await p.send(post("c1"));
  const tunnel = await server.next();
  assert.ok(tunnel instanceof HttpTunnelStream);
  await p.readUntil("\r\n\r\n");
  return { g, p, tunnel };
}

Deno.test("http tunnel: a base64 body split at every offset arrives intact", async () => {
  await using server = new CarrierServer();
  const { p, tunnel } = await openTunnel(server);
  const writes = [
    "OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n",
    "$\x00\x00\x03abc",
    "D",
    "ESCRIBE rtsp://h/a RTSP/1.0\r\n\r\n",
  ];
  const body = writes.map(b64).join("");
  const message = writes.join("");
  for (let k = 0; k <= body.length; k++) {
    await p.send(body.slice(0, k));
    await p.send(body.slice(k));
    assert.equal(await readText(tunnel, message.length), message, `split at ${k}`);
  }
});

Deno.test("http tunnel: closing the GET connection closes the tunnel", async () => {
  await using server = new CarrierServer();
  const { g, p, tunnel } = await openTunnel(server);
  g.close();
  assert.equal(await tunnel.read(new Uint8Array(10)), null);
  await tunnel.closed;
  assert.equal(await p.readToEnd(), "", "the POST connection was closed too");
  await assert.rejects(() => tunnel.write(enc.encode("x")));
});

Deno.test("http tunnel: closing the POST connection closes the tunnel", async () => {
  await using server = new CarrierServer();
  const { g, p, tunnel } = await openTunnel(server);
  p.close();
  assert.equal(await tunnel.read(new Uint8Array(10)), null);
  assert.equal(await g.readToEnd(), "", "the GET connection was closed too");
  assert.match(tunnel.closeReason ?? "", /peer closed/);
});

Deno.test("http tunnel: garbage in the POST body closes the tunnel", async () => {
  await using server = new CarrierServer();
  const { g, p, tunnel } = await openTunnel(server);
  await p.send(b64("OK"));
  assert.equal(await readText(tunnel, 2), "OK");
  await p.send("!!!!");
  assert.equal(await tunnel.read(new Uint8Array(10)), null);
  assert.match(tunnel.closeReason ?? "", /invalid tunnel body/);
  assert.equal(await g.readToEnd(), "");
});

/** A one-connection-at-a-time fake server that records requests and answers with `answer`. */
async function fakeServer(
  answer: (request: string, index: number) => string,
  count: number,
  fn: (port: number) => Promise<void>,
) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: DenoConnStream[] = [];
  const requests: RawClient[] = [];
  const loop = (async () => {
    for (let i = 0; i < count; i++) {
      const c = new DenoConnStream(await listener.accept());
      conns.push(c);
      const raw = new RawClient(c);
      requests.push(raw);
      const head = await raw.readUntil("\r\n\r\n");
      const reply = answer(head, i);
      if (reply !== "") await raw.send(reply);
    }
  })();
  try {
    await fn((listener.addr as Deno.NetAddr).port);
    await loop;
  } finally {
    listener.close();
    conns.forEach((c) => c.close());
  }
  return requests;
}

Deno.test("http tunnel client: GET first, then POST; each write base64-encoded on its own", async () => {
  const heads: string[] = [];
  let tunnel: HttpTunnelStream | undefined;
  const requests = await fakeServer(
    (head, i) => {
      heads.push(head);
      return i === 0 ? TUNNEL_200 + "RTSP/1.0 200 OK\r\n" : "";
    },
    2,
    async (port) => {
      tunnel = await dialHttpTunnel(async () => {
        const c = await Deno.connect({ hostname: "127.0.0.1", port });
        return new DenoConnStream(c);
      }, { host: "127.0.0.1", port, path: "/cam", query: "x=1" });
      await tunnel.write(enc.encode("abc"));
      await tunnel.write(enc.encode("de"));
    },
  );
  const posted = requests[1];
  try {
    assert.match(heads[0], /^GET \/cam\?x=1 HTTP\/1\.1\r\n/);
    const cookie = /X-Sessioncookie: ([0-9a-f]{32})\r\n/.exec(heads[0])?.[1];
    assert.ok(cookie, heads[0]);
    assert.match(heads[0], /\r\nAccept: application\/x-rtsp-tunnelled\r\n/);
    assert.match(heads[0], /\r\nContent-Length: 30000\r\n/);
    assert.match(heads[0], /\r\nHost: 127\.0\.0\.1:\d+\r\n/);
    assert.match(heads[1], /^POST \/cam\?x=1 HTTP\/1\.1\r\n/);
    assert.ok(heads[1].includes(`X-Sessioncookie: ${cookie}\r\n`));
    assert.match(heads[1], /\r\nContent-Type: application\/x-rtsp-tunnelled\r\n/);
    assert.match(heads[1], /\r\nContent-Length: 30000\r\n/);
    // Bytes that followed the GET's 200 are the first tunnel bytes.
    assert.equal(await readText(tunnel!, 17), "RTSP/1.0 200 OK\r\n");
    assert.equal(dec.decode(await posted.readBytes(8)), "YWJjZGU=");
  } finally {
    tunnel?.close();
    await tunnel?.closed;
  }
});

Deno.test("http tunnel client: a refused GET rejects and closes the connection", async () => {
  let opened: ByteStream | undefined;
  await fakeServer(() => "HTTP/1.1 404 Not Found\r\n\r\n", 1, async (port) => {
    await assert.rejects(
      () =>
        dialHttpTunnel(async () => {
          opened = new DenoConnStream(await Deno.connect({ hostname: "127.0.0.1", port }));
          return opened;
        }, { host: "127.0.0.1", port }),
      /GET answered 404/,
    );
  });
  await assert.rejects(() => opened!.write(enc.encode("x")), "the GET connection was closed");
});
