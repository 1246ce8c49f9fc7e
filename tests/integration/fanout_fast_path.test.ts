/**
 * The fan-out's fast paths (sendmmsg for UDP readers, synchronous FFI writes and a shared flush
 * point for TCP readers) deliver every packet, in order, to many readers at once; and a server
 * without FFI (the scoped permissions without `--ffi`) falls back to Deno's sockets and still does.
 */
import assert from "node:assert/strict";
import { RtspClient } from "../../src/client/mod.ts";
import type { RtspServer } from "../../src/server/rtsp_server.ts";
import { serverPermissionFlags } from "../../scripts/permissions.ts";
import { startServerWithPorts } from "../_helpers/server_process.ts";
import { waitFor } from "../_helpers/wait.ts";
import { clientsAvailable, ffmpegPublish, ffmpegRead } from "../_helpers/clients.ts";
import { FFMPEG_ANNOUNCE_SDP, rtpPacket } from "./_raw_rtsp.ts";
import { startTestServer } from "./_server.ts";

const PACKETS = 300;

async function publisher(url: string): Promise<RtspClient> {
  const pub = await RtspClient.connect(url, { transport: "tcp" });
  await pub.announce(FFMPEG_ANNOUNCE_SDP);
  await pub.record();
  return pub;
}

/** What a reader got, per media: sequence numbers, and [sequence number, size] pairs. */
interface Reader {
  client: RtspClient;
  seqs: number[][];
  got: [number, number][][];
}

/** A reader of `medias` (media 0 unless told; "all": every media) that records what it gets. */
async function reader(
  url: string,
  transport: "udp" | "tcp",
  medias: number[] | "all" = [0],
): Promise<Reader> {
  const client = await RtspClient.connect(url, { transport });
  const seqs: number[][] = [[], []];
  const got: [number, number][][] = [[], []];
  client.onRtp = (media, p) => {
    seqs[media]?.push((p[2] << 8) | p[3]);
    got[media]?.push([(p[2] << 8) | p[3], p.length]);
  };
  await client.describe();
  await client.setupAll(medias === "all" ? undefined : medias);
  await client.play();
  return { client, seqs, got };
}

/** Publishes PACKETS video packets in bursts of 10 (a frame's worth, written at once), 1200 bytes each. */
async function publishBursts(pub: RtspClient): Promise<void> {
  for (let i = 0; i < PACKETS; i += 10) {
    const frame: (Promise<void> | void)[] = [];
    for (let k = i; k < i + 10; k++) {
      frame.push(
        pub.writeRtp(0, rtpPacket(k, Math.floor(k / 10) * 3600, new Uint8Array(1188).fill(k & 0xff))),
      );
    }
    await Promise.all(frame);
    await new Promise((r) => setTimeout(r, 5)); // the gap between two frames
  }
}

/** Payload size of packet `i`: frames of 9 equal fragments and a shorter tail, sizes varying per frame. */
function sizeOf(i: number): number {
  return i % 10 === 9 ? 300 + (i % 7) * 40 : 900 + (Math.floor(i / 10) % 3) * 150;
}

Deno.test("GSO: raw UDP readers of a segmented stream get every datagram, in order, with its size", async () => {
  await using srv = await startTestServer("", { quiet: true });
  const server = srv.app.servers[0] as RtspServer;
  assert.equal(server.udp?.segmented, true, "Linux >= 4.18: equal-size runs leave with UDP_SEGMENT");
  await using pub = await publisher(srv.url("gso"));
  const readers: Reader[] = [];
  try {
    for (let i = 0; i < 10; i++) readers.push(await reader(srv.url("gso"), "udp"));
    for (let i = 0; i < PACKETS; i++) {
      pub.writeRtp(0, rtpPacket(i, Math.floor(i / 10) * 3600, new Uint8Array(sizeOf(i) - 12).fill(i & 0xff)));
      if (i % 10 === 9) await new Promise((r) => setTimeout(r, 5)); // a frame's burst, then a gap
    }
    await waitFor(() => readers.every((r) => r.got[0].length >= PACKETS), {
      timeoutMs: 10000,
      message: `readers got ${readers.map((r) => r.got[0].length).join(",")} of ${PACKETS} packets`,
    });
    const expected = Array.from({ length: PACKETS }, (_, i) => [i, sizeOf(i)]);
    for (const r of readers) assert.deepEqual(r.got[0], expected);
    const stats = server.udp!.batchStats;
    assert.ok(stats.messages < stats.datagrams / 2, `runs were grouped: ${JSON.stringify(stats)}`);
  } finally {
    for (const r of readers) await r.client.close();
  }
});

