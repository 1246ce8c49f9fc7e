/**
 * `udpMaxPayloadSize`: a publisher that puts whole 4000-byte NAL units in one RTP packet (as UniFi
 * cameras do) over TCP; UDP readers get every NAL unit split into FU-A datagrams no larger than the
 * limit, numbered without gaps, and TCP readers the original packets.
 */
import assert from "node:assert/strict";
import { RtspClient } from "../../src/client/mod.ts";
import { startTestServer } from "./_server.ts";
import { waitFor, withTimeout } from "../_helpers/wait.ts";
import { makeTestCert } from "../_helpers/certs.ts";
import { FFMPEG_ANNOUNCE_SDP, FFMPEG_VIDEO_SDP, RawRtsp, rtpPacket } from "./_raw_rtsp.ts";
import { SrtpContext } from "../../src/wire/srtp/mod.ts";
import { parseRtcpCompound } from "../../src/wire/rtcp/mod.ts";
import { createMikeyMessage, formatMikeyKeyMgmt, parseMikeyKeyMgmt } from "../../src/wire/mikey/mod.ts";

const FRAMES = 60;

/** Frame `i`: an IDR (type 5) every 20 frames, else a slice (type 1), 4000 bytes of counting bytes. */
function frameNal(i: number): Uint8Array {
  const n = Uint8Array.from({ length: 4000 }, (_, k) => (k * 7 + i) & 0xff);
  n[0] = i % 20 === 0 ? 0x65 : 0x41;
  return n;
}

/** Whole NAL units back from single NAL unit and FU-A payloads (RFC 6184 §5.6, §5.8). */
function depacketize(payloads: Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let fu: number[] | undefined;
  for (const p of payloads) {
    if ((p[0] & 0x1f) !== 28) {
      out.push(p);
      continue;
    }
    if (p[1] & 0x80) fu = [(p[0] & 0xe0) | (p[1] & 0x1f)];
    fu?.push(...p.subarray(2));
    if (p[1] & 0x40 && fu !== undefined) {
      out.push(Uint8Array.from(fu));
      fu = undefined;
    }
  }
  return out;
}

interface Reading {
  client: RtspClient;
  packets: Uint8Array[];
  /** Sender reports about media 0: packet and octet counts. */
  reports: { packets: number; octets: number }[];
}

async function read(url: string, transport: "udp" | "tcp"): Promise<Reading> {
  const client = await RtspClient.connect(url, { transport });
  const packets: Uint8Array[] = [];
  const reports: { packets: number; octets: number }[] = [];
  client.onRtp = (media, p) => {
    if (media === 0) packets.push(p.slice()); // UDP packets are views into a reused buffer
  };
  client.onRtcp = (media, p) => {
    for (const r of media === 0 ? parseRtcpCompound(p) : []) {
      if (r.type === "sr") reports.push({ packets: r.sr.packetCount, octets: r.sr.octetCount });
    }
  };
  await client.describe();
  await client.setupAll([0]);
  await client.play();
  assert.equal(client.transport, transport);
  return { client, packets, reports };
}

for (const limit of [undefined, 1200]) {
  Deno.test(`udpMaxPayloadSize ${limit ?? "default (1452)"}: 4000-byte packets published over TCP reach UDP readers split, TCP readers whole`, async () => {
    await using srv = await startTestServer(limit === undefined ? "" : `udpMaxPayloadSize: ${limit}`);
    const max = limit ?? 1452;
    await using pub = await RtspClient.connect(srv.url("big"), { transport: "tcp" });
    await pub.announce(FFMPEG_ANNOUNCE_SDP);
    await pub.record();
    const readers = [await read(srv.url("big"), "udp"), await read(srv.url("big"), "udp")];
    const tcp = await read(srv.url("big"), "tcp");
    try {
      const sent: Uint8Array[] = [];
      const perFrame = Math.ceil((4000 - 1) / (max - 12 - 2));
      for (let i = 0; i < FRAMES; i++) {
        sent.push(frameNal(i));
        await pub.writeRtp(0, rtpPacket(1000 + i, i * 3600, sent[i]));
        // Lockstep in bursts of 5 frames: loopback UDP drops what a busy receiver has no room for,
        // and this test checks the splitting, not the receive buffers.
        if (i % 5 === 4) {
          await waitFor(
            () => readers.every((r) => r.packets.length >= (i + 1) * perFrame) && tcp.packets.length > i,
            {
              timeoutMs: 5000,
              message: `frame ${i}: got ${readers.map((r) => r.packets.length)} / tcp ${tcp.packets.length}`,
            },
          );
        }
      }
      await waitFor(
        () => readers.every((r) => r.packets.length >= FRAMES * perFrame) && tcp.packets.length >= FRAMES,
        {
          timeoutMs: 10000,
          message: `got ${readers.map((r) => r.packets.length)} / tcp ${tcp.packets.length}`,
        },
      );
      for (const r of readers) {
        const sizes = r.packets.map((p) => p.length);
        assert.ok(Math.max(...sizes) <= max, `largest datagram ${Math.max(...sizes)} > ${max}`);
        assert.equal(r.packets.length, FRAMES * perFrame, `${perFrame} fragments per frame`);
        const seqs = r.packets.map((p) => (p[2] << 8) | p[3]);
        for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i], (seqs[i - 1] + 1) & 0xffff, "no gap");
        const got = depacketize(r.packets.map((p) => p.subarray(12)));
        assert.deepEqual(got, sent, "every NAL unit reassembles");
        const markers = r.packets.filter((p) => (p[1] & 0x80) !== 0).length;
        assert.equal(markers, FRAMES, "one marker per access unit");
      }
      // RTCP sender reports (the first about a second after PLAY) count what each reader was sent.
      await waitFor(() => [...readers, tcp].every((r) => r.reports.length > 0), {
        timeoutMs: 5000,
        message: "no sender report",
      });
      for (const r of [...readers, tcp]) {
        const octets = r.packets.reduce((n, p) => n + p.length - 12, 0);
        assert.deepEqual(r.reports.at(-1), { packets: r.packets.length, octets }, "SR counts match");
      }
      assert.deepEqual(tcp.packets.map((p) => p.length), sent.map(() => 4012), "TCP: the original packets");
      assert.equal(
        srv.logs.filter((l) => l.includes(`H264 RTP packets are too big for UDP (4012 > ${max}), splitting`))
          .length,
        1,
      );
    } finally {
      for (const r of [...readers, tcp]) await r.client.close();
    }
  });
}

