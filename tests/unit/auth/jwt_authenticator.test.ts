import assert from "node:assert/strict";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { JwtAuthenticator, parsePermissionsClaim } from "../../../src/auth/mod.ts";
import type { AuthRequest } from "../../../src/auth/mod.ts";
import { allocatePorts } from "../../_helpers/ports.ts";
import { waitFor } from "../../_helpers/wait.ts";

async function keyPair(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  return { privateKey, jwk: { ...await exportJWK(publicKey), kid, alg: "RS256" } };
}

function req(over: Partial<AuthRequest>): AuthRequest {
  return { action: "read", path: "cam", ip: "127.0.0.1", method: "DESCRIBE", nonce: "n", ...over };
}

Deno.test("jwt: token as password, ?token= or ?jwt=; string claim; unknown kid refetches the key set", async () => {
  const k1 = await keyPair("k1");
  const k2 = await keyPair("k2");
  let keys = [k1.jwk];
  let fetches = 0;
  const [port] = await allocatePorts(1);
  await using _server = Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, () => {
    fetches++;
    return Response.json({ keys });
  });
  const auth = new JwtAuthenticator({
    jwksUrl: `http://127.0.0.1:${port}/jwks`,
    claimKey: "perms",
    exclude: [{ action: "read", path: "public" }],
    issuer: "",
    audience: "aud1",
    timeoutMs: 2000,
    methods: ["basic"],
    refreshCooldownMs: 300,
  });
  const sign = (key: CryptoKey, kid: string, claim: unknown, aud = "aud1") =>
    new SignJWT({ perms: claim }).setProtectedHeader({ alg: "RS256", kid }).setSubject("bob")
      .setAudience(aud).setExpirationTime("1m").sign(key);

  const token = await sign(k1.privateKey, "k1", [{ action: "read", path: "~^ca" }]);
  assert.deepEqual(await auth.check(req({ authorization: `Basic ${btoa(`x:${token}`)}` })), {
    kind: "ok",
    user: "bob",
  });
  assert.equal((await auth.check(req({ query: `token=${token}` }))).kind, "ok");
  assert.equal((await auth.check(req({ query: `jwt=${token}` }))).kind, "ok");
  assert.equal((await auth.check(req({ query: `jwt=${token}&jwt=${token}` }))).kind, "challenge", "twice");
  // The HTTP surfaces (API, metrics) do not read JWTs from the query.
  assert.equal((await auth.check(req({ query: `jwt=${token}`, queryTokens: false }))).kind, "challenge");
  assert.equal((await auth.check(req({ query: `token=${token}`, queryTokens: false }))).kind, "challenge");
  assert.equal((await auth.check(req({}))).kind, "challenge");
  assert.equal((await auth.check(req({ path: "public" }))).kind, "ok", "excluded");
  assert.equal((await auth.check(req({ action: "publish", query: `jwt=${token}` }))).kind, "denied");
  const wrongAud = await sign(k1.privateKey, "k1", [{ action: "read" }], "aud2");
  assert.equal((await auth.check(req({ query: `jwt=${wrongAud}` }))).kind, "denied");
  // Keycloak writes the permissions as a JSON string.
  const keycloak = await sign(k1.privateKey, "k1", JSON.stringify([{ action: "read", path: "cam" }]));
  assert.equal((await auth.check(req({ query: `jwt=${keycloak}` }))).kind, "ok");
  assert.equal(fetches, 1);
  // A new signing key appears: the unknown kid makes the server fetch the key set again.
  keys = [k1.jwk, k2.jwk];
  const rotated = await sign(k2.privateKey, "k2", [{ action: "read", path: "cam" }]);
  // Unknown key ids refetch at most once per cooldown: a burst of bad tokens cannot hammer the JWKS.
  assert.equal((await auth.check(req({ query: `jwt=${rotated}` }))).kind, "denied", "within the cooldown");
  await waitFor(async () => (await auth.check(req({ query: `jwt=${rotated}` }))).kind === "ok", {
    timeoutMs: 3000,
    message: "the rotated key is never fetched",
  });
  assert.equal(fetches, 2);
});

Deno.test("jwt: the permissions claim is decoded strictly", () => {
  assert.deepEqual(parsePermissionsClaim([{ action: "read" }], "k"), [{ action: "read", path: "" }]);
  assert.throws(() => parsePermissionsClaim(undefined, "k"), /claim 'k' not found inside JWT/);
  assert.throws(() => parsePermissionsClaim([{ action: "read", extra: 1 }], "k"), /unknown field/);
  assert.throws(() => parsePermissionsClaim([{ action: "fly" }], "k"), /invalid action/);
  assert.throws(() => parsePermissionsClaim("{}", "k"), /not an array/);
});
