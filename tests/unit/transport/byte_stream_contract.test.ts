/**
 * Runs the ByteStream contract against every carrier, each over real loopback sockets: the
 * carrier under test is the server end that `acceptCarrier` returned, its peer the matching
 * client (plain socket, HTTP tunnel dialer, WebSocket tunnel dialer).
 */
import assert from "node:assert/strict";
import { type ByteStream, DenoConnStream } from "../../../src/transport/byte_stream.ts";
import { dialHttpTunnel } from "../../../src/transport/http_tunnel.ts";
import { dialWebSocketTunnel } from "../../../src/transport/websocket_stream.ts";
import { dialTls } from "../../../src/transport/tls_dial.ts";
import { makeTestCert } from "../../_helpers/certs.ts";
import { byteStreamContract, type PairFactory, type StreamPair } from "./_contract.ts";
import { CarrierServer } from "./_loopback.ts";

/** One throw-away certificate for the TLS variants, its temp files removed at once. */
let certPromise: Promise<{ cert: string; key: string }> | undefined;
function testCert(): Promise<{ cert: string; key: string }> {
  certPromise ??= (async () => {
    const c = await makeTestCert();
    const key = await Deno.readTextFile(c.keyFile);
    await Deno.remove(c.dir, { recursive: true });
    return { cert: c.certPem, key };
  })();
  return certPromise;
}

function pairOf(server: CarrierServer, a: ByteStream, b: ByteStream, abortB: () => void): StreamPair {
  server.track(b);
  return { a, b, abortB, [Symbol.asyncDispose]: () => server[Symbol.asyncDispose]() };
}

const plainTcp: PairFactory = {
  name: "tcp (DenoConnStream, the reference)",
  kind: "tcp",
  secure: false,
  open: async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    const [server, client] = await Promise.all([
      listener.accept(),
      Deno.connect({ hostname: "127.0.0.1", port }),
    ]);
    listener.close();
    const a = new DenoConnStream(server);
    const b = new DenoConnStream(client);
    return {
      a,
      b,
      abortB: () => b.close(),
      [Symbol.asyncDispose]: () => {
        a.close();
        b.close();
        return Promise.resolve();
      },
    };
  },
};

/** SHA-256 of a PEM certificate's DER bytes, in hex. */
async function fingerprintOf(pem: string): Promise<string> {
  const b64 = pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  const der = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", der));
  return Array.from(digest, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** The client side of a TLS connection pinned by fingerprint (node:tls, used by sourceFingerprint). */
const pinnedTls: PairFactory = {
  name: "tls pinned by fingerprint (client side, node:tls)",
  kind: "tls",
  secure: true,
  open: async () => {
    const { cert, key } = await testCert();
    const listener = Deno.listenTls({ hostname: "127.0.0.1", port: 0, cert, key });
    const port = (listener.addr as Deno.NetAddr).port;
    const [server, client] = await Promise.all([
      listener.accept().then(async (c) => {
        await c.handshake(); // Deno's server side shakes hands on first use: the client waits for it
        return c;
      }),
      dialTls({ hostname: "127.0.0.1", port, fingerprint: await fingerprintOf(cert) }),
    ]);
    listener.close();
    const b = new DenoConnStream(server, "tls");
    return {
      a: client,
      b,
      abortB: () => b.close(),
      [Symbol.asyncDispose]: () => {
        client.close();
        b.close();
        return Promise.resolve();
      },
    };
  },
};

/** The sniffer's replaying stream: the first bytes were consumed by the sniffer and come back. */
const prefixed: PairFactory = {
  name: "prefixed (sniffed plain RTSP)",
  kind: "tcp",
  secure: false,
  open: async () => {
    const server = new CarrierServer();
    const client = await server.connect();
    const hello = "OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n";
    await client.send(hello);
    const a = await server.next();
    const replay = new Uint8Array(hello.length);
    let got = 0;
    while (got < replay.length) got += (await a.read(replay.subarray(got))) ?? Number.NaN;
    assert.equal(new TextDecoder().decode(replay), hello);
    return pairOf(server, a, client.stream, () => client.close());
  },
};

function httpTunnel(secure: boolean): PairFactory {
  return {
    name: secure ? "HTTPS tunnel" : "HTTP tunnel",
    kind: "http",
    secure,
    open: async () => {
      const tls = secure ? await testCert() : undefined;
      const server = new CarrierServer({ tls });
      const raws: ByteStream[] = [];
      const b = await dialHttpTunnel(async () => {
        const c = await server.connect({ caCert: tls?.cert });
        raws.push(c.stream);
        return c.stream;
      }, { host: "127.0.0.1", port: server.port, path: "/test", query: "a=1" });
      const a = await server.next();
      return pairOf(server, a, b, () => raws.forEach((r) => r.close()));
    },
  };
}

function webSocketTunnel(secure: boolean): PairFactory {
  return {
    name: secure ? "WebSocket tunnel over TLS" : "WebSocket tunnel",
    kind: "websocket",
    secure,
    open: async () => {
      const tls = secure ? await testCert() : undefined;
      const server = new CarrierServer({ tls });
      const raw = await server.connect({ caCert: tls?.cert });
      const b = await dialWebSocketTunnel(raw.stream, { host: "127.0.0.1", port: server.port });
      const a = await server.next();
      return pairOf(server, a, b, () => raw.close());
    },
  };
}

for (
  const f of [
    plainTcp,
    pinnedTls,
    prefixed,
    httpTunnel(false),
    httpTunnel(true),
    webSocketTunnel(false),
    webSocketTunnel(true),
  ]
) {
  byteStreamContract(f);
}
