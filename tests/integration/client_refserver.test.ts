/**
 * RtspClient against a third-party server: GStreamer's GstRtspServer 1.22 (refserver.py,
 * GStreamer's own RTSP server), reading its live H.264 + AAC mount over TCP and UDP, with Digest auth.
 * Skipped with a notice when python3-gi or the GStreamer plugins are missing (failed in CI).
 */
import assert from "node:assert/strict";
import { RtspClient } from "../../src/client/mod.ts";
import type { RtspClientOptions } from "../../src/client/mod.ts";
import { RtspError } from "../../src/wire/rtsp/rtsp_error.ts";
import { rtpSequenceNumber } from "../../src/wire/rtp/packet.ts";
import { codecOf, payloadTypes } from "../../src/wire/sdp/media_format.ts";
import { clientsAvailable, interopIgnore, requireClients } from "../_helpers/availability.ts";
import { RefServer, startRefServer } from "../_helpers/refserver.ts";
import { allocatePorts } from "../_helpers/ports.ts";
import { spawnProcess } from "../_helpers/process.ts";
import { SYSTEM_PYTHON } from "../_helpers/availability.ts";
import { waitFor } from "../_helpers/wait.ts";

const available = await clientsAvailable();
const ignore = interopIgnore(available, ["refserver"]);

/** Starts refserver.py; its /file mount (the only one reading a file) is not used here. */
async function refServer(): Promise<RefServer> {
  requireClients(available, ["refserver"]);
  return await startRefServer("unused.mp4");
}

/** Plays `url` until both medias delivered `count` RTP packets; returns the client for more checks. */
async function playBoth(url: string, options: RtspClientOptions, count = 20) {
  const client = await RtspClient.connect(url, { timeoutMs: 5000, ...options });
  const rtp = [0, 0];
  const rtcp = [0, 0];
  const lastSeq = [-1, -1];
  let gaps = 0;
  client.onRtp = (m, p) => {
    const seq = rtpSequenceNumber(p);
    if (lastSeq[m] !== -1 && seq !== ((lastSeq[m] + 1) & 0xffff)) gaps++;
    lastSeq[m] = seq;
    rtp[m]++;
  };
  client.onRtcp = (m) => rtcp[m]++;
  try {
    await client.options();
    const { sdp, baseUrl } = await client.describe();
    assert.equal(sdp.medias.length, 2);
    const codecs = sdp.medias.map((m) => codecOf(m, payloadTypes(m)[0]).toUpperCase()).sort();
    assert.deepEqual(codecs, ["H264", "MPEG4-GENERIC"]);
    // GstRtspServer answers Content-Base rtsp:// even over TLS (a GstRtspServer quirk).
    const bare = (u: string) => u.replace(/^rtsps?:\/\/([^@/]*@)?/, "");
    assert.ok(bare(baseUrl).startsWith(bare(url)), `base URL ${baseUrl}`);
    await client.setupAll();
    await client.play();
    await waitFor(() => rtp[0] >= count && rtp[1] >= count, {
      timeoutMs: 15000,
      message: `RTP packets per media: ${rtp.join("/")}`,
    });
    return { client, rtp, rtcp, gaps: () => gaps };
  } catch (e) {
    await client.close();
    throw e;
  }
}

for (const transport of ["tcp", "udp"] as const) {
  Deno.test({
    name: `refserver: read /test over ${transport}, RTP arrives on both medias`,
    ignore,
    fn: async () => {
      await using ref = await refServer();
      const since = ref.process.lines.length;
      const { client, gaps } = await playBoth(ref.url("/test"), { transport });
      await using _client = client;
      assert.equal(client.transport, transport);
      // UDP may lose a datagram on a loaded machine; TCP must not.
      if (transport === "tcp") assert.equal(gaps(), 0, "sequence numbers are consecutive");
      await client.teardown();
      const setups = ref.process.lines.slice(since).filter((l) => l.startsWith("[req] SETUP"));
      assert.equal(setups.length, 2);
      for (const line of setups) {
        assert.match(
          line,
          transport === "tcp" ? /RTP\/AVP\/TCP;unicast;interleaved=\d+-\d+/ : /client_port=\d+-\d+/,
        );
      }
      await ref.waitForLine(/^\[req\] TEARDOWN/, 5000, since);
    },
  });
}

