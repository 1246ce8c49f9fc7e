/** Authentication over real sockets: challenges, Basic, Digest, closing on wrong credentials. */
import assert from "node:assert/strict";
import { FFMPEG_ANNOUNCE_SDP, RawRtsp } from "./_raw_rtsp.ts";
import { startTestServer } from "./_server.ts";
import { digestResponse } from "../../src/auth/mod.ts";

const AUTH = `
authInternalUsers:
  - user: any
    permissions:
      - action: read
        path: open
  - user: pub
    pass: pubpass
    permissions:
      - action: publish
  - user: viewer
    pass: viewpass
    permissions:
      - action: read
rtspAuthMethods: [basic, digest]
`;

Deno.test("auth: 401 with Basic and Digest challenges, then Digest succeeds on the same connection", async () => {
  await using srv = await startTestServer(AUTH);
  await using c = await RawRtsp.connect(srv.ports.rtsp);
  const url = srv.url("cam");
  let res = await c.request("ANNOUNCE", url, { "Content-Type": "application/sdp" }, FFMPEG_ANNOUNCE_SDP);
  assert.equal(res.statusCode, 401);
  const challenges = res.headers.getAll("WWW-Authenticate");
  assert.equal(challenges[0], 'Basic realm="ipcam"');
  const nonce = /nonce="([0-9a-f]{32})"/.exec(challenges[1])![1];
  assert.match(challenges[1], /^Digest realm="ipcam", nonce="[0-9a-f]{32}", algorithm="MD5"$/);
  const response = digestResponse({
    user: "pub",
    realm: "ipcam",
    pass: "pubpass",
    nonce,
    method: "ANNOUNCE",
    uri: url,
  });
  res = await c.request("ANNOUNCE", url, {
    "Content-Type": "application/sdp",
    Authorization:
      `Digest username="pub", realm="ipcam", nonce="${nonce}", uri="${url}", response="${response}"`,
  }, FFMPEG_ANNOUNCE_SDP);
  assert.equal(res.statusCode, 200, "the connection stayed open after the challenge");
});

Deno.test("auth: permissions per action and path; anonymous reading where allowed; 400 before 401", async () => {
  await using srv = await startTestServer(AUTH + "paths:\n  cam:\n  open:\n");
  await using c = await RawRtsp.connect(srv.ports.rtsp);
  const basic = (u: string, p: string) => ({ Authorization: `Basic ${btoa(`${u}:${p}`)}` });
  assert.equal(
    (await c.request("DESCRIBE", srv.url("open"))).statusCode,
    404,
    "anonymous read allowed, nothing published",
  );
  assert.equal(
    (await c.request("DESCRIBE", srv.url("nope"))).statusCode,
    400,
    "unconfigured path: 400 before auth",
  );
  assert.equal((await c.request("DESCRIBE", srv.url("cam"))).statusCode, 401);
  assert.equal((await c.request("DESCRIBE", srv.url("cam"), basic("viewer", "viewpass"))).statusCode, 404);
  assert.equal(
    (await c.request("SETUP", srv.url("cam") + "/trackID=0", {
      Transport: "RTP/AVP/TCP",
      ...basic("viewer", "x"),
    }))
      .statusCode,
    401,
  );
  await c.waitClosed(3000); // wrong credentials close the connection (gortsplib's server behaviour)
  assert.ok(c.eof);
});

Deno.test("auth: a publisher cannot read and a reader cannot publish", async () => {
  await using srv = await startTestServer(AUTH);
  await using c = await RawRtsp.connect(srv.ports.rtsp);
  const url = srv.url("x");
  const res = await c.request("ANNOUNCE", url, {
    "Content-Type": "application/sdp",
    Authorization: `Basic ${btoa("viewer:viewpass")}`,
  }, FFMPEG_ANNOUNCE_SDP);
  assert.equal(res.statusCode, 401);
});
