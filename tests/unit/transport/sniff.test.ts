import assert from "node:assert/strict";
import { PrefixedStream } from "../../../src/transport/prefixed_stream.ts";
import { type ByteStream, DenoConnStream } from "../../../src/transport/byte_stream.ts";
import { waitFor } from "../../_helpers/wait.ts";
import { CarrierSniffer } from "../../../src/transport/sniff.ts";
import { CarrierServer, RawClient } from "./_loopback.ts";

const dec = new TextDecoder();

async function readText(s: ByteStream, n: number): Promise<string> {
  const buf = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const r = await s.read(buf.subarray(got));
    if (r === null) break;
    got += r;
  }
  return dec.decode(buf.subarray(0, got));
}

const PLAIN: { name: string; chunks: string[] }[] = [
  { name: "OPTIONS in one segment", chunks: ["OPTIONS rtsp://127.0.0.1/a RTSP/1.0\r\nCSeq: 1\r\n\r\n"] },
  {
    name: "GET_PARAMETER (no space after GET)",
    chunks: ["GET_PARAMETER rtsp://127.0.0.1/a RTSP/1.0\r\nCSeq: 2\r\n\r\n"],
  },
  { name: "an interleaved frame first", chunks: ["$\x00\x00\x04abcd"] },
  {
    name: "the first four bytes in four segments",
    chunks: ["D", "E", "S", "CRIBE rtsp://h/a RTSP/1.0\r\n\r\n"],
  },
  { name: "'POS' followed by something else", chunks: ["POS", "X"] },
];

for (const c of PLAIN) {
  Deno.test(`sniff: ${c.name} is plain RTSP, replayed byte for byte`, async () => {
    await using server = new CarrierServer();
    const client = await server.connect();
    for (const chunk of c.chunks) await client.send(chunk);
    const carrier = await server.next();
    assert.ok(carrier instanceof PrefixedStream);
    assert.equal(carrier.kind, "tcp");
    const all = c.chunks.join("");
    assert.equal(await readText(carrier, all.length), all);
    // And the rest of the connection follows.
    await client.send("more");
    assert.equal(await readText(carrier, 4), "more");
  });
}

const REFUSED: { name: string; raw: string; reason: RegExp }[] = [
  { name: "a plain HTTP GET", raw: "GET / HTTP/1.1\r\nHost: x\r\n\r\n", reason: /not a tunnel/ },
  {
    name: "a POST of another type",
    raw: "POST /a HTTP/1.1\r\nContent-Type: text/plain\r\nx-sessioncookie: a\r\n\r\n",
    reason: /not a tunnel/,
  },
  {
    name: "a tunnel GET without cookie",
    raw: "GET /a HTTP/1.1\r\nAccept: application/x-rtsp-tunnelled\r\n\r\n",
    reason: /not a tunnel/,
  },
  {
    name: "a tunnel POST with an empty cookie",
    raw: "POST /a HTTP/1.1\r\nContent-Type: application/x-rtsp-tunnelled\r\nx-sessioncookie:\r\n\r\n",
    reason: /not a tunnel/,
  },
  { name: "a malformed request line", raw: "GET /a b c\r\n\r\n", reason: /invalid HTTP request/ },
  {
    name: "a head over 16 KiB",
    raw: `GET / HTTP/1.1\r\nA: ${"x".repeat(17_000)}\r\n\r\n`,
    reason: /longer than/,
  },
];

