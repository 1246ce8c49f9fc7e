/**
 * The RTSPS listener's streams (node:tls over a Deno TCP socket) pass the ByteStream contract, and
 * its handshake deadline closes a stalled socket for real.
 */
import assert from "node:assert/strict";
import { type ByteStream, DenoConnStream } from "../../../src/transport/byte_stream.ts";
import { ReloadingTlsListener } from "../../../src/transport/tls_listener.ts";
import { makeTestCert, type TestCert } from "../../_helpers/certs.ts";
import { withTimeout } from "../../_helpers/wait.ts";
import { byteStreamContract, type PairFactory } from "./_contract.ts";

let certPromise: Promise<TestCert> | undefined;
const testCert = () =>
  certPromise ??= makeTestCert().then((c) => {
    // The listener reads the files; they go when the test process ends.
    globalThis.addEventListener("unload", () => Deno.removeSync(c.dir, { recursive: true }));
    return c;
  });

/** A listener whose accepted streams arrive in order. */
function listen(cert: TestCert, handshakeTimeoutMs = 5000) {
  const accepted: ByteStream[] = [];
  const failures: string[] = [];
  let wake: (() => void) | undefined;
  const listener = new ReloadingTlsListener({
    hostname: "127.0.0.1",
    port: 0,
    certFile: cert.certFile,
    keyFile: cert.keyFile,
    handshakeTimeoutMs,
    onConn: (s) => {
      accepted.push(s);
      wake?.();
    },
    onHandshakeFailed: (_peer, why) => failures.push(why),
  });
  const next = async (): Promise<ByteStream> => {
    while (accepted.length === 0) await new Promise<void>((r) => wake = r);
    return accepted.shift()!;
  };
  return { listener, next, failures };
}

const nodeTls: PairFactory = {
  name: "tls (ReloadingTlsListener: node:tls over Deno TCP)",
  kind: "tls",
  secure: true,
  open: async () => {
    const cert = await testCert();
    const { listener, next } = listen(cert);
    const conn = await Deno.connectTls({
      hostname: "127.0.0.1",
      port: listener.port,
      caCerts: [cert.certPem],
    });
    await conn.handshake();
    const a = await withTimeout(next(), 5000, "no TLS stream accepted");
    listener.close();
    const b = new DenoConnStream(conn, "tls");
    return {
      a,
      b,
      abortB: () => b.close(),
      [Symbol.asyncDispose]: () => {
        a.close();
        b.close();
        return Promise.resolve();
      },
    };
  },
};

byteStreamContract(nodeTls);

Deno.test("tls listener: a stalled handshake is closed at the deadline; close() drops pending ones", async () => {
  const cert = await testCert();
  const { listener, failures } = listen(cert, 300);
  const stalled = await Deno.connect({ hostname: "127.0.0.1", port: listener.port });
  const pending = await Deno.connect({ hostname: "127.0.0.1", port: listener.port });
  try {
    await stalled.write(new Uint8Array([0x16, 0x03, 0x01, 0x00, 0xc8, 0x01]));
    const buf = new Uint8Array(64);
    const readEnd = async (c: Deno.Conn) => {
      while ((await c.read(buf).catch(() => null)) !== null) { /* alert */ }
    };
    await withTimeout(readEnd(stalled), 3000, "stalled handshake still open");
    assert.deepEqual(failures.slice(0, 1), ["handshake timed out"]);
    listener.close();
    await withTimeout(readEnd(pending), 3000, "pending handshake survived close()");
  } finally {
    listener.close();
    stalled.close();
    pending.close();
  }
});

Deno.test("tls listener: a certificate replaced by an invalid file is refused and the old one kept", async () => {
  const cert = await makeTestCert();
  const reloads: string[] = [];
  const listener = new ReloadingTlsListener({
    hostname: "127.0.0.1",
    port: 0,
    certFile: cert.certFile,
    keyFile: cert.keyFile,
    onConn: (s) => s.close(),
    onReload: (r) => reloads.push(r.ok ? "ok" : r.error),
  });
  try {
    await Deno.writeTextFile(cert.certFile, "not a certificate");
    listener.reload();
    assert.equal(reloads.length, 1);
    assert.match(reloads[0], /invalid TLS certificate or key/);
    const conn = await Deno.connectTls({
      hostname: "127.0.0.1",
      port: listener.port,
      caCerts: [cert.certPem],
    });
    await conn.handshake();
    conn.close();
  } finally {
    listener.close();
    await Deno.remove(cert.dir, { recursive: true });
  }
});
