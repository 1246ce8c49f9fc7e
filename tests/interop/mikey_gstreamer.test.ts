/**
 * End to end against gst-rtsp-server 1.22 (refserver.py, RECORD mount /srecordv, RTP/SAVP only):
 * a key made by `createMikeyMessage`/`buildMikey` goes in the ANNOUNCE SDP and the SETUP KeyMgmt
 * header, H.264 packets encrypted by `SrtpContext` under that key (with a non-zero ROC carried
 * in MIKEY, crossing a sequence number wrap) go interleaved over TCP, and the server must decode
 * the video. Skipped without the reference server, except in CI.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { clientsAvailable, interopIgnore, requireClients } from "../_helpers/availability.ts";
import { startRefServer } from "../_helpers/refserver.ts";
import { spawnProcess } from "../_helpers/process.ts";
import { waitFor } from "../_helpers/wait.ts";
import { buildMikey } from "../../src/wire/mikey/build.ts";
import {
  formatKeyMgmtAttribute,
  formatMikeyKeyMgmt,
  parseMikeyKeyMgmt,
} from "../../src/wire/mikey/key_mgmt.ts";
import { checkMikeyTime, createMikeyMessage } from "../../src/wire/mikey/message.ts";
import { SrtpContext } from "../../src/wire/srtp/srtp_context.ts";

const available = await clientsAvailable();
const MEDIA = fileURLToPath(new URL("../fixtures/media/test.mp4", import.meta.url));
const FRAMES = 50;

/** H.264 RTP packets (SPS/PPS in band) made by GStreamer and caught on a UDP socket. */
async function h264Packets(): Promise<Uint8Array[]> {
  const socket = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  const packets: Uint8Array[] = [];
  const loop = (async () => {
    try {
      for await (const [data] of socket) packets.push(data);
    } catch {
      // Closed.
    }
  })();
  await using gst = spawnProcess("gst-launch-1.0", {
    args: [
      "-q",
      ...`videotestsrc num-buffers=${FRAMES} ! video/x-raw,width=320,height=240,framerate=25/1`.split(" "),
      ...`! x264enc tune=zerolatency key-int-max=10 ! rtph264pay pt=96 config-interval=-1`.split(" "),
      ...`! udpsink host=127.0.0.1 port=${(socket.addr as Deno.NetAddr).port}`.split(" "),
    ],
  });
  assert.equal((await gst.wait(20_000)).code, 0, gst.output());
  await new Promise((r) => setTimeout(r, 200));
  socket.close();
  await loop;
  return packets;
}

/** A minimal RTSP client connection: requests, responses, interleaved frames out. */
class RtspConnection {
  readonly #conn: Deno.TcpConn;
  #buffer = new Uint8Array(0);
  #cseq = 0;

  constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
  }

  async request(method: string, url: string, headers: Record<string, string>, body = ""): Promise<string> {
    const lines = [`${method} ${url} RTSP/1.0`, `CSeq: ${++this.#cseq}`];
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    if (body !== "") lines.push(`Content-Length: ${new TextEncoder().encode(body).length}`);
    await this.#write(new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n" + body));
    return await this.#response();
  }

  async interleaved(channel: number, packet: Uint8Array): Promise<void> {
    const frame = new Uint8Array(4 + packet.length);
    frame.set([0x24, channel, packet.length >> 8, packet.length & 0xff]);
    frame.set(packet, 4);
    await this.#write(frame);
  }

  close(): void {
    this.#conn.close();
  }

  async #write(data: Uint8Array): Promise<void> {
    for (let o = 0; o < data.length;) o += await this.#conn.write(data.subarray(o));
  }

  /** Reads the next response, skipping interleaved frames (the server's RTCP). */
  async #response(): Promise<string> {
    while (true) {
      const b = this.#buffer;
      if (b.length >= 4 && b[0] === 0x24) {
        const length = 4 + ((b[2] << 8) | b[3]);
        if (b.length >= length) {
          this.#buffer = b.slice(length);
          continue;
        }
      } else {
        const text = new TextDecoder().decode(b);
        const end = text.indexOf("\r\n\r\n");
        if (end >= 0) {
          const length = Number(/^Content-Length:\s*(\d+)/im.exec(text.slice(0, end))?.[1] ?? 0);
          if (b.length >= end + 4 + length) {
            this.#buffer = b.slice(end + 4 + length);
            return text.slice(0, end + 4 + length);
          }
        }
      }
      const chunk = new Uint8Array(65536);
      const n = await this.#conn.read(chunk);
      if (n === null) throw new Error("connection closed by the server");
      const grown = new Uint8Array(b.length + n);
      grown.set(b);
      grown.set(chunk.subarray(0, n), b.length);
      this.#buffer = grown;
    }
  }
}