for (const c of REFUSED) {
  Deno.test(`sniff: ${c.name} gets 400 and is closed`, async () => {
    await using server = new CarrierServer();
    const client = await server.connect();
    await client.send(c.raw);
    const answer = await client.readToEnd();
    assert.match(answer, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.match(answer, /\r\nConnection: close\r\n/);
    await waitFor(() => server.settled.length === 1, { timeoutMs: 5000, message: "acceptCarrier settles" });
    assert.equal(server.settled[0], undefined);
    assert.match(server.rejects.join("\n"), c.reason);
  });
}

Deno.test("sniff: a silent connection is closed after the sniff timeout", async () => {
  await using server = new CarrierServer({ sniffTimeoutMs: 200 });
  const client = await server.connect();
  const t0 = performance.now();
  assert.equal(await client.readToEnd(), "");
  assert.ok(performance.now() - t0 >= 150, "closed too early");
  await waitFor(() => server.settled.length === 1, { timeoutMs: 5000, message: "acceptCarrier settles" });
  assert.match(server.rejects[0], /no first bytes/);
});

Deno.test("sniff: an HTTP head that never ends is closed at the same deadline", async () => {
  await using server = new CarrierServer({ sniffTimeoutMs: 300 });
  const client = await server.connect();
  await client.send("GET / HTTP/1.1\r\nHost: x\r\n");
  assert.equal(await client.readToEnd(), "");
  await waitFor(() => server.settled.length === 1, { timeoutMs: 5000, message: "acceptCarrier settles" });
  assert.match(server.rejects[0], /no HTTP head/);
});

Deno.test("sniff: a connection that ends after two bytes is dropped", async () => {
  await using server = new CarrierServer();
  const client = await server.connect();
  await client.send("OP");
  client.close();
  await waitFor(() => server.settled.length === 1, { timeoutMs: 5000, message: "acceptCarrier settles" });
  assert.equal(server.settled[0], undefined);
});

Deno.test("prefixed stream: replays across small reads, then reads the inner stream", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const [srv, cli] = await Promise.all([listener.accept(), Deno.connect({ hostname: "127.0.0.1", port })]);
  listener.close();
  const inner = new DenoConnStream(srv);
  const client = new DenoConnStream(cli);
  try {
    const s = new PrefixedStream(inner, new TextEncoder().encode("abcde"));
    const two = new Uint8Array(2);
    assert.equal(await s.read(two), 2);
    assert.equal(dec.decode(two), "ab");
    assert.equal(await s.read(new Uint8Array(0)), 0, "an empty buffer reads nothing");
    assert.equal(await readText(s, 3), "cde");
    await client.write(new TextEncoder().encode("fg"));
    assert.equal(await readText(s, 2), "fg");
    s.close();
    assert.equal(await s.read(two), null);
  } finally {
    inner.close();
    client.close();
  }
});

Deno.test("carrier sniffer: hands carriers over; close() ends undecided connections at once", async () => {
  const carriers: ByteStream[] = [];
  const sniffer = new CarrierSniffer({ onCarrier: (s) => carriers.push(s) });
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const clients: RawClient[] = [];
  const connect = async () => {
    const c = new RawClient(new DenoConnStream(await Deno.connect({ hostname: "127.0.0.1", port })));
    clients.push(c);
    sniffer.accept(new DenoConnStream(await listener.accept()));
    return c;
  };
  try {
    const rtsp = await connect();
    await rtsp.send("OPTIONS * RTSP/1.0\r\n\r\n");
    await waitFor(() => carriers.length === 1, { timeoutMs: 5000, message: "plain carrier handed over" });
    assert.equal(carriers[0].kind, "tcp");

    const silent = await connect();
    const lonelyGet = await connect();
    await lonelyGet.send(
      "GET /a HTTP/1.1\r\nx-sessioncookie: z\r\nAccept: application/x-rtsp-tunnelled\r\n\r\n",
    );
    await lonelyGet.readUntil("\r\n\r\n");
    await waitFor(() => sniffer.pending === 2, { timeoutMs: 5000, message: "two undecided connections" });

    const t0 = performance.now();
    await sniffer.close();
    assert.equal(await silent.readToEnd(1000), "");
    assert.equal(await lonelyGet.readToEnd(1000), "");
    assert.ok(performance.now() - t0 < 1000, "no waiting for the sniff or pairing timeouts");
    assert.equal(sniffer.pending, 0);

    // After close, new connections are refused outright.
    const late = await connect();
    assert.equal(await late.readToEnd(1000), "");
  } finally {
    await sniffer.close();
    for (const c of carriers) c.close();
    for (const c of clients) c.close();
    listener.close();
  }
});