Deno.test("send threads: with rtspUDPSendThreads 2, 140 raw UDP readers get every datagram in order, part sent by the worker", async () => {
  await using srv = await startTestServer("rtspUDPSendThreads: 2", { quiet: true });
  const server = srv.app.servers[0] as RtspServer;
  await waitFor(() => server.udp?.sendThreads === 2, {
    timeoutMs: 10000,
    message: "the send worker is ready",
  });
  await using pub = await publisher(srv.url("threads"));
  const readers: Reader[] = [];
  try {
    // More readers than minParallelMessages (128): each turn's batch is split over the two threads.
    for (let i = 0; i < 140; i++) readers.push(await reader(srv.url("threads"), "udp"));
    const packets = 100;
    for (let i = 0; i < packets; i++) {
      pub.writeRtp(0, rtpPacket(i, Math.floor(i / 10) * 3600, new Uint8Array(sizeOf(i) - 12).fill(i & 0xff)));
      if (i % 10 === 9) await new Promise((r) => setTimeout(r, 5)); // a frame's burst, then a gap
    }
    await waitFor(() => readers.every((r) => r.got[0].length >= packets), {
      timeoutMs: 10000,
      message: `readers got ${readers.map((r) => r.got[0].length).join(",")} of ${packets} packets`,
    });
    const expected = Array.from({ length: packets }, (_, i) => [i, sizeOf(i)]);
    for (const r of readers) assert.deepEqual(r.got[0], expected);
    const stats = server.udp!.batchStats;
    assert.ok(stats.workerMessages > 0, `the worker sent part of the messages: ${JSON.stringify(stats)}`);
  } finally {
    for (const r of readers) await r.client.close();
  }
  assert.ok(!srv.logs.some((l) => /sending on one thread/.test(l)), "no fallback to one thread");
});

const ffmpeg = (await clientsAvailable()).ffmpeg;

Deno.test({
  name: "GSO: ffmpeg reading over UDP decodes an H.264 stream published by ffmpeg",
  ignore: !ffmpeg,
  async fn() {
    await using srv = await startTestServer("", { quiet: true });
    assert.equal((srv.app.servers[0] as RtspServer).udp?.segmented, true);
    await using _pub = await ffmpegPublish({
      url: srv.url("gso_ffmpeg"),
      transport: "tcp",
      media: "h264_aac",
    });
    await waitFor(() => srv.logs.some((l) => /is publishing to path 'gso_ffmpeg'/.test(l)), {
      timeoutMs: 15000,
      message: "ffmpeg did not start publishing",
    });
    const report = await ffmpegRead({ url: srv.url("gso_ffmpeg"), transport: "udp", seconds: 3 });
    assert.ok(
      report.frames >= 50 && report.ratio >= 0.9,
      `decoded ${report.frames} frames, ratio ${report.ratio}`,
    );
  },
});

Deno.test("fast paths: 20 UDP and 20 TCP readers get every packet, in order, batched", async () => {
  await using srv = await startTestServer("", { quiet: true });
  const server = srv.app.servers[0] as RtspServer;
  assert.equal(server.udp?.batched, true, "tests run with -A: UDP goes through sendmmsg");
  await using pub = await publisher(srv.url("fast"));
  const readers: Reader[] = [];
  try {
    for (let i = 0; i < 20; i++) readers.push(await reader(srv.url("fast"), "udp"));
    for (let i = 0; i < 20; i++) readers.push(await reader(srv.url("fast"), "tcp"));
    await publishBursts(pub);
    await waitFor(() => readers.every((r) => r.seqs[0].length >= PACKETS), {
      timeoutMs: 10000,
      message: `readers got ${readers.map((r) => r.seqs[0].length).join(",")} of ${PACKETS} packets`,
    });
    const expected = Array.from({ length: PACKETS }, (_, i) => i);
    for (const r of readers) assert.deepEqual(r.seqs[0], expected);
  } finally {
    for (const r of readers) await r.client.close();
  }
});