Deno.test({
  name: "gst-rtsp-server RECORD decodes video keyed by our MIKEY and encrypted by SrtpContext",
  ignore: interopIgnore(available, ["refserver"]),
  async fn() {
    requireClients(available, ["refserver"]);
    const plain = await h264Packets();
    assert.ok(plain.length >= FRAMES, `only ${plain.length} RTP packets from GStreamer`);

    await using server = await startRefServer(MEDIA);
    const since = server.process.lines.length;
    const base = server.url("/srecordv");
    const ssrc = 0x5eed_0001;
    const roc = 3;
    const key = new Uint8Array(randomBytes(30));
    const mikey = buildMikey(createMikeyMessage(key, [{ ssrc, roc }], Date.now()));
    const sdp = [
      "v=0",
      "o=- 1 1 IN IP4 127.0.0.1",
      "s=SrtpContext",
      "t=0 0",
      "m=video 0 RTP/SAVP 96",
      "c=IN IP4 0.0.0.0",
      "a=rtpmap:96 H264/90000",
      "a=fmtp:96 packetization-mode=1",
      "a=control:stream=0",
      `a=key-mgmt:${formatKeyMgmtAttribute(mikey)}`,
      "",
    ].join("\r\n");

    const rtsp = new RtspConnection(await Deno.connect({ hostname: "127.0.0.1", port: server.port }));
    try {
      const announce = await rtsp.request("ANNOUNCE", base, { "Content-Type": "application/sdp" }, sdp);
      assert.match(announce, /^RTSP\/1.0 200 /, announce);
      // The server answers with its own key (for its RTCP): it must parse and be fresh.
      const serverKey = /^KeyMgmt:\s*(.*)$/m.exec(announce)?.[1].trim();
      assert.ok(serverKey, announce);
      checkMikeyTime(parseMikeyKeyMgmt(serverKey).message, Date.now());

      const setup = await rtsp.request("SETUP", `${base}/stream=0`, {
        Transport: "RTP/SAVP/TCP;unicast;interleaved=0-1;mode=record",
        KeyMgmt: formatMikeyKeyMgmt(`${base}/stream=0`, mikey),
      });
      assert.match(setup, /^RTSP\/1.0 200 /, setup);
      const session = /^Session:\s*([^;\r\n]+)/m.exec(setup)![1];
      const record = await rtsp.request("RECORD", base, { Session: session, Range: "npt=0.000-" });
      assert.match(record, /^RTSP\/1.0 200 /, record);

      const sender = new SrtpContext(key);
      sender.setRoc(ssrc, roc);
      for (const [i, packet] of plain.entries()) {
        const p = packet.slice();
        const seq = (65_500 + i) & 0xffff; // wraps to 0 after 36 packets: ROC 3 → 4
        p.set([seq >> 8, seq & 0xff], 2);
        new DataView(p.buffer).setUint32(8, ssrc);
        await rtsp.interleaved(0, sender.encryptRtp(p));
      }
      assert.equal(sender.rocOf(ssrc), plain.length > 36 ? roc + 1 : roc);

      await waitFor(() => (server.counts("/srecordv", since).stream0 ?? 0) >= FRAMES - 5, {
        timeoutMs: 15_000,
        message: `decoded buffers on /srecordv: ${JSON.stringify(server.counts("/srecordv", since))}\n` +
          server.process.output(),
      });
      const teardown = await rtsp.request("TEARDOWN", base, { Session: session });
      assert.match(teardown, /^RTSP\/1.0 200 /, teardown);
    } finally {
      rtsp.close();
    }
  },
});
