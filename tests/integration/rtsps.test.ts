/** RTSPS: TLS listener, encryption modes, certificate reload, hostile handshakes. */
import assert from "node:assert/strict";
import { startTestServer } from "./_server.ts";
import { FFMPEG_ANNOUNCE_SDP } from "./_raw_rtsp.ts";
import { makeTestCert } from "../_helpers/certs.ts";
import { waitFor } from "../_helpers/wait.ts";
import { RtspFramer } from "../../src/wire/rtsp/framer.ts";
import type { RtspResponse } from "../../src/wire/rtsp/message.ts";

const enc = new TextEncoder();

/** One request over a TLS connection, returning the response. */
async function tlsRequest(conn: Deno.TlsConn, text: string): Promise<RtspResponse> {
  await conn.write(enc.encode(text));
  const framer = new RtspFramer();
  const buf = new Uint8Array(16384);
  for (;;) {
    const n = await conn.read(buf);
    if (n === null) throw new Error("closed");
    framer.push(buf.subarray(0, n));
    const f = framer.next();
    if (f?.kind === "response") return f.response;
  }
}

async function connectTls(port: number, caCerts: string[]): Promise<Deno.TlsConn> {
  return await Deno.connectTls({ hostname: "localhost", port, caCerts });
}

Deno.test("rtsps: the TLS listener answers RTSP and accepts both rtsps:// and rtsp:// request URLs", async () => {
  const cert = await makeTestCert();
  await using srv = await startTestServer(
    `rtspEncryption: optional\nrtspServerCert: ${cert.certFile}\nrtspServerKey: ${cert.keyFile}`,
  );
  assert.equal(srv.app.servers.length, 2, "optional runs both servers");
  const conn = await connectTls(srv.ports.rtsps, [cert.certPem]);
  try {
    let res = await tlsRequest(conn, `OPTIONS ${srv.secureUrl("x")} RTSP/1.0\r\nCSeq: 1\r\n\r\n`);
    assert.equal(res.statusCode, 200);
    res = await tlsRequest(
      conn,
      `ANNOUNCE ${
        srv.secureUrl("s")
      } RTSP/1.0\r\nCSeq: 2\r\nContent-Type: application/sdp\r\nContent-Length: ${
        enc.encode(FFMPEG_ANNOUNCE_SDP).length
      }\r\n\r\n${FFMPEG_ANNOUNCE_SDP}`,
    );
    assert.equal(res.statusCode, 200);
    // ffmpeg takes SETUP URLs from Content-Base, which may say rtsp:// on the TLS port (a GstRtspServer quirk).
    res = await tlsRequest(
      conn,
      `SETUP rtsp://127.0.0.1:${srv.ports.rtsps}/s/streamid=0 RTSP/1.0\r\nCSeq: 3\r\nTransport: RTP/AVP/TCP;interleaved=0-1;mode=record\r\n\r\n`,
    );
    assert.equal(res.statusCode, 200);
    res = await tlsRequest(
      conn,
      `SETUP rtsps://127.0.0.1:${srv.ports.rtsps}/s/streamid=1 RTSP/1.0\r\nCSeq: 4\r\nTransport: RTP/AVP;unicast;client_port=5000-5001;mode=record\r\nSession: ${
        res.headers.get("Session")!.split(";")[0]
      }\r\n\r\n`,
    );
    assert.equal(res.statusCode, 461, "plain RTP over UDP next to TLS is refused");
  } finally {
    conn.close();
  }
});

Deno.test("rtsps: strict runs only the TLS server; a missing certificate stops the start with its name", async () => {
  const cert = await makeTestCert();
  {
    await using srv = await startTestServer(
      `rtspEncryption: strict\nrtspServerCert: ${cert.certFile}\nrtspServerKey: ${cert.keyFile}`,
    );
    assert.equal(srv.app.servers.length, 1);
    await assert.rejects(
      Deno.connect({ hostname: "127.0.0.1", port: srv.ports.rtsp }),
      "nothing listens on 8554",
    );
  }
  await assert.rejects(
    startTestServer(
      `rtspEncryption: "yes"\nrtspServerCert: ${cert.dir}/missing.crt\nrtspServerKey: ${cert.keyFile}`,
    ),
    /cannot read the TLS certificate \(rtspServerCert\) '.*missing\.crt'/,
  );
});

Deno.test("rtsps: garbage handshakes and clients that vanish mid-handshake leave the server serving", async () => {
  const cert = await makeTestCert();
  await using srv = await startTestServer(
    `rtspEncryption: strict\nrtspServerCert: ${cert.certFile}\nrtspServerKey: ${cert.keyFile}`,
  );
  const garbage = await Deno.connect({ hostname: "127.0.0.1", port: srv.ports.rtsps });
  await garbage.write(enc.encode("OPTIONS rtsp://x RTSP/1.0\r\nCSeq: 1\r\n\r\n"));
  const half = await Deno.connect({ hostname: "127.0.0.1", port: srv.ports.rtsps });
  await half.write(new Uint8Array([0x16, 0x03, 0x01, 0x02, 0x00, 0x01])); // a truncated ClientHello
  half.close();
  const good = await connectTls(srv.ports.rtsps, [cert.certPem]);
  try {
    assert.equal(
      (await tlsRequest(good, `OPTIONS ${srv.secureUrl("x")} RTSP/1.0\r\nCSeq: 1\r\n\r\n`)).statusCode,
      200,
    );
    // The server may answer with a TLS alert before closing: read until the end of the stream.
    const buf = new Uint8Array(100);
    let n: number | null = 0;
    while (n !== null) n = await garbage.read(buf).catch(() => null);
  } finally {
    good.close();
    garbage.close();
  }
  await waitFor(() => srv.logs.some((l) => l.includes("TLS handshake failed")), {
    timeoutMs: 3000,
    message: "handshake failure not logged",
  });
});

Deno.test("rtsps: a replaced certificate is picked up without dropping established connections", async () => {
  const first = await makeTestCert("first");
  const second = await makeTestCert("second");
  await using srv = await startTestServer(
    `rtspEncryption: strict\nrtspServerCert: ${first.certFile}\nrtspServerKey: ${first.keyFile}`,
  );
  const old = await connectTls(srv.ports.rtsps, [first.certPem]);
  try {
    await Deno.copyFile(second.certFile, first.certFile);
    await Deno.copyFile(second.keyFile, first.keyFile);
    await waitFor(() => srv.logs.some((l) => l.includes("TLS certificate reloaded")), {
      timeoutMs: 8000,
      message: "certificate not reloaded",
    });
    const fresh = await connectTls(srv.ports.rtsps, [second.certPem]);
    try {
      assert.equal(
        (await tlsRequest(fresh, `OPTIONS ${srv.secureUrl("x")} RTSP/1.0\r\nCSeq: 1\r\n\r\n`)).statusCode,
        200,
      );
    } finally {
      fresh.close();
    }
    await assert.rejects(
      connectTls(srv.ports.rtsps, [first.certPem]).then((c) => c.handshake().finally(() => c.close())),
    );
    assert.equal(
      (await tlsRequest(old, `OPTIONS ${srv.secureUrl("x")} RTSP/1.0\r\nCSeq: 2\r\n\r\n`)).statusCode,
      200,
      "the connection made with the old certificate still works",
    );
  } finally {
    old.close();
  }
});
