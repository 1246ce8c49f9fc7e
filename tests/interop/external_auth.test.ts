/**
 * authMethod http and jwt with real clients: an authorizer and a JWKS served by the test itself
 * (Deno.serve on loopback), ffmpeg/GStreamer/ffprobe reading with right and wrong credentials.
 */
import assert from "node:assert/strict";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import {
  clientsAvailable,
  ffmpegPublish,
  ffmpegRead,
  gstRead,
  interopIgnore,
  requireClients,
} from "../_helpers/clients.ts";
import { formatReport } from "../_helpers/frame_report.ts";
import { allocatePorts } from "../_helpers/ports.ts";
import { spawnProcess } from "../_helpers/process.ts";
import { publishingSession } from "../_helpers/server_logs.ts";
import { startServerWithPorts } from "../_helpers/server_process.ts";

const available = await clientsAvailable();
const ignore = interopIgnore(available, ["ffmpeg", "gst"]);

/** One request body the authorizer received. */
interface AuthCall {
  ip: string;
  user: string;
  password: string;
  token: string;
  action: string;
  path: string;
  protocol: string;
  id: string | null;
  query: string;
}

/** A loopback HTTP server for the test, closed by `await using`. */
async function serveHttp(handler: (req: Request) => Response | Promise<Response>) {
  const [port] = await allocatePorts(1);
  const server = Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, handler);
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => server.shutdown(),
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

/** ffprobe of an RTSP URL over TCP: exit code and output. */
async function ffprobe(url: string): Promise<{ ok: boolean; output: string }> {
  await using p = spawnProcess("timeout", {
    args: ["-s", "KILL", "20", "ffprobe", "-v", "error", "-rtsp_transport", "tcp", "-show_streams", url],
  });
  const status = await p.wait(25_000);
  return { ok: status.code === 0 && /codec_name=h264/.test(p.output()), output: p.output() };
}

const USERS: Record<string, { password: string; action: string }> = {
  pub: { password: "pubpass", action: "publish" },
  viewer: { password: "viewpass", action: "read" },
};