Deno.test({
  name: "refserver: automatic transport stays on UDP when packets flow, and RTCP Sender Reports arrive",
  ignore,
  fn: async () => {
    await using ref = await refServer();
    const { client, rtcp } = await playBoth(ref.url("/test"), { transport: "automatic" });
    await using _client = client;
    // GStreamer sends its first SR within a few seconds; 3 s later the switch check has run too.
    await waitFor(() => rtcp[0] + rtcp[1] > 0, { timeoutMs: 10000, message: "no RTCP" });
    await new Promise((r) => setTimeout(r, 3200));
    assert.equal(client.transport, "udp");
  },
});

Deno.test({
  name: "refserver: /auth with URL credentials (Digest chosen over Basic), wrong password gets 401",
  ignore,
  fn: async () => {
    await using ref = await refServer();
    const since = ref.process.lines.length;
    const url = ref.url("/auth").replace("rtsp://", "rtsp://user:pass@");
    const { client } = await playBoth(url, { transport: "tcp" }, 5);
    await using _client = client;
    const describe = await ref.waitForLine(/^\[req\] DESCRIBE/, 5000, since);
    assert.match(describe, /Authorization: Digest/);

    await using wrong = await RtspClient.connect(url.replace("user:pass", "user:nope"), { timeoutMs: 5000 });
    await assert.rejects(wrong.describe(), (e) => e instanceof RtspError && e.status === 401);
  },
});

/**
 * A test CA and a server certificate for 127.0.0.1 signed by it (rustls refuses a CA certificate
 * used as the server's own, so a single self-signed certificate is not enough).
 */
async function testCertificates(dir: string): Promise<{ ca: string; crt: string; key: string }> {
  const openssl = async (...args: string[]) => {
    const out = await new Deno.Command("openssl", { args, cwd: dir, stdout: "null", stderr: "piped" })
      .output();
    if (!out.success) throw new Error(`openssl ${args[0]} failed: ${new TextDecoder().decode(out.stderr)}`);
  };
  await openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.crt",
    "-days",
    "1",
    "-subj",
    "/CN=client test CA",
  );
  await Deno.writeTextFile(
    `${dir}/leaf.ext`,
    "basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n",
  );
  await openssl(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
    "-subj",
    "/CN=localhost",
  );
  await openssl(
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "server.crt",
    "-days",
    "1",
    "-extfile",
    "leaf.ext",
  );
  return { ca: `${dir}/ca.crt`, crt: `${dir}/server.crt`, key: `${dir}/server.key` };
}

Deno.test({
  name: "refserver over TLS: rtsps:// with a pinned CA, automatic transport goes straight to TCP",
  ignore,
  fn: async () => {
    requireClients(available, ["refserver"]);
    const dir = await Deno.makeTempDir({ prefix: "client_tls_" });
    try {
      const { ca, crt, key } = await testCertificates(dir);
      const [port] = await allocatePorts(1);
      const script = new URL("../_helpers/refserver.py", import.meta.url).pathname;
      const args = [script, "--port", String(port), "--tls", crt, key];
      await using ref = new RefServer(spawnProcess(SYSTEM_PYTHON, { args }), port);
      await ref.waitForLine(/^ready rtsps:\/\//, 15000);
      const url = `rtsps://127.0.0.1:${port}/test`;
      const { client } = await playBoth(url, { tls: { caCerts: [await Deno.readTextFile(ca)] } }, 5);
      await using _client = client;
      assert.equal(client.transport, "tcp");

      // Without the CA, the handshake fails: certificate errors are never ignored.
      await assert.rejects(async () => {
        const c = await RtspClient.connect(url, { timeoutMs: 5000 });
        await using _c = c;
        await c.options();
      }, /certificate/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
