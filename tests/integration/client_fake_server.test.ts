/**
 * RtspClient against a scripted fake server on loopback, for behaviours our server never shows:
 * server-sent requests, unknown interleaved channels, out-of-order responses, Digest challenges,
 * OPTIONS keepalives, silent UDP (automatic switch to TCP) and response timeouts.
 */
import assert from "node:assert/strict";
import { RtspClient } from "../../src/client/mod.ts";
import { digestResponse } from "../../src/client/digest.ts";
import { formatInterleaved, formatRequest, formatResponse, newResponse } from "../../src/wire/rtsp/format.ts";
import { RtspFramer } from "../../src/wire/rtsp/framer.ts";
import type { RtspRequest, RtspResponse } from "../../src/wire/rtsp/message.ts";
import { RtspHeaders } from "../../src/wire/rtsp/headers.ts";
import { parseAuthorization } from "../../src/wire/rtsp/headers/authorization.ts";
import { parseTransport } from "../../src/wire/rtsp/headers/transport.ts";
import { waitFor } from "../_helpers/wait.ts";

const SDP = [
  "v=0",
  "o=- 0 0 IN IP4 127.0.0.1",
  "s=fake",
  "t=0 0",
  "m=video 0 RTP/AVP 96",
  "a=rtpmap:96 H264/90000",
  "a=control:trackID=0",
  "m=audio 0 RTP/AVP 0",
  "a=control:trackID=1",
  "",
].join("\r\n");

/** The fake server's view of one client connection. */
interface FakeConn {
  requests: RtspRequest[];
  /** Writes raw bytes (responses, requests, interleaved frames). */
  write(bytes: Uint8Array): Promise<void>;
  /** Writes a response to `req` with its CSeq. */
  respond(req: RtspRequest, status: number, headers?: Record<string, string>, body?: string): Promise<void>;
  /** Responses the client sent (to server requests). */
  responses: RtspResponse[];
  /** Hangs up. */
  close(): void;
}

/** Handles a request; returning without responding leaves the client waiting. */
type Script = (req: RtspRequest, conn: FakeConn) => Promise<void> | void;

/** A one-connection RTSP server driven by `script`; `await using` closes everything. */
function fakeServer(script: Script) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  let conn: FakeConn | undefined;
  let tcp: Deno.TcpConn | undefined;
  const serving = (async () => {
    try {
      tcp = await listener.accept();
    } catch {
      return; // closed before any client came
    }
    const socket = tcp;
    const framer = new RtspFramer();
    const c: FakeConn = {
      requests: [],
      responses: [],
      async write(bytes) {
        for (let off = 0; off < bytes.length;) off += await socket.write(bytes.subarray(off));
      },
      respond(req, status, headers = {}, body = "") {
        const res = newResponse(status, { CSeq: req.headers.get("CSeq") ?? "0", ...headers });
        res.body = new TextEncoder().encode(body);
        return c.write(formatResponse(res));
      },
      close() {
        try {
          socket.close();
        } catch {
          // already closed
        }
      },
    };
    conn = c;
    const buf = new Uint8Array(65536);
    try {
      for (;;) {
        const n = await socket.read(buf);
        if (n === null) break;
        framer.push(buf.subarray(0, n));
        for (let f = framer.next(); f !== undefined; f = framer.next()) {
          if (f.kind === "request") {
            c.requests.push(f.request);
            await script(f.request, c);
          } else if (f.kind === "response") c.responses.push(f.response);
        }
      }
    } catch {
      // the client went away
    }
  })();
  return {
    port,
    url: (path: string) => `rtsp://127.0.0.1:${port}/${path}`,
    get conn() {
      return conn;
    },
    methods: () => conn?.requests.map((r) => r.method) ?? [],
    async [Symbol.asyncDispose]() {
      listener.close();
      try {
        tcp?.close();
      } catch {
        // already closed
      }
      await serving;
    },
  };
}

/** Answers DESCRIBE with SDP and SETUP/PLAY/TEARDOWN/OPTIONS with 200 (TCP transport echoed). */
function basicPlayback(extra?: (req: RtspRequest, c: FakeConn) => Promise<boolean> | boolean): Script {
  return async (req, c) => {
    if (extra !== undefined && await extra(req, c)) return;
    switch (req.method) {
      case "DESCRIBE":
        return c.respond(req, 200, { "Content-Type": "application/sdp", "Content-Base": `${req.url}/` }, SDP);
      case "SETUP":
        return c.respond(req, 200, {
          Session: "12345678;timeout=60",
          Transport: req.headers.get("Transport")!,
        });
      default:
        return c.respond(req, 200, { Session: "12345678" });
    }
  };
}

