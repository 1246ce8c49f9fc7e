import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { digestResponse, InternalAuthenticator as Authenticator, REALM } from "../../../src/auth/mod.ts";
import type { AuthRequest, AuthUser } from "../../../src/auth/mod.ts";

const b64 = (s: string) => btoa(s);
const sha256 = (s: string) => "sha256:" + createHash("sha256").update(s).digest("base64");

const USERS: AuthUser[] = [
  { user: "any", pass: "", ips: [], permissions: [{ action: "read", path: "public" }] },
  {
    user: "admin",
    pass: "secret",
    ips: [],
    permissions: [{ action: "publish", path: "" }, { action: "read", path: "" }],
  },
  {
    user: sha256("hashed"),
    pass: sha256("pw"),
    ips: [],
    permissions: [{ action: "read", path: "~^cam\\d+$" }],
  },
  { user: "lan", pass: "x", ips: ["192.168.0.0/16", "::1"], permissions: [{ action: "read", path: "" }] },
];

function req(over: Partial<AuthRequest>): AuthRequest {
  return { action: "read", path: "cam1", ip: "127.0.0.1", method: "DESCRIBE", nonce: "abc", ...over };
}

Deno.test("auth: anonymous access only where a user 'any' allows it; otherwise a challenge", async () => {
  const a = new Authenticator(USERS, ["basic", "digest"]);
  assert.equal((await a.check(req({ path: "public" }))).kind, "ok");
  assert.equal((await a.check(req({ path: "private" }))).kind, "challenge");
  assert.equal((await a.check(req({ action: "publish", path: "public" }))).kind, "challenge");
  assert.deepEqual(a.challenges("n1"), [
    `Basic realm="${REALM}"`,
    `Digest realm="${REALM}", nonce="n1", algorithm="MD5"`,
  ]);
});

Deno.test("auth: Basic with plain and sha256-hashed credentials; wrong ones are denied", async () => {
  const a = new Authenticator(USERS, ["basic", "digest"]);
  assert.deepEqual(await a.check(req({ authorization: `Basic ${b64("admin:secret")}` })), {
    kind: "ok",
    user: "admin",
  });
  assert.equal((await a.check(req({ authorization: `Basic ${b64("admin:wrong")}` }))).kind, "denied");
  assert.equal((await a.check(req({ path: "cam7", authorization: `Basic ${b64("hashed:pw")}` }))).kind, "ok");
  assert.equal(
    (await a.check(req({ path: "other", authorization: `Basic ${b64("hashed:pw")}` }))).kind,
    "denied",
    "regex path",
  );
  assert.equal((await a.check(req({ authorization: "Basic !!!" }))).kind, "denied");
  const basicOnlyDigest = new Authenticator(USERS, ["digest"]);
  assert.equal(
    (await basicOnlyDigest.check(req({ authorization: `Basic ${b64("admin:secret")}` }))).kind,
    "denied",
  );
});

Deno.test("auth: Digest MD5 and SHA-256 (RFC 2069 form used by RTSP clients), nonce bound to the connection", async () => {
  const a = new Authenticator(USERS, ["basic", "digest"]);
  const uri = "rtsp://127.0.0.1:8554/cam1";
  for (const algorithm of ["MD5", "SHA-256"]) {
    const response = digestResponse({
      user: "admin",
      realm: REALM,
      pass: "secret",
      nonce: "abc",
      method: "DESCRIBE",
      uri,
      algorithm,
    });
    const header =
      `Digest username="admin", realm="${REALM}", nonce="abc", uri="${uri}", response="${response}", algorithm="${algorithm}"`;
    assert.equal((await a.check(req({ authorization: header }))).kind, "ok", algorithm);
    assert.equal(
      (await a.check(req({ authorization: header, nonce: "other" }))).kind,
      "denied",
      "another connection's nonce",
    );
    assert.equal(
      (await a.check(req({ authorization: header, method: "ANNOUNCE" }))).kind,
      "denied",
      "method is hashed",
    );
  }
  // Known value: MD5(MD5("admin:ipcam:secret"):abc:MD5("DESCRIBE:/cam1")), computed independently.
  const md5 = (s: string) => createHash("md5").update(s).digest("hex");
  assert.equal(
    digestResponse({
      user: "admin",
      realm: "ipcam",
      pass: "secret",
      nonce: "abc",
      method: "DESCRIBE",
      uri: "/cam1",
    }),
    md5(`${md5("admin:ipcam:secret")}:abc:${md5("DESCRIBE:/cam1")}`),
  );
});

Deno.test("auth: IP lists (IPv4 CIDR, IPv6, IPv4-mapped) restrict a user", async () => {
  const a = new Authenticator(USERS, ["basic"]);
  const creds = `Basic ${b64("lan:x")}`;
  assert.equal((await a.check(req({ ip: "192.168.3.4", authorization: creds }))).kind, "ok");
  assert.equal((await a.check(req({ ip: "::ffff:192.168.3.4", authorization: creds }))).kind, "ok");
  assert.equal((await a.check(req({ ip: "::1", authorization: creds }))).kind, "ok");
  assert.equal((await a.check(req({ ip: "10.0.0.1", authorization: creds }))).kind, "denied");
});
