/** RTSPS under stalled handshakes: the deadline really closes the socket (issue 10, item 1). */
import assert from "node:assert/strict";
import { startTestServer } from "./_server.ts";
import { makeTestCert } from "../_helpers/certs.ts";

/** Reads until EOF or a reset; resolves with the ms it took, or rejects after `limitMs`. */
async function msUntilClosed(conn: Deno.Conn, limitMs: number): Promise<number> {
  const t0 = performance.now();
  const buf = new Uint8Array(1024);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still open after ${limitMs} ms`)), limitMs);
  });
  try {
    await Promise.race([
      (async () => {
        while ((await conn.read(buf).catch(() => null)) !== null) { /* a TLS alert may come first */ }
      })(),
      limit,
    ]);
  } finally {
    clearTimeout(timer);
  }
  return performance.now() - t0;
}

Deno.test("hardening: a stalled ClientHello is closed for real at readTimeout, and the port keeps serving", async () => {
  const cert = await makeTestCert();
  await using srv = await startTestServer(
    `readTimeout: 500ms\nrtspEncryption: strict\nrtspServerCert: ${cert.certFile}\nrtspServerKey: ${cert.keyFile}`,
  );
  const stalled: Deno.Conn[] = [];
  try {
    for (let i = 0; i < 20; i++) {
      const c = await Deno.connect({ hostname: "127.0.0.1", port: srv.ports.rtsps });
      // 11 bytes of a ClientHello, then nothing.
      await c.write(new Uint8Array([0x16, 0x03, 0x01, 0x00, 0xc8, 0x01, 0x00, 0x00, 0xc4, 0x03, 0x03]));
      stalled.push(c);
    }
    const took = await Promise.all(stalled.map((c) => msUntilClosed(c, 4000)));
    assert.ok(Math.max(...took) < 4000, `closed after ${took}`);
    assert.ok(srv.logs.some((l) => l.includes("TLS handshake failed: handshake timed out")));
    const good = await Deno.connectTls({
      hostname: "127.0.0.1",
      port: srv.ports.rtsps,
      caCerts: [cert.certPem],
    });
    try {
      await good.write(new TextEncoder().encode(`OPTIONS ${srv.secureUrl("x")} RTSP/1.0\r\nCSeq: 1\r\n\r\n`));
      const buf = new Uint8Array(1024);
      const n = await good.read(buf);
      assert.match(new TextDecoder().decode(buf.subarray(0, n ?? 0)), /^RTSP\/1.0 200/);
    } finally {
      good.close();
    }
  } finally {
    for (const c of stalled) c.close();
  }
});
