import assert from "node:assert/strict";
import { credentialMatches, InternalAuthenticator } from "../../../src/auth/mod.ts";
import type { AuthRequest } from "../../../src/auth/mod.ts";
import { parseConfig } from "../../../src/config/mod.ts";

// Made by Debian's argon2 command: `echo -n password | argon2 somesalt1234 -id -e` (and `-i`).
const ARGON2ID = "$argon2id$v=19$m=4096,t=3,p=1$c29tZXNhbHQxMjM0$v+TdVvNcOKsv69msOM3dwf4pL60WZVwDiPAXMuQqxj4";
const ARGON2I = "$argon2i$v=19$m=4096,t=3,p=1$c29tZXNhbHQxMjM0$1hYQtpQanrl7vm7AU2NDcvBuZP0KXeKf/8ntgdX6hI4";

async function argon2Command(secret: string, variant: "-id" | "-i"): Promise<string | undefined> {
  try {
    const child = new Deno.Command("argon2", {
      args: [crypto.randomUUID().replaceAll("-", ""), variant, "-e", "-m", "10"],
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(secret));
    await writer.close();
    const out = await child.output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : undefined;
  } catch {
    return undefined; // not installed
  }
}

Deno.test("argon2: argon2id and argon2i hashes of the argon2 command match the right secret only", async () => {
  for (const hash of [ARGON2ID, ARGON2I]) {
    assert.equal(await credentialMatches(`argon2:${hash}`, "password"), true, hash);
    assert.equal(await credentialMatches(`argon2:${hash}`, "Password"), false, hash);
    assert.equal(await credentialMatches(`argon2:${hash}`, ""), false, hash);
  }
  // argon2d is not a variant MediaMTX accepts; a truncated hash never matches.
  assert.equal(
    await credentialMatches(`argon2:${ARGON2ID.replace("argon2id", "argon2d")}`, "password"),
    false,
  );
  assert.equal(await credentialMatches(`argon2:${ARGON2ID.slice(0, -5)}`, "password"), false);
});

Deno.test({
  name: "argon2: fresh hashes made by the argon2 command (random salt) for user and password",
  async fn() {
    const user = await argon2Command("alice", "-id");
    const pass = await argon2Command("s3cret", "-i");
    if (user === undefined || pass === undefined) {
      if (Deno.env.get("CI") === "true") throw new Error("the argon2 command is missing (apt: argon2)");
      console.log("argon2 command not installed: skipped");
      return;
    }
    const auth = new InternalAuthenticator([{
      user: `argon2:${user}`,
      pass: `argon2:${pass}`,
      ips: [],
      permissions: [{ action: "read", path: "" }],
    }], ["basic"]);
    const req = (u: string, p: string): AuthRequest => ({
      action: "read",
      path: "cam",
      ip: "127.0.0.1",
      method: "DESCRIBE",
      nonce: "n",
      authorization: `Basic ${btoa(`${u}:${p}`)}`,
    });
    assert.deepEqual(await auth.check(req("alice", "s3cret")), { kind: "ok", user: "alice" });
    assert.equal((await auth.check(req("alice", "wrong"))).kind, "denied");
    assert.equal((await auth.check(req("bob", "s3cret"))).kind, "denied");
  },
});

Deno.test("argon2: the config accepts argon2id/argon2i, rejects other encodings, and refuses Digest", () => {
  const yaml = (pass: string, extra = "") =>
    `authInternalUsers:\n  - user: u\n    pass: "argon2:${pass}"\n    permissions: [{action: read}]\n${extra}`;
  for (const hash of [ARGON2ID, ARGON2I]) parseConfig(yaml(hash), "t.yml", {});
  assert.throws(
    () => parseConfig(yaml("$argon2d$v=19$m=4096,t=3,p=1$c2FsdHNhbHQ$aGFzaA"), "t.yml", {}),
    /argon2/,
  );
  assert.throws(() => parseConfig(yaml("plain"), "t.yml", {}), /argon2/);
  assert.throws(
    () => parseConfig(yaml(ARGON2ID, "rtspAuthMethods: [basic, digest]"), "t.yml", {}),
    /hashed credentials cannot be used/,
  );
});
