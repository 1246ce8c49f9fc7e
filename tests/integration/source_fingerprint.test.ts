/**
 * `sourceFingerprint`: pulling rtsps sources whose certificate is self-signed, made by the openssl
 * command that mediamtx.yml documents (CA:TRUE, no subjectAltName), over the three TLS schemes.
 */
import assert from "node:assert/strict";
import { FFMPEG_VIDEO_SDP, RawRtsp, rtpPacket } from "./_raw_rtsp.ts";
import { startTestServer } from "./_server.ts";
import type { TestServer } from "./_server.ts";
import { waitFor } from "../_helpers/wait.ts";
import { type DocumentedCert, makeDocumentedCert } from "../_helpers/certs.ts";
import { dialTls, FingerprintMismatchError } from "../../src/transport/tls_dial.ts";

const cert: DocumentedCert = await makeDocumentedCert();
const sessionId = (h: string | undefined) => h!.split(";")[0];

/** A server whose RTSPS listener uses the documented certificate, with a `relay` path pulling `origin`. */
function startRelay(scheme: string, fingerprint: string | undefined): Promise<TestServer> {
  return startTestServer((p) => `
rtspEncryption: optional
rtspServerCert: ${cert.certFile}
rtspServerKey: ${cert.keyFile}
paths:
  origin:
  relay:
    source: ${scheme}://localhost:${p.rtsps}/origin
    sourceRetryPause: 300ms
${fingerprint === undefined ? "" : `    sourceFingerprint: ${fingerprint}\n`}`);
}

/** Publishes on `origin` over plain TCP. */
async function publish(srv: TestServer): Promise<RawRtsp> {
  const pub = await RawRtsp.connect(srv.ports.rtsp);
  const url = srv.url("origin");
  await pub.request("ANNOUNCE", url, { "Content-Type": "application/sdp" }, FFMPEG_VIDEO_SDP);
  const res = await pub.request("SETUP", `${url}/streamid=0`, {
    Transport: "RTP/AVP/TCP;interleaved=0-1;mode=record",
  });
  const rec = await pub.request("RECORD", url, { Session: sessionId(res.headers.get("Session")) });
  assert.equal(rec.statusCode, 200);
  return pub;
}

/** Reads `relay` over TCP while publishing, until 10 relayed packets arrive in order. */
async function readRelay(srv: TestServer, pub: RawRtsp): Promise<void> {
  await using r = await RawRtsp.connect(srv.ports.rtsp);
  const url = srv.url("relay");
  const res = await r.request("SETUP", `${url}/trackID=0`, { Transport: "RTP/AVP/TCP;interleaved=0-1" });
  assert.equal(res.statusCode, 200);
  await r.request("PLAY", url, { Session: sessionId(res.headers.get("Session")) });
  const got: number[] = [];
  const deadline = Date.now() + 8000;
  for (let seq = 0; got.length < 10 && Date.now() < deadline; seq++) {
    await pub.writeInterleaved(0, rtpPacket(seq, seq * 3000, new Uint8Array([0x41, 0xab, seq & 0xff])));
    const f = await r.nextInterleaved(200).catch(() => undefined);
    if (f !== undefined && f.channel === 0 && f.payload[13] === 0xab) got.push(f.payload[14]);
  }
  assert.ok(got.length >= 10, `only ${got.length} packets relayed`);
}

const schemes = [
  { scheme: "rtsps", pin: cert.fingerprint.toUpperCase() }, // MediaMTX compares case-insensitively
  { scheme: "rtsps+http", pin: cert.fingerprint },
  { scheme: "rtsps+ws", pin: cert.fingerprint },
];

for (const { scheme, pin } of schemes) {
  Deno.test(`sourceFingerprint: a ${scheme}:// source with a self-signed CA:TRUE certificate is pulled when pinned`, async () => {
    await using srv = await startRelay(scheme, pin);
    await using pub = await publish(srv);
    await waitFor(() => srv.logs.some((l) => /\[path relay\] \[RTSP source\] ready/.test(l)), {
      timeoutMs: 8000,
      message: `the ${scheme} source did not become ready:\n${srv.logs.join("\n")}`,
    });
    await readRelay(srv, pub);
    assert.ok(!srv.logs.some((l) => l.includes("not supported")), "no warning about sourceFingerprint");
  });
}

Deno.test("sourceFingerprint: a wrong fingerprint closes the connection before any RTSP request and retries", async () => {
  const wrong = "00".repeat(32);
  await using srv = await startRelay("rtsps", wrong);
  const mismatch = (l: string) =>
    l.includes(
      `[path relay] [RTSP source] source fingerprint does not match: expected ${wrong}, got ${cert.fingerprint}`,
    ) &&
    l.includes("retrying in 300 ms");
  await waitFor(() => srv.logs.filter(mismatch).length >= 2, {
    timeoutMs: 5000,
    message: `no repeated mismatch log:\n${srv.logs.join("\n")}`,
  });
  // The TLS server saw the handshakes, but not one byte after them.
  await waitFor(() => srv.logs.some((l) => /\[RTSPS\] \[conn [^\]]+\] refused: no first bytes/.test(l)), {
    timeoutMs: 3000,
    message: "the TLS listener did not see an empty connection",
  });
  assert.ok(!srv.logs.some((l) => /\[RTSPS\].*\[c->s\]/.test(l)), "no RTSP request was sent");
  assert.ok(!srv.logs.some((l) => /\[path relay\] \[RTSP source\] ready/.test(l)));
});

Deno.test("sourceFingerprint: without it, the certificate is verified and the self-signed one is refused", async () => {
  await using srv = await startRelay("rtsps", undefined);
  await waitFor(
    () => srv.logs.some((l) => /\[path relay\] \[RTSP source\] .*certificate.*retrying in 300 ms/i.test(l)),
    { timeoutMs: 5000, message: `no certificate error:\n${srv.logs.join("\n")}` },
  );
});

Deno.test("dialTls: the pin accepts colons and any case, and a mismatch names the presented fingerprint", async () => {
  using listener = Deno.listenTls({
    hostname: "127.0.0.1",
    port: 0,
    cert: cert.certPem,
    key: await Deno.readTextFile(cert.keyFile),
  });
  const port = (listener.addr as Deno.NetAddr).port;
  const echo = (async () => {
    for await (const c of listener) {
      (async () => {
        const buf = new Uint8Array(64);
        try {
          const n = await c.read(buf);
          if (n !== null) await c.write(buf.subarray(0, n));
        } catch {
          // the client hung up during the handshake
        } finally {
          c.close();
        }
      })();
    }
  })();
  const colons = cert.fingerprint.toUpperCase().match(/../g)!.join(":");
  const stream = await dialTls({ hostname: "127.0.0.1", port, fingerprint: colons });
  await stream.write(new TextEncoder().encode("ping"));
  const buf = new Uint8Array(16);
  const n = await stream.read(buf);
  assert.equal(new TextDecoder().decode(buf.subarray(0, n!)), "ping");
  assert.equal(stream.secure, true);
  stream.close();
  await assert.rejects(
    () => dialTls({ hostname: "127.0.0.1", port, fingerprint: "ab".repeat(32) }),
    (e: unknown) => e instanceof FingerprintMismatchError && e.actual === cert.fingerprint,
  );
  listener.close();
  await echo.catch(() => {});
});