Deno.test("udpMaxPayloadSize with SRTP: every SRTP reader, over UDP and TCP, gets the same split packets, which decrypt", async () => {
  const cert = await makeTestCert();
  await using srv = await startTestServer(
    `rtspEncryption: strict\nrtspServerCert: ${cert.certFile}\nrtspServerKey: ${cert.keyFile}`,
  );
  await using pub = await RawRtsp.connectTls(srv.ports.rtsps, [cert.certPem]);
  const url = srv.secureUrl("big");
  await pub.request("ANNOUNCE", url, { "Content-Type": "application/sdp" }, FFMPEG_VIDEO_SDP);
  const pres = await pub.request("SETUP", `${url}/streamid=0`, {
    Transport: "RTP/AVP/TCP;interleaved=0-1;mode=record",
  });
  await pub.request("RECORD", url, { Session: pres.headers.get("Session")!.split(";")[0] });
  const sock = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  await using _sock = { [Symbol.asyncDispose]: () => Promise.resolve(sock.close()) };
  const port = (sock.addr as Deno.NetAddr).port;
  const keyMgmt = () =>
    formatMikeyKeyMgmt(
      `${url}/trackID=0`,
      createMikeyMessage(crypto.getRandomValues(new Uint8Array(30)), [{ ssrc: 1, roc: 0 }], Date.now()),
    );
  const play = async (reader: RawRtsp, transport: string) => {
    const res = await reader.request("SETUP", `${url}/trackID=0`, {
      Transport: transport,
      KeyMgmt: keyMgmt(),
    });
    assert.equal(res.statusCode, 200);
    await reader.request("PLAY", url, { Session: res.headers.get("Session")!.split(";")[0] });
    return parseMikeyKeyMgmt(res.headers.get("KeyMgmt")!).message.key;
  };
  await using udpReader = await RawRtsp.connectTls(srv.ports.rtsps, [cert.certPem]);
  await using tcpReader = await RawRtsp.connectTls(srv.ports.rtsps, [cert.certPem]);
  const key = await play(udpReader, `RTP/SAVP;unicast;client_port=${port}-${port + 1}`);
  await play(tcpReader, "RTP/SAVP/TCP;unicast;interleaved=0-1");
  const sent = [frameNal(0), frameNal(1)];
  await pub.writeInterleaved(0, rtpPacket(7, 0, sent[0]));
  await pub.writeInterleaved(0, rtpPacket(8, 3600, sent[1]));
  const perFrame = Math.ceil((4000 - 1) / (1452 - 10 - 12 - 2));
  const overUdp: Uint8Array[] = [];
  while (overUdp.length < 2 * perFrame) {
    const [datagram] = await withTimeout(sock.receive(), 5000, `got ${overUdp.length} datagrams`);
    if (datagram[1] >= 200 && datagram[1] <= 207) continue; // SRTCP
    assert.ok(datagram.length <= 1452, `datagram of ${datagram.length} bytes`);
    overUdp.push(datagram);
  }
  const overTcp: Uint8Array[] = [];
  while (overTcp.length < 2 * perFrame) {
    const f = await tcpReader.nextInterleaved(5000);
    if (f.channel === 0) overTcp.push(f.payload);
  }
  // One numbering for the stream's key: both transports carry the very same SRTP packets.
  assert.deepEqual(overTcp, overUdp);
  const srtp = new SrtpContext(key);
  const plain = overUdp.map((d) => srtp.decryptRtp(d));
  assert.deepEqual(depacketize(plain.map((p) => p.subarray(12))), sent);
});
