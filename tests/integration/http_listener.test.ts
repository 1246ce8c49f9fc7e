/** The generic HTTP listener of the operational surfaces: TCP, TLS and a Unix socket, with the peer address. */
import assert from "node:assert/strict";
import { HttpListener } from "../../src/transport/http_listener.ts";
import { makeTestCert } from "../_helpers/certs.ts";

const echoPeer = (req: Request, remote: { hostname: string; port: number }) =>
  new Response(`${new URL(req.url).pathname} from ${remote.hostname}`);

Deno.test("http listener: TCP on a free port passes the peer address; close stops it", async () => {
  const listener = HttpListener.start({ address: { hostname: "127.0.0.1", port: 0 }, handler: echoPeer });
  const res = await fetch(`http://127.0.0.1:${listener.port}/x`);
  assert.equal(await res.text(), "/x from 127.0.0.1");
  await listener.close();
  await assert.rejects(fetch(`http://127.0.0.1:${listener.port}/x`));
});

Deno.test("http listener: TLS with PEM files; a missing file names it", async () => {
  const cert = await makeTestCert();
  await using listener = HttpListener.start({
    address: { hostname: "127.0.0.1", port: 0 },
    tls: { certFile: cert.certFile, keyFile: cert.keyFile },
    handler: echoPeer,
  });
  const client = Deno.createHttpClient({ caCerts: [cert.certPem] });
  try {
    const res = await fetch(`https://localhost:${listener.port}/tls`, { client });
    assert.equal(await res.text(), "/tls from 127.0.0.1");
  } finally {
    client.close();
  }
  assert.throws(
    () =>
      HttpListener.start({
        address: { hostname: "127.0.0.1", port: 0 },
        tls: { certFile: `${cert.dir}/missing.crt`, keyFile: cert.keyFile },
        handler: echoPeer,
      }),
    /missing\.crt/,
  );
});

Deno.test("http listener: a Unix socket (curl --unix-socket); a throwing handler is a 500", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/api.sock`;
  const errors: unknown[] = [];
  await using listener = HttpListener.start({
    address: { path },
    handler: (req) => {
      if (new URL(req.url).pathname === "/boom") throw new Error("boom");
      return new Response("unix ok");
    },
    onError: (e) => errors.push(e),
  });
  assert.equal(listener.address, path);
  const run = async (p: string) => {
    const out = await new Deno.Command("curl", {
      args: ["-sS", "--max-time", "5", "-w", " %{http_code}", "--unix-socket", path, `http://localhost${p}`],
      stdout: "piped",
    }).output();
    return new TextDecoder().decode(out.stdout);
  };
  assert.equal(await run("/"), "unix ok 200");
  assert.equal(await run("/boom"), " 500");
  assert.equal(errors.length, 1);
});
