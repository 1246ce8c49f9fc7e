/** SRTP on RTSPS over real sockets: MIKEY keys in SDP and KeyMgmt, encrypt-once, SAVP publishing. */
import assert from "node:assert/strict";
import { bodyText, FFMPEG_VIDEO_SDP, RawRtsp, rtpPacket } from "./_raw_rtsp.ts";
import { startTestServer } from "./_server.ts";
import type { TestServer } from "./_server.ts";
import { makeTestCert } from "../_helpers/certs.ts";
import { waitFor } from "../_helpers/wait.ts";
import { SrtpContext } from "../../src/wire/srtp/mod.ts";
import {
  createMikeyMessage,
  formatMikeyKeyMgmt,
  parseKeyMgmtAttribute,
  parseMikey,
  parseMikeyKeyMgmt,
} from "../../src/wire/mikey/mod.ts";

const sessionId = (h: string | undefined) => h!.split(";")[0];
const SECRET = new TextEncoder().encode("PLAINTEXT-PAYLOAD-THAT-MUST-NOT-LEAK");

async function secureServer(): Promise<{ srv: TestServer; ca: string[] }> {
  const cert = await makeTestCert();
  const srv = await startTestServer(
    `rtspEncryption: strict\nrtspServerCert: ${cert.certFile}\nrtspServerKey: ${cert.keyFile}`,
  );
  return { srv, ca: [cert.certPem] };
}

/** Publishes the ffmpeg SDP as plain RTP inside TLS (what ffmpeg does on rtsps://). */
async function publishInTls(srv: TestServer, ca: string[], path: string): Promise<RawRtsp> {
  const pub = await RawRtsp.connectTls(srv.ports.rtsps, ca);
  const url = srv.secureUrl(path);
  await pub.request("ANNOUNCE", url, { "Content-Type": "application/sdp" }, FFMPEG_VIDEO_SDP);
  const res = await pub.request("SETUP", `${url}/streamid=0`, {
    Transport: "RTP/AVP/TCP;interleaved=0-1;mode=record",
  });
  assert.equal(res.statusCode, 200);
  assert.equal(
    (await pub.request("RECORD", url, { Session: sessionId(res.headers.get("Session")) })).statusCode,
    200,
  );
  return pub;
}

Deno.test("srtp: DESCRIBE offers RTP/SAVP with a MIKEY key per media; SAVP readers get SRTP they can decrypt", async () => {
  const { srv, ca } = await secureServer();
  await using _srv = srv;
  await using pub = await publishInTls(srv, ca, "cam");
  const url = srv.secureUrl("cam");
  await using reader = await RawRtsp.connectTls(srv.ports.rtsps, ca);
  const d = await reader.request("DESCRIBE", url);
  const sdp = bodyText(d);
  assert.match(sdp, /m=video 0 RTP\/SAVP 96\r\n/);
  const sdpKey = parseMikey(parseKeyMgmtAttribute(/a=key-mgmt:(.*)\r\n/.exec(sdp)![1]));
  assert.equal(sdpKey.key.length, 30);

  // Two SAVP readers over UDP (SRTP ports), each announcing its own key for its RTCP.
  const socks = [0, 1].map(() => Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 }));
  const readers = [reader, await RawRtsp.connectTls(srv.ports.rtsps, ca)];
  try {
    const keys: Uint8Array[] = [];
    for (let i = 0; i < 2; i++) {
      const port = (socks[i].addr as Deno.NetAddr).port;
      const own = createMikeyMessage(
        crypto.getRandomValues(new Uint8Array(30)),
        [{ ssrc: 1234, roc: 0 }],
        Date.now(),
      );
      const res = await readers[i].request("SETUP", `${url}/trackID=0`, {
        Transport: `RTP/SAVP;unicast;client_port=${port}-${port + 1}`,
        KeyMgmt: formatMikeyKeyMgmt(`${url}/trackID=0`, own),
      });
      assert.equal(res.statusCode, 200);
      assert.match(
        res.headers.get("Transport")!,
        new RegExp(`^RTP/SAVP;unicast;.*server_port=${srv.ports.srtp}-`),
      );
      const km = parseMikeyKeyMgmt(res.headers.get("KeyMgmt")!).message;
      assert.deepEqual(km.key, sdpKey.key, "every reader shares the stream's key");
      keys.push(km.key);
      assert.equal(
        (await readers[i].request("PLAY", url, { Session: sessionId(res.headers.get("Session")) }))
          .statusCode,
        200,
      );
    }
    await pub.writeInterleaved(0, rtpPacket(500, 9000, SECRET));
    const [a] = await socks[0].receive();
    const [b] = await socks[1].receive();
    assert.deepEqual(a, b, "encrypted once: both readers get the same bytes");
    assert.equal(a.length, 12 + SECRET.length + 10, "an 80-bit tag is appended");
    const text = new TextDecoder("latin1").decode(a);
    assert.ok(!text.includes("PLAINTEXT"), "no plaintext leaves the SRTP port");
    const plain = new SrtpContext(keys[0]).decryptRtp(a);
    assert.deepEqual(plain.subarray(12), SECRET);
  } finally {
    for (const s of socks) s.close();
    await readers[1][Symbol.asyncDispose]();
  }
});