Deno.test("fake server: server-sent OPTIONS is answered 200; unknown channels are ignored", async () => {
  await using srv = fakeServer(basicPlayback(async (req, c) => {
    if (req.method !== "PLAY") return false;
    await c.respond(req, 200, { Session: "12345678" });
    // A request from the server (RFC 2326 §10.1), then frames on a known and an unknown channel.
    const ping = formatRequest({
      method: "OPTIONS",
      url: "*",
      version: "RTSP/1.0",
      headers: new RtspHeaders({ CSeq: "77" }),
      body: new Uint8Array(0),
    });
    await c.write(ping);
    await c.write(formatInterleaved(9, Uint8Array.of(9, 9)));
    await c.write(formatInterleaved(0, Uint8Array.of(0x80, 96, 0, 1)));
    await c.write(formatInterleaved(3, Uint8Array.of(0x80, 201, 0, 1)));
    return true;
  }));
  await using client = await RtspClient.connect(srv.url("s"), { transport: "tcp" });
  const got: string[] = [];
  client.onRtp = (m, p) => got.push(`rtp ${m} ${p.length}`);
  client.onRtcp = (m, p) => got.push(`rtcp ${m} ${p.length}`);
  await client.describe();
  await client.play();
  await waitFor(() => got.length === 2 && srv.conn!.responses.length === 1, {
    timeoutMs: 3000,
    message: "frames",
  });
  assert.deepEqual(got, ["rtp 0 4", "rtcp 1 4"]);
  const answer = srv.conn!.responses[0];
  assert.equal(answer.statusCode, 200);
  assert.equal(answer.headers.get("CSeq"), "77");
  assert.deepEqual(srv.methods(), ["DESCRIBE", "SETUP", "SETUP", "PLAY"]);
  const setup = srv.conn!.requests[1];
  assert.equal(setup.url, `${srv.url("s")}/trackID=0`);
  assert.equal(setup.headers.get("Transport"), "RTP/AVP/TCP;unicast;interleaved=0-1");
  assert.equal(srv.conn!.requests[3].headers.get("Range"), "npt=0.000-");
  assert.equal(srv.conn!.requests[3].headers.get("Session"), "12345678");
  assert.equal(srv.conn!.requests[3].headers.get("User-Agent"), "deno-rtsp-server");
});

Deno.test("fake server: responses are matched by CSeq, not by order", async () => {
  const held: RtspRequest[] = [];
  await using srv = fakeServer(async (req, c) => {
    held.push(req);
    if (held.length < 2) return;
    // Answer the second request first.
    await c.respond(held[1], 200, { "X-Which": "second" });
    await c.respond(held[0], 200, { "X-Which": "first" });
  });
  await using client = await RtspClient.connect(srv.url("s"));
  const [a, b] = await Promise.all([client.request("OPTIONS"), client.request("GET_PARAMETER")]);
  assert.equal(a.headers.get("X-Which"), "first");
  assert.equal(b.headers.get("X-Which"), "second");
  assert.deepEqual(held.map((r) => r.headers.get("CSeq")), ["1", "2"]);
});

Deno.test("fake server: 401 Digest challenge is answered once with the URL credentials, then reused", async () => {
  const nonce = "0123456789abcdef0123456789abcdef";
  await using srv = fakeServer((req, c) => {
    const auth = req.headers.get("Authorization");
    if (auth === undefined) {
      return c.respond(req, 401, {
        "WWW-Authenticate": `Digest realm="ipcam", nonce="${nonce}", algorithm="MD5"`,
      });
    }
    const a = parseAuthorization(auth);
    const ok = a.method === "Digest" && a.params["response"] === digestResponse({
          algorithm: "MD5",
          user: "user",
          password: "p@ss",
          realm: "ipcam",
          nonce,
          method: req.method,
          uri: a.params["uri"],
        }) &&
      a.params["uri"] === req.url;
    if (!ok) return c.respond(req, 401, {});
    if (req.method === "DESCRIBE") return c.respond(req, 200, { "Content-Type": "application/sdp" }, SDP);
    return c.respond(req, 200, { Public: "DESCRIBE, SETUP, PLAY" });
  });
  await using client = await RtspClient.connect(`rtsp://user:p%40ss@127.0.0.1:${srv.port}/cam`);
  const { sdp } = await client.describe();
  assert.equal(sdp.medias.length, 2);
  assert.equal((await client.options()).statusCode, 200);
  const reqs = srv.conn!.requests;
  assert.deepEqual(reqs.map((r) => `${r.method} ${r.headers.has("Authorization")}`), [
    "DESCRIBE false",
    "DESCRIBE true",
    "OPTIONS true",
  ]);
  assert.equal(reqs[1].url, `rtsp://127.0.0.1:${srv.port}/cam`, "no credentials on the request line");
});

