/** The control API with `authMethod: jwt`: a Bearer JWT is accepted, and /v3/auth/jwks/refresh refetches the key set. */
import assert from "node:assert/strict";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { startTestServer } from "./_server.ts";
import { allocatePorts } from "../_helpers/ports.ts";

Deno.test("api jwt: Bearer token with the api action; jwks/refresh makes the next check fetch the key set", async () => {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = { ...await exportJWK(publicKey), kid: "k1", alg: "RS256" };
  let fetches = 0;
  const [jwksPort, apiPort] = await allocatePorts(2);
  await using _jwks = Deno.serve({ hostname: "127.0.0.1", port: jwksPort, onListen: () => {} }, () => {
    fetches++;
    return Response.json({ keys: [jwk] });
  });
  await using _srv = await startTestServer(
    [
      "api: yes",
      `apiAddress: 127.0.0.1:${apiPort}`,
      "authMethod: jwt",
      `authJWTJWKS: http://127.0.0.1:${jwksPort}/jwks`,
    ].join("\n"),
    { quiet: true },
  );
  const sign = (perms: unknown) =>
    new SignJWT({ mediamtx_permissions: perms }).setProtectedHeader({ alg: "RS256", kid: "k1" })
      .setSubject("ops").setExpirationTime("1m").sign(privateKey);
  const apiToken = await sign([{ action: "api" }]);
  const readToken = await sign([{ action: "read" }]);
  const call = async (path: string, token?: string, method = "GET") => {
    const res = await fetch(`http://127.0.0.1:${apiPort}${path}`, {
      method,
      headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
    });
    return { status: res.status, body: await res.json(), challenge: res.headers.get("www-authenticate") };
  };
  const anon = await call("/v3/paths/list");
  assert.equal(anon.status, 401);
  assert.equal(anon.challenge, 'Basic realm="mediamtx"');
  assert.equal((await call("/v3/paths/list", apiToken)).status, 200);
  assert.equal(fetches, 1);
  assert.equal((await call("/v3/paths/list", apiToken)).status, 200);
  assert.equal(fetches, 1, "the key set is cached");
  const refresh = await call("/v3/auth/jwks/refresh", apiToken, "POST");
  assert.deepEqual(refresh.body, { status: "ok" });
  assert.equal((await call("/v3/paths/list", apiToken)).status, 200);
  assert.equal(fetches, 2, "fetched again after the refresh");
  const denied = await call("/v3/paths/list", readToken);
  assert.equal(denied.status, 401);
  assert.equal(denied.challenge, null);
});
