import assert from "node:assert/strict";
import {
  type Authenticate,
  formatAuthenticate,
  parseAuthenticate,
} from "../../../../../src/wire/rtsp/headers/authenticate.ts";
import {
  type Authorization,
  formatAuthorization,
  parseAuthorization,
} from "../../../../../src/wire/rtsp/headers/authorization.ts";
import { fuzzParser } from "./_fuzz.ts";

const NONCE = "0f9a8e3d7c6b5a4f3e2d1c0b9a8f7e6d";

const CHALLENGES: { name: string; raw: string; value: Authenticate; canonical?: true }[] = [
  {
    name: "MediaMTX Basic",
    raw: 'Basic realm="ipcam"',
    value: { method: "Basic", params: { realm: "ipcam" } },
    canonical: true,
  },
  {
    name: "MediaMTX Digest MD5",
    raw: `Digest realm="ipcam", nonce="${NONCE}", algorithm="MD5"`,
    value: { method: "Digest", params: { realm: "ipcam", nonce: NONCE, algorithm: "MD5" } },
    canonical: true,
  },
  {
    name: "Hikvision Digest with stale token",
    raw: `Digest realm="IP Camera(C6430)", nonce="${NONCE}", stale=FALSE`,
    value: { method: "Digest", params: { realm: "IP Camera(C6430)", nonce: NONCE, stale: "FALSE" } },
    canonical: true,
  },
  {
    name: "camera without commas, lower-case scheme, unquoted algorithm",
    raw: `digest realm="Streaming Server" nonce="${NONCE}" algorithm=MD5`,
    value: { method: "Digest", params: { realm: "Streaming Server", nonce: NONCE, algorithm: "MD5" } },
  },
  {
    name: "escaped quote and comma inside realm",
    raw: 'Basic realm="a \\"b\\", c"',
    value: { method: "Basic", params: { realm: 'a "b", c' } },
    canonical: true,
  },
];

for (const c of CHALLENGES) {
  Deno.test(`parseAuthenticate: ${c.name}`, () => {
    assert.deepEqual(parseAuthenticate(c.raw), c.value);
    if (c.canonical) assert.equal(formatAuthenticate(c.value), c.raw);
    assert.deepEqual(parseAuthenticate(formatAuthenticate(c.value)), c.value);
  });
}

const CREDENTIALS: { name: string; raw: string; value: Authorization; canonical?: true }[] = [
  {
    name: "Basic (RFC 7617 example)",
    raw: "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
    value: { method: "Basic", user: "Aladdin", password: "open sesame" },
    canonical: true,
  },
  {
    name: "Basic with ':' and UTF-8 in the password",
    raw: "Basic dXNlcjpwQHNzOnfDtnJk",
    value: { method: "Basic", user: "user", password: "p@ss:wörd" },
    canonical: true,
  },
  {
    name: "ffmpeg Digest",
    raw: `Digest username="admin", realm="ipcam", nonce="${NONCE}", uri="rtsp://127.0.0.1:8554/mystream", ` +
      `response="6629fae49393a05397450978507c4ef1", algorithm="MD5"`,
    value: {
      method: "Digest",
      params: {
        username: "admin",
        realm: "ipcam",
        nonce: NONCE,
        uri: "rtsp://127.0.0.1:8554/mystream",
        response: "6629fae49393a05397450978507c4ef1",
        algorithm: "MD5",
      },
    },
    canonical: true,
  },
  {
    name: "VLC Digest with path-only uri and unquoted algorithm",
    raw:
      `Digest username="viewer", realm="ipcam", nonce="${NONCE}", uri="/mystream/", response="abc", algorithm=MD5`,
    value: {
      method: "Digest",
      params: {
        username: "viewer",
        realm: "ipcam",
        nonce: NONCE,
        uri: "/mystream/",
        response: "abc",
        algorithm: "MD5",
      },
    },
  },
  {
    name: "Digest with qop and nc (RFC 7616 tokens)",
    raw: 'Digest username="u", qop=auth, nc=00000001, cnonce="0a4f113b"',
    value: { method: "Digest", params: { username: "u", qop: "auth", nc: "00000001", cnonce: "0a4f113b" } },
    canonical: true,
  },
];

for (const c of CREDENTIALS) {
  Deno.test(`parseAuthorization: ${c.name}`, () => {
    assert.deepEqual(parseAuthorization(c.raw), c.value);
    if (c.canonical) assert.equal(formatAuthorization(c.value), c.raw);
    assert.deepEqual(parseAuthorization(formatAuthorization(c.value)), c.value);
  });
}

Deno.test("auth headers reject unsupported schemes and malformed parameters", () => {
  const badChallenges = ["", 'Bearer realm="x"', 'Digest realm="x', "Digest =x", "Digest realm"];
  for (const raw of badChallenges) {
    assert.throws(
      () => parseAuthenticate(raw),
      (e: unknown) => e instanceof SyntaxError && /^Cannot parse WWW-Authenticate header: /.test(e.message),
      raw,
    );
  }
  const badCredentials = ["", "Bearer abc", "Basic", "Basic !!!!", "Basic dXNlcg==", 'Digest username="x'];
  for (const raw of badCredentials) {
    assert.throws(
      () => parseAuthorization(raw),
      (e: unknown) => e instanceof SyntaxError && /^Cannot parse Authorization header: /.test(e.message),
      raw,
    );
  }
  assert.throws(() => formatAuthorization({ method: "Basic", user: "a:b", password: "" }), RangeError);
  assert.throws(() => formatAuthenticate({ method: "Basic", params: { realm: "a\r\nb" } }), RangeError);
});

Deno.test("auth header fuzz: only SyntaxError escapes", () => {
  const pieces = ["Basic ", "Digest ", "realm", "nonce", "=", '"', "\\", ",", " ", "abc", "QWxh", "=="];
  fuzzParser(parseAuthenticate, pieces, 25, (a) => {
    assert.deepEqual(parseAuthenticate(formatAuthenticate(a)), a);
  });
  fuzzParser(parseAuthorization, pieces, 26, (a) => {
    assert.deepEqual(parseAuthorization(formatAuthorization(a)), a);
  });
});