Deno.test("fake server: wrong credentials give the 401 back after one retry", async () => {
  await using srv = fakeServer((req, c) => c.respond(req, 401, { "WWW-Authenticate": 'Basic realm="x"' }));
  await using client = await RtspClient.connect(`rtsp://user:bad@127.0.0.1:${srv.port}/cam`);
  const res = await client.request("DESCRIBE");
  assert.equal(res.statusCode, 401);
  assert.equal(srv.methods().length, 2);
  await assert.rejects(client.describe(), /DESCRIBE failed: 401/);
});

Deno.test("fake server: keepalive is OPTIONS when Public lacks GET_PARAMETER, every timeout − 5 s", async () => {
  await using srv = fakeServer(basicPlayback((req, c) => {
    if (req.method === "OPTIONS") {
      void c.respond(req, 200, { Public: "DESCRIBE, SETUP, PLAY, TEARDOWN" });
      return true;
    }
    if (req.method === "SETUP") {
      void c.respond(req, 200, { Session: "abc;timeout=6", Transport: req.headers.get("Transport")! });
      return true;
    }
    if (req.method === "PLAY") {
      // No media at all: keepalive answers alone keep the TCP liveness check happy (gortsplib's client).
      void c.respond(req, 200, { Session: "abc" });
      return true;
    }
    return false;
  }));
  await using client = await RtspClient.connect(srv.url("s"), { transport: "tcp", timeoutMs: 5000 });
  await client.options();
  await client.describe();
  await client.play();
  await waitFor(() => srv.methods().filter((m) => m === "OPTIONS").length >= 3, {
    timeoutMs: 4000,
    message: "keepalives",
  });
  const keepalive = srv.conn!.requests.filter((r) => r.method === "OPTIONS").at(-1)!;
  assert.equal(keepalive.headers.get("Session"), "abc");
  assert.equal(keepalive.url, `${srv.url("s")}/`, "sent to the base URL");
  await client.teardown();
  assert.equal(srv.methods().at(-1), "TEARDOWN");
});

Deno.test("fake server: automatic transport switches to TCP when no UDP packet arrives within 3 s", async () => {
  await using srv = fakeServer(basicPlayback(async (req, c) => {
    if (req.method === "SETUP") {
      const t = parseTransport(req.headers.get("Transport")!);
      // Over UDP, promise packets from ports that will never send anything.
      const answer = t.lower === "UDP" ? `${t.raw};server_port=9-10` : t.raw;
      await c.respond(req, 200, { Session: "s1;timeout=60", Transport: answer });
      return true;
    }
    if (req.method === "PLAY") {
      await c.respond(req, 200, { Session: "s1" });
      if (c.requests.filter((r) => r.method === "SETUP").at(-1)!.headers.get("Transport")!.includes("TCP")) {
        await c.write(formatInterleaved(0, Uint8Array.of(0x80, 96, 0, 7)));
      }
      return true;
    }
    return false;
  }));
  await using client = await RtspClient.connect(srv.url("s"), { transport: "automatic" });
  const got: number[] = [];
  client.onRtp = (_m, p) => got.push(p[3]);
  await client.describe();
  await client.play();
  assert.equal(client.transport, "udp");
  await waitFor(() => got.length > 0, { timeoutMs: 6000, message: "no packet after the switch" });
  assert.equal(client.transport, "tcp");
  assert.deepEqual(got, [7]);
  assert.deepEqual(srv.methods(), [
    "DESCRIBE",
    "SETUP",
    "SETUP",
    "PLAY",
    "TEARDOWN",
    "SETUP",
    "SETUP",
    "PLAY",
  ]);
});

Deno.test("fake server: a request without answer rejects after timeoutMs, then the client closes cleanly", async () => {
  await using srv = fakeServer(() => {});
  const client = await RtspClient.connect(srv.url("s"), { timeoutMs: 200 });
  await assert.rejects(client.request("OPTIONS"), /timed out after 200 ms/);
  await client.close();
  assert.equal(await client.closed, undefined);
});

Deno.test("fake server: a server that hangs up fails the pending request and resolves closed with an error", async () => {
  await using srv = fakeServer((_req, c) => c.close());
  const client = await RtspClient.connect(srv.url("s"));
  await assert.rejects(client.describe(), /closed/);
  const error = await client.closed;
  assert.ok(error instanceof Error);
  assert.match(error.message, /closed by the server/);
  await client.close();
});

Deno.test("fake server: DESCRIBE follows a 302 to another server, with a new connection", async () => {
  await using target = fakeServer(basicPlayback());
  await using origin = fakeServer((req, c) => c.respond(req, 302, { Location: target.url("moved") }));
  await using client = await RtspClient.connect(origin.url("old"), { transport: "tcp" });
  const { baseUrl } = await client.describe();
  assert.equal(baseUrl, `${target.url("moved")}/`);
  await client.play();
  assert.deepEqual(origin.methods(), ["DESCRIBE"]);
  assert.deepEqual(target.methods(), ["DESCRIBE", "SETUP", "SETUP", "PLAY"]);
});