Deno.test("srtp: a SAVP publisher's packets are decrypted into the stream; SAVP SETUP without a key is 400", async () => {
  const { srv, ca } = await secureServer();
  await using _srv = srv;
  const url = srv.secureUrl("savp");
  await using pub = await RawRtsp.connectTls(srv.ports.rtsps, ca);
  const savpSdp = FFMPEG_VIDEO_SDP.replaceAll("RTP/AVP", "RTP/SAVP");
  assert.equal(
    (await pub.request("ANNOUNCE", url, { "Content-Type": "application/sdp" }, savpSdp)).statusCode,
    200,
  );
  const noKey = await pub.request("SETUP", `${url}/streamid=0`, {
    Transport: "RTP/SAVP/TCP;interleaved=0-1;mode=record",
  });
  assert.equal(noKey.statusCode, 400);
  const key = crypto.getRandomValues(new Uint8Array(30));
  const res = await pub.request("SETUP", `${url}/streamid=0`, {
    Transport: "RTP/SAVP/TCP;interleaved=0-1;mode=record",
    KeyMgmt: formatMikeyKeyMgmt(
      `${url}/streamid=0`,
      createMikeyMessage(key, [{ ssrc: 0x11223344, roc: 0 }], Date.now()),
    ),
  });
  assert.equal(res.statusCode, 200);
  assert.ok(res.headers.get("KeyMgmt"), "the server answers with its own key (for its receiver reports)");
  assert.equal(
    (await pub.request("RECORD", url, { Session: sessionId(res.headers.get("Session")) })).statusCode,
    200,
  );

  // A plain reader inside TLS gets the decrypted payload.
  await using r = await RawRtsp.connectTls(srv.ports.rtsps, ca);
  const setup = await r.request("SETUP", `${url}/trackID=0`, { Transport: "RTP/AVP/TCP;interleaved=0-1" });
  await r.request("PLAY", url, { Session: sessionId(setup.headers.get("Session")) });
  const enc = new SrtpContext(key);
  await pub.writeInterleaved(0, enc.encryptRtp(rtpPacket(1, 0, SECRET)));
  await pub.writeInterleaved(0, new Uint8Array(40)); // garbage: dropped and logged, nothing else
  await pub.writeInterleaved(0, enc.encryptRtp(rtpPacket(2, 3000, SECRET)));
  for (const seq of [1, 2]) {
    const f = await r.nextInterleaved();
    assert.equal(f.payload[3], seq);
    assert.deepEqual(f.payload.subarray(12), SECRET);
  }
  await waitFor(() => srv.logs.some((l) => l.includes("undecryptable packets")), {
    timeoutMs: 3000,
    message: `bad packet not reported:\n${srv.logs.join("\n")}`,
  });
});