for (const ffi of [false, true]) {
  Deno.test(`scoped permissions ${ffi ? "with" : "without"} --ffi: the server ${ffi ? "batches" : "falls back"} and delivers`, async () => {
    await using srv = await startServerWithPorts({
      // With FFI, the send worker must start under the narrowed read permissions too.
      extraConfig: ffi ? "logLevel: debug\nrtspUDPSendThreads: 2" : "logLevel: debug",
      permissions: (configPath) => serverPermissionFlags({ configPath, ffi }),
    });
    await srv.waitForMatch(
      ffi
        ? /UDP fan-out: one sendmmsg per event-loop turn.*over 2 threads/
        : /UDP fan-out: one send per packet and reader \(FFI is not granted/,
    );
    await using pub = await publisher(srv.url("scoped"));
    const udp = await reader(srv.url("scoped"), "udp");
    const tcp = await reader(srv.url("scoped"), "tcp");
    try {
      await publishBursts(pub);
      await waitFor(() => udp.seqs[0].length >= PACKETS && tcp.seqs[0].length >= PACKETS, {
        timeoutMs: 10000,
        message: `got ${udp.seqs[0].length} (UDP) and ${tcp.seqs[0].length} (TCP) of ${PACKETS}`,
      });
      // In order too: without FFI every datagram is a Deno send, and Deno's sends in flight
      // together leave in reverse order unless each reader's wait for the previous one.
      const expected = Array.from({ length: PACKETS }, (_, i) => i);
      assert.deepEqual(udp.seqs[0], expected);
      assert.deepEqual(tcp.seqs[0], expected);
      assert.deepEqual(srv.logs.filter((l) => /sending on one thread|NotCapable/.test(l)), []);
    } finally {
      await udp.client.close();
      await tcp.client.close();
    }
  });
}

Deno.test("fast paths: TCP readers of every media get each turn as one burst: every packet in order, SR counts", async () => {
  await using srv = await startTestServer("", { quiet: true });
  const server = srv.app.servers[0] as RtspServer;
  await using pub = await publisher(srv.url("bursts"));
  const readers: Reader[] = [];
  try {
    for (let i = 0; i < 10; i++) readers.push(await reader(srv.url("bursts"), "tcp", "all"));
    // A frame of video and an audio packet per turn, like a publisher's read.
    for (let i = 0; i < PACKETS; i++) {
      await pub.writeRtp(0, rtpPacket(i, Math.floor(i / 10) * 3600, new Uint8Array(1188).fill(i & 0xff)));
      if (i % 10 === 9) {
        await pub.writeRtp(1, rtpPacket(i / 10, i * 100, new Uint8Array(200), 1, 97));
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    const audio = PACKETS / 10;
    await waitFor(() => readers.every((r) => r.seqs[0].length >= PACKETS && r.seqs[1].length >= audio), {
      timeoutMs: 10000,
      message: `readers got ${readers.map((r) => `${r.seqs[0].length}+${r.seqs[1].length}`).join(",")}`,
    });
    for (const r of readers) {
      assert.deepEqual(r.seqs[0], Array.from({ length: PACKETS }, (_, i) => i));
      assert.deepEqual(r.seqs[1], Array.from({ length: audio }, (_, i) => i));
    }
    // What the sender reports count (RFC 3550 §6.4.1) follows the bursts: packets and payload octets.
    const sessions = [...server.sessions.values()].filter((s) =>
      s.medias.size === 2 && s.delivery?.transport === "tcp"
    );
    const readerSessions = sessions.filter((s) => [...s.medias.values()].some((m) => m.sentPackets > 0));
    assert.equal(readerSessions.length, 10);
    for (const s of readerSessions) {
      assert.deepEqual([...s.medias.values()].map((m) => [m.sentPackets, m.sentOctets]), [
        [PACKETS, PACKETS * 1188],
        [audio, audio * 200],
      ]);
    }
  } finally {
    for (const r of readers) await r.client.close();
  }
});