Deno.test({
  name: "authMethod http: ffmpeg and GStreamer allowed or refused by the test's authorizer; payload fields",
  ignore,
  async fn() {
    requireClients(available, ["ffmpeg", "gst"]);
    const calls: AuthCall[] = [];
    await using authorizer = await serveHttp(async (req) => {
      const call = await req.json() as AuthCall;
      calls.push(call);
      const known = USERS[call.user];
      const ok = known !== undefined && known.password === call.password && known.action === call.action;
      return new Response(ok ? "" : "nope", { status: ok ? 200 : 401 });
    });
    await using server = await startServerWithPorts({
      extraConfig: `authMethod: http\nauthHTTPAddress: ${authorizer.url}/auth\n`,
    });
    const port = server.ports!.rtsp;
    await using _pub = await ffmpegPublish({
      url: `rtsp://pub:pubpass@127.0.0.1:${port}/cam`,
      transport: "tcp",
      media: "h264_aac",
    });
    await publishingSession(server, "cam");
    const [ff, gst, wrong] = await Promise.all([
      ffmpegRead({ url: `rtsp://viewer:viewpass@127.0.0.1:${port}/cam?a=1`, transport: "tcp", seconds: 3 }),
      gstRead({ url: `rtsp://viewer:viewpass@127.0.0.1:${port}/cam`, protocols: "tcp", seconds: 5 }),
      ffmpegRead({ url: `rtsp://viewer:wrong@127.0.0.1:${port}/cam`, transport: "tcp", seconds: 2 }),
    ]);
    for (const [name, r] of [["ffmpeg", ff], ["gst", gst]] as const) {
      assert.ok(r.frames >= 40, `${name}: ${formatReport(r)}\n${r.log}\n${server.describeLogs()}`);
    }
    assert.equal(wrong.frames, 0);
    assert.match(wrong.log, /401 Unauthorized/);
    const gstWrong = await gstRead({
      url: `rtsp://pub:pubpass@127.0.0.1:${port}/cam`,
      protocols: "tcp",
      seconds: 3,
    });
    assert.equal(gstWrong.frames, 0, "publish credentials must not read");

    // The first request of each client carried no credentials and was forwarded too.
    assert.ok(calls.some((c) => c.user === "" && c.password === "" && c.action === "read"), "anonymous call");
    const call = calls.find((c) => c.user === "viewer" && c.query === "a=1");
    assert.ok(call !== undefined, JSON.stringify(calls, null, 1));
    assert.deepEqual(Object.keys(call), [
      "ip",
      "user",
      "password",
      "token",
      "action",
      "path",
      "protocol",
      "id",
      "query",
      "userAgent",
    ]);
    assert.equal(call.ip, "127.0.0.1");
    assert.equal(call.password, "viewpass");
    assert.equal(call.token, "viewpass", "the Basic password doubles as the token");
    assert.equal(call.action, "read");
    assert.equal(call.path, "cam");
    assert.equal(call.protocol, "rtsp");
    assert.match(call.id ?? "", /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.ok(calls.some((c) => c.user === "pub" && c.action === "publish" && c.path === "cam"));

    // The authorizer goes away: requests are denied, with a log line.
    await authorizer.close();
    const down = await ffprobe(`rtsp://viewer:viewpass@127.0.0.1:${port}/cam`);
    assert.equal(down.ok, false, down.output);
    assert.match(down.output, /401/);
    assert.ok(server.logs.some((l) => /WAR .*HTTP request failed/.test(l)), server.describeLogs());
  },
});

Deno.test({
  name: "authMethod jwt: ffprobe with ?jwt= allowed; wrong signature, expired, wrong path denied",
  ignore: interopIgnore(available, ["ffmpeg"]),
  async fn() {
    requireClients(available, ["ffmpeg"]);
    const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
    const other = await generateKeyPair("RS256");
    const jwk = { ...await exportJWK(publicKey), kid: "k1", alg: "RS256", use: "sig" };
    let jwksFetches = 0;
    await using jwks = await serveHttp(() => {
      jwksFetches++;
      return Response.json({ keys: [jwk] });
    });
    await using server = await startServerWithPorts({
      extraConfig: [
        "authMethod: jwt",
        `authJWTJWKS: ${jwks.url}/jwks.json`,
        "authJWTIssuer: test-issuer",
        "authJWTExclude: [{action: publish}]",
      ].join("\n"),
    });
    const port = server.ports!.rtsp;
    await using _pub = await ffmpegPublish({
      url: `rtsp://127.0.0.1:${port}/cam`,
      transport: "tcp",
      media: "h264_aac",
    });
    await publishingSession(server, "cam");

    const sign = (opts: { key?: CryptoKey; path?: string; exp?: string | number; iss?: string }) =>
      new SignJWT({ mediamtx_permissions: [{ action: "read", path: opts.path ?? "cam" }] })
        .setProtectedHeader({ alg: "RS256", kid: "k1" })
        .setSubject("alice")
        .setIssuer(opts.iss ?? "test-issuer")
        .setIssuedAt()
        .setExpirationTime(opts.exp ?? "5m")
        .sign(opts.key ?? privateKey);
    const url = (query: string) => `rtsp://127.0.0.1:${port}/cam?${query}`;

    const good = await ffprobe(url(`jwt=${await sign({})}`));
    assert.ok(good.ok, `${good.output}\n${server.describeLogs()}`);
    const viaToken = await ffprobe(url(`token=${await sign({})}`));
    assert.ok(viaToken.ok, viaToken.output);
    // (The token as the password is covered by the unit tests: ffmpeg cuts URL credentials at 128 bytes.)

    const cases: [string, string][] = [
      ["wrong signature", await sign({ key: other.privateKey })],
      ["expired", await sign({ exp: Math.floor(Date.now() / 1000) - 60 })],
      ["wrong path", await sign({ path: "other" })],
      ["wrong issuer", await sign({ iss: "someone-else" })],
    ];
    for (const [name, token] of cases) {
      const r = await ffprobe(url(`jwt=${token}`));
      assert.equal(r.ok, false, `${name} must be denied:\n${r.output}`);
      assert.match(r.output, /401/, name);
    }
    const none = await ffprobe(url(""));
    assert.equal(none.ok, false, "no token");
    assert.equal(jwksFetches, 1, "the key set is fetched once and cached");
  },
});
