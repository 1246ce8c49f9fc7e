/**
 * Real clients through the HTTP(S) tunnel, without the RTSP server: ffmpeg (`-rtsp_transport
 * http|https`) and GStreamer (`rtsph://`, `rtspsh://`) connect to `acceptCarrier`, and a scripted responder on the
 * resulting tunnel answers OPTIONS with 200 and DESCRIBE with 404. Seeing the DESCRIBE proves
 * that requests arrive through the POST and answers leave through the GET.
 */
import assert from "node:assert/strict";
import type { ByteStream } from "../../src/transport/byte_stream.ts";
import { RtspFramer } from "../../src/wire/rtsp/framer.ts";
import { makeTestCert } from "../_helpers/certs.ts";
import { clientsAvailable, interopIgnore, requireClients } from "../_helpers/availability.ts";
import { spawnProcess } from "../_helpers/process.ts";
import { withTimeout } from "../_helpers/wait.ts";
import { CarrierServer } from "../unit/transport/_loopback.ts";

const available = await clientsAvailable();

/** Answers requests on `tunnel` until it closes; returns the methods seen. */
async function scriptedResponder(tunnel: ByteStream): Promise<string[]> {
  const framer = new RtspFramer();
  const methods: string[] = [];
  const buf = new Uint8Array(65536);
  while (true) {
    const n = await tunnel.read(buf).catch(() => null);
    if (n === null) return methods;
    framer.push(buf.subarray(0, n));
    for (let f = framer.next(); f !== undefined; f = framer.next()) {
      if (f.kind !== "request") continue;
      methods.push(f.request.method);
      const cseq = f.request.headers.get("CSeq") ?? "0";
      const answer = f.request.method === "OPTIONS"
        ? `RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN\r\n\r\n`
        : `RTSP/1.0 404 Not Found\r\nCSeq: ${cseq}\r\n\r\n`;
      await tunnel.write(new TextEncoder().encode(answer)).catch(() => {});
    }
  }
}

interface RealClient {
  name: string;
  needs: "ffmpeg" | "gst";
  tls: boolean;
  command: string;
  args: (port: number) => string[];
}

const ffmpeg = (transport: string): RealClient => ({
  name: `ffmpeg -rtsp_transport ${transport}`,
  needs: "ffmpeg",
  tls: transport === "https",
  command: "ffmpeg",
  args: (port) => [
    ...["-hide_banner", "-nostdin", "-rtsp_transport", transport, "-timeout", "5000000"],
    ...["-i", `rtsp://127.0.0.1:${port}/cam?x=1`, "-t", "1", "-f", "null", "-"],
  ],
});

const rtspsrc = (scheme: string): RealClient => ({
  name: `GStreamer rtspsrc ${scheme}://`,
  needs: "gst",
  tls: scheme === "rtspsh",
  command: "gst-launch-1.0",
  args: (port) => [
    ...["rtspsrc", `location=${scheme}://127.0.0.1:${port}/cam?x=1`, "tcp-timeout=5000000"],
    ...(scheme === "rtspsh" ? ["tls-validation-flags=0"] : []),
    ...["!", "fakesink"],
  ],
});

const CLIENTS = [ffmpeg("http"), ffmpeg("https"), rtspsrc("rtsph"), rtspsrc("rtspsh")];

/** A throw-away certificate for the HTTPS variants (clients run without verification). */
async function testCert(): Promise<{ cert: string; key: string }> {
  const c = await makeTestCert();
  const key = await Deno.readTextFile(c.keyFile);
  await Deno.remove(c.dir, { recursive: true });
  return { cert: c.certPem, key };
}

for (const c of CLIENTS) {
  Deno.test({
    name: `real client: ${c.name} speaks RTSP through our HTTP tunnel`,
    ignore: interopIgnore(available, [c.needs]),
    fn: async () => {
      requireClients(available, [c.needs]);
      await using server = new CarrierServer({ tls: c.tls ? await testCert() : undefined });
      await using proc = spawnProcess(c.command, { args: c.args(server.port) });
      const tunnel = await server.next(10_000);
      assert.equal(tunnel.kind, "http");
      assert.equal(tunnel.secure, c.tls);
      const methods = await withTimeout(scriptedResponder(tunnel), 15_000, `${c.name} session`);
      assert.deepEqual(methods.slice(0, 2), ["OPTIONS", "DESCRIBE"], `${c.name}: ${proc.lines.join("\n")}`);
      const status = await withTimeout(proc.status, 15_000, `${c.name} exit`);
      assert.notEqual(status.code, 0, "the client saw the 404");
      assert.match(proc.lines.join("\n"), /404|Not Found/i);
    },
  });
}
