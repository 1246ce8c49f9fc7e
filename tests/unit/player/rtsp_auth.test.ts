import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { md5Hex } from "../../../src/player/md5.ts";
import { RtspAuth } from "../../../src/player/rtsp_auth.ts";
import { digestResponse } from "../../../src/auth/credentials.ts";
import { parseAuthorization } from "../../../src/wire/rtsp/headers/authorization.ts";

Deno.test("md5Hex matches node:crypto on the block boundaries and UTF-8", () => {
  for (const text of ["", "abc", "a".repeat(55), "a".repeat(56), "a".repeat(64), "x".repeat(1000), "héllo"]) {
    assert.equal(md5Hex(text), createHash("md5").update(text).digest("hex"), `length ${text.length}`);
  }
});

// The challenges our server sends (src/auth/authenticator.ts), and a SHA-256 one.
const table = [
  {
    name: "Digest MD5 (our server)",
    challenge: 'Digest realm="ipcam", nonce="abc123", algorithm="MD5"',
    algorithm: "MD5",
  },
  { name: "Digest without algorithm", challenge: 'Digest realm="ipcam", nonce="n0"', algorithm: undefined },
  {
    name: "Digest SHA-256",
    challenge: 'Digest realm="ipcam", nonce="n1", algorithm="SHA-256"',
    algorithm: "SHA-256",
  },
];

for (const c of table) {
  Deno.test(`RtspAuth answers ${c.name} as the server's checker expects`, async () => {
    const auth = RtspAuth.fromChallenges("viewer", "viewpass", ['Basic realm="ipcam"', c.challenge])!;
    const uri = "rtsp://127.0.0.1:8554/secret";
    const value = await auth.authorization("DESCRIBE", uri);
    const parsed = parseAuthorization(value);
    assert.equal(parsed.method, "Digest");
    if (parsed.method !== "Digest") return;
    const p = parsed.params;
    assert.equal(p.username, "viewer");
    assert.equal(p.uri, uri);
    const expected = digestResponse({
      user: "viewer",
      realm: p.realm,
      pass: "viewpass",
      nonce: p.nonce,
      method: "DESCRIBE",
      uri,
      algorithm: c.algorithm,
    });
    assert.equal(p.response, expected);
  });
}

Deno.test("RtspAuth falls back to Basic when no Digest challenge is usable", async () => {
  const auth = RtspAuth.fromChallenges("u", "p:w", [
    'Digest realm="x", nonce="n", qop="auth-int"',
    'Basic realm="x"',
  ])!;
  assert.equal(await auth.authorization("DESCRIBE", "rtsp://h/p"), `Basic ${btoa("u:p:w")}`);
  assert.equal(RtspAuth.fromChallenges("u", "p", ["Bearer realm=x"]), undefined);
});

Deno.test("RtspAuth answers qop=auth with nc and cnonce", async () => {
  const auth = RtspAuth.fromChallenges("u", "p", ['Digest realm="r", nonce="n", qop="auth"'])!;
  const parsed = parseAuthorization(await auth.authorization("PLAY", "rtsp://h/p"));
  assert.ok(parsed.method === "Digest");
  const p = parsed.params;
  const ha1 = md5Hex("u:r:p");
  const ha2 = md5Hex("PLAY:rtsp://h/p");
  assert.equal(p.nc, "00000001");
  assert.equal(p.response, md5Hex(`${ha1}:n:${p.nc}:${p.cnonce}:auth:${ha2}`));
});
