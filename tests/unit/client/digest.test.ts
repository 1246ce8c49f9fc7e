/** Digest and Basic credentials against the RFC examples, and challenge selection. */
import assert from "node:assert/strict";
import { ClientCredentials, digestResponse } from "../../../src/client/digest.ts";
import type { DigestInput } from "../../../src/client/digest.ts";
import { parseAuthorization } from "../../../src/wire/rtsp/headers/authorization.ts";

const RFC7616 = {
  user: "Mufasa",
  password: "Circle of Life",
  realm: "http-auth@example.org",
  nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
  method: "GET",
  uri: "/dir/index.html",
  qop: "auth",
  nc: "00000001",
  cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
} as const;

const VECTORS: { name: string; input: DigestInput; response: string }[] = [
  {
    name: "RFC 2617 §3.5 (MD5, qop=auth)",
    input: {
      algorithm: "MD5",
      user: "Mufasa",
      password: "Circle Of Life",
      realm: "testrealm@host.com",
      nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
      method: "GET",
      uri: "/dir/index.html",
      qop: "auth",
      nc: "00000001",
      cnonce: "0a4f113b",
    },
    response: "6629fae49393a05397450978507c4ef1",
  },
  {
    name: "RFC 7616 §3.9.1 (MD5)",
    input: { algorithm: "MD5", ...RFC7616 },
    response: "8ca523f5e9506fed4657c9700eebdbec",
  },
  {
    name: "RFC 7616 §3.9.1 (SHA-256)",
    input: { algorithm: "SHA-256", ...RFC7616 },
    response: "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
  },
  {
    // RFC 2069 form used by MediaMTX and most cameras; value computed independently with `openssl md5`.
    name: "no qop (MD5), RFC 2069 §2.1.2 form",
    input: {
      algorithm: "MD5",
      user: "Mufasa",
      password: "CircleOfLife",
      realm: "testrealm@host.com",
      nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
      method: "GET",
      uri: "/dir/index.html",
    },
    response: "1949323746fe6a43ef61f9606e7febea",
  },
  {
    name: "no qop (SHA-256) on an RTSP URI, computed with `openssl dgst -sha256`",
    input: {
      algorithm: "SHA-256",
      user: "user",
      password: "pass",
      realm: "ipcam",
      nonce: "0123456789abcdef0123456789abcdef",
      method: "DESCRIBE",
      uri: "rtsp://127.0.0.1:8554/auth",
    },
    response: "1bf9737cfd33fa6137430cda94f8ba9fd33d59f69e906c995196e63cad598d59",
  },
];

for (const v of VECTORS) {
  Deno.test(`digestResponse: ${v.name}`, () => {
    assert.equal(digestResponse(v.input), v.response);
  });
}

Deno.test("digestResponse: qop needs nc and cnonce, -sess needs cnonce", () => {
  const base = { ...VECTORS[0].input };
  assert.throws(() => digestResponse({ ...base, cnonce: undefined }), RangeError);
  assert.throws(
    () => digestResponse({ ...base, qop: undefined, cnonce: undefined, algorithm: "MD5-sess" }),
    RangeError,
  );
});

Deno.test("Basic: RFC 7617 §2 example", () => {
  const c = ClientCredentials.fromChallenges("Aladdin", "open sesame", ['Basic realm="WallyWorld"'])!;
  assert.equal(c.method, "Basic");
  assert.equal(c.authorization("DESCRIBE", "rtsp://h/x"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
});

Deno.test("challenge choice: Digest SHA-256 > Digest MD5 > Basic; unusable ones skipped", () => {
  const md5 = 'Digest realm="ipcam", nonce="abc", algorithm="MD5"';
  const sha = 'Digest realm="ipcam", nonce="abc", algorithm="SHA-256"';
  const basic = 'Basic realm="ipcam"';
  const pick = (values: string[]) => {
    const c = ClientCredentials.fromChallenges("u", "p", values);
    return c === undefined ? undefined : `${c.method}/${c.algorithm ?? "-"}`;
  };
  assert.equal(pick([basic, md5, sha]), "Digest/SHA-256");
  assert.equal(pick([sha, md5]), "Digest/SHA-256");
  assert.equal(pick([basic, md5]), "Digest/MD5");
  assert.equal(pick(['Digest realm="x", nonce="n"']), "Digest/MD5", "no algorithm means MD5");
  assert.equal(pick([basic]), "Basic/-");
  assert.equal(pick(['Digest realm="x", nonce="n", algorithm=SHA-512-256', basic]), "Basic/-");
  assert.equal(pick(['Digest realm="x", nonce="n", qop="auth-int"', basic]), "Basic/-");
  assert.equal(pick(['Digest realm="x"', 'Bearer realm="y"', "garbage"]), undefined);
});

Deno.test("Digest Authorization without qop: MediaMTX's form, algorithm echoed only when sent", () => {
  const c = ClientCredentials.fromChallenges("user", "pass", [
    'Digest realm="ipcam", nonce="0123456789abcdef0123456789abcdef"',
  ])!;
  const header = c.authorization("DESCRIBE", "rtsp://127.0.0.1:8554/auth");
  const parsed = parseAuthorization(header);
  assert.equal(parsed.method, "Digest");
  if (parsed.method !== "Digest") return;
  assert.deepEqual(parsed.params, {
    username: "user",
    realm: "ipcam",
    nonce: "0123456789abcdef0123456789abcdef",
    uri: "rtsp://127.0.0.1:8554/auth",
    response: digestResponse({
      algorithm: "MD5",
      user: "user",
      password: "pass",
      realm: "ipcam",
      nonce: "0123456789abcdef0123456789abcdef",
      method: "DESCRIBE",
      uri: "rtsp://127.0.0.1:8554/auth",
    }),
  });
  const sha = ClientCredentials.fromChallenges("user", "pass", [
    'Digest realm="ipcam", nonce="0123456789abcdef0123456789abcdef", algorithm="SHA-256"',
  ])!;
  const shaParams = parseAuthorization(sha.authorization("DESCRIBE", "rtsp://127.0.0.1:8554/auth"));
  assert.ok(shaParams.method === "Digest");
  assert.equal(shaParams.params["algorithm"], "SHA-256");
  assert.equal(shaParams.params["response"], VECTORS[4].response);
});

Deno.test("Digest Authorization with qop=auth: nc counts up, cnonce and opaque are sent", () => {
  const c = ClientCredentials.fromChallenges("Mufasa", "Circle of Life", [
    'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, ' +
    'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
  ])!;
  const first = parseAuthorization(c.authorization("GET", "/dir/index.html"));
  const second = parseAuthorization(c.authorization("GET", "/dir/index.html"));
  assert.ok(first.method === "Digest" && second.method === "Digest");
  assert.equal(first.params["qop"], "auth");
  assert.equal(first.params["nc"], "00000001");
  assert.equal(second.params["nc"], "00000002");
  assert.equal(first.params["opaque"], "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS");
  const expected = digestResponse({
    algorithm: "SHA-256",
    user: "Mufasa",
    password: "Circle of Life",
    realm: "http-auth@example.org",
    nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
    method: "GET",
    uri: "/dir/index.html",
    qop: "auth",
    nc: "00000001",
    cnonce: first.params["cnonce"],
  });
  assert.equal(first.params["response"], expected);
});
