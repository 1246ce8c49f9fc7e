/**
 * The benchmark's input: a real H.264 + AAC RTP stream recorded once with ffmpeg (a 4 Mbit/s
 * x264 encode of a noisy test pattern, packetised by ffmpeg's RTP muxer) and stored with each
 * packet's send time in a small binary file under the git-ignored `tmp/bench/`.
 *
 * Send times come from the RTP timestamps (no B-frames, so they only grow): every packet of a
 * frame leaves at the frame's time, in a burst, as a live encoder sends it.
 *
 * File layout: "RTPREC1\n", u32 SDP length, SDP (UTF-8), then per packet u32 send time (µs from
 * the start), u8 media index, u16 length, the RTP packet. Integers are little-endian.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import {
  libc,
  MSG_DONTWAIT,
  setIntOption,
  SO_RCVBUF,
  SO_RCVBUFFORCE,
  SOL_SOCKET,
  udpSocket,
} from "./libc.ts";

/** One packet of a recording. */
export interface RecordedPacket {
  /** Send time in µs from the start of the recording. */
  timeUs: number;
  media: number;
  data: Uint8Array;
}

/** A recorded stream: its SDP (for ANNOUNCE), packets in send order, and its length. */
export interface Recording {
  sdp: string;
  packets: RecordedPacket[];
  durationUs: number;
  /** Clock rate of each media, for timestamp continuity when looping. */
  clockRates: number[];
}

const MAGIC = "RTPREC1\n";
const SECONDS = 20;
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** Where the clip and the recording are cached. */
export const CACHE_DIR = `${ROOT}tmp/bench`;
/** The cached recording file. */
export const RECORDING_FILE = `${CACHE_DIR}/h264_aac_4mbit_1440.rtprec`;

/** Serialises a recording. */
export function encodeRecording(r: Recording): Uint8Array {
  const sdp = new TextEncoder().encode(r.sdp);
  const size = MAGIC.length + 4 + sdp.length + r.packets.reduce((n, p) => n + 7 + p.data.length, 0);
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC), 0);
  let off = MAGIC.length;
  dv.setUint32(off, sdp.length, true);
  out.set(sdp, off + 4);
  off += 4 + sdp.length;
  for (const p of r.packets) {
    dv.setUint32(off, p.timeUs, true);
    dv.setUint8(off + 4, p.media);
    dv.setUint16(off + 5, p.data.length, true);
    out.set(p.data, off + 7);
    off += 7 + p.data.length;
  }
  return out;
}

/** Parses a recording file. */
export function decodeRecording(bytes: Uint8Array): Recording {
  if (new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) {
    throw new SyntaxError("Cannot parse recording: bad magic");
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let off = MAGIC.length;
  const sdpLen = dv.getUint32(off, true);
  const sdp = new TextDecoder().decode(bytes.subarray(off + 4, off + 4 + sdpLen));
  off += 4 + sdpLen;
  const packets: RecordedPacket[] = [];
  while (off + 7 <= bytes.length) {
    const len = dv.getUint16(off + 5, true);
    if (off + 7 + len > bytes.length) throw new SyntaxError("Cannot parse recording: truncated packet");
    packets.push({
      timeUs: dv.getUint32(off, true),
      media: dv.getUint8(off + 4),
      data: bytes.slice(off + 7, off + 7 + len),
    });
    off += 7 + len;
  }
  return finish(sdp, packets);
}

function finish(sdp: string, packets: RecordedPacket[]): Recording {
  const clockRates = [...sdp.matchAll(/^a=rtpmap:\d+ [^/]+\/(\d+)/gm)].map((m) => Number(m[1]));
  const last = packets.at(-1)?.timeUs ?? 0;
  // The loop restarts one average packet interval after the last packet.
  const durationUs = last + Math.round(last / Math.max(1, packets.length - 1));
  return { sdp, packets, durationUs, clockRates };
}

/**
 * A synthetic stream with the shape of the real one (1200-byte video packets at 350/s in bursts
 * of 14 every 40 ms, 300-byte audio packets at about 47/s) for the smoke test, without ffmpeg.
 */
export function syntheticRecording(seconds: number): Recording {
  const sdp = [
    "v=0",
    "o=- 0 0 IN IP4 127.0.0.1",
    "s=bench",
    "c=IN IP4 127.0.0.1",
    "t=0 0",
    "m=video 0 RTP/AVP 96",
    "a=rtpmap:96 H264/90000",
    "a=fmtp:96 packetization-mode=1",
    "m=audio 0 RTP/AVP 97",
    "a=rtpmap:97 MPEG4-GENERIC/48000/2",
    "a=fmtp:97 profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;indexdeltalength=3;config=1190",
    "",
  ].join("\r\n");
  const packets: RecordedPacket[] = [];
  const seq = [0, 0];
  const rtp = (media: number, ts: number, size: number, marker: boolean) => {
    const b = new Uint8Array(size);
    b[0] = 0x80;
    b[1] = (marker ? 0x80 : 0) | (media === 0 ? 96 : 97);
    const dv = new DataView(b.buffer);
    dv.setUint16(2, seq[media]++, false);
    dv.setUint32(4, ts >>> 0, false);
    dv.setUint32(8, 0x1234 + media, false);
    b[12] = media === 0 ? 0x1c : 0; // FU-A indicator: never a keyframe, so no GOP is cached
    return b;
  };
  for (let frame = 0; frame < seconds * 25; frame++) {
    const t = frame * 40_000;
    for (let i = 0; i < 14; i++) {
      packets.push({ timeUs: t, media: 0, data: rtp(0, frame * 3600, 1200, i === 13) });
    }
  }
  for (let a = 0; a < Math.floor((seconds * 48000) / 1024); a++) {
    packets.push({
      timeUs: Math.round((a * 1024 * 1e6) / 48000),
      media: 1,
      data: rtp(1, a * 1024, 300, true),
    });
  }
  packets.sort((x, y) => x.timeUs - y.timeUs);
  return finish(sdp, packets);
}

async function run(cmd: string, args: string[]): Promise<void> {
  const out = await new Deno.Command(cmd, { args, stdout: "null", stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(
      `${cmd} failed: ${new TextDecoder().decode(out.stderr).split("\n").slice(-5).join("\n")}`,
    );
  }
}

/** Captures the RTP packets ffmpeg sends for `clip`, with their media index. */
async function captureRtp(
  clip: string,
): Promise<{ sdp: string; packets: { media: number; data: Uint8Array }[] }> {
  // Key frames leave ffmpeg as bursts of 100+ datagrams: a large receive buffer (FFI sockets, since
  // Deno cannot set SO_RCVBUF) polled every few ms keeps them all.
  const c = libc();
  const fds = [0, 1].map(() => {
    for (let port = 41000 + Math.floor(Math.random() * 10000);; port += 2) {
      const fd = udpSocket("127.0.0.1", port);
      if (fd < 0) continue;
      if (setIntOption(fd, SOL_SOCKET, SO_RCVBUFFORCE, 16 << 20) < 0) {
        setIntOption(fd, SOL_SOCKET, SO_RCVBUF, 16 << 20);
      }
      return { fd, port };
    }
  });
  const sdpFile = `${CACHE_DIR}/capture.sdp`;
  const packets: { media: number; data: Uint8Array }[] = [];
  const buf = new Uint8Array(65536);
  const size = BigInt(buf.length);
  const drain = () => {
    fds.forEach(({ fd }, media) => {
      for (let n = Number(c.recv(fd, buf, size, MSG_DONTWAIT)); n > 0;) {
        packets.push({ media, data: buf.slice(0, n) });
        n = Number(c.recv(fd, buf, size, MSG_DONTWAIT));
      }
    });
  };
  const poller = setInterval(drain, 5);
  try {
    // pkt_size 1440: every packet fits the SRTP copy's limit (udpMaxPayloadSize 1452 - 10), so no
    // reader gets a split, renumbered copy (the load accounts packets by sequence number).
    await run("ffmpeg", [
      ..."-hide_banner -nostdin -loglevel error -readrate 4".split(" "),
      "-i",
      clip,
      ..."-map 0:v -c copy -f rtp -payload_type 96".split(" "),
      `rtp://127.0.0.1:${fds[0].port}?pkt_size=1440`,
      ..."-map 0:a -c copy -f rtp -payload_type 97".split(" "),
      `rtp://127.0.0.1:${fds[1].port}?pkt_size=1440`,
      "-sdp_file",
      sdpFile,
    ]);
  } finally {
    clearInterval(poller);
    drain(); // loopback datagrams are queued by the time ffmpeg exits
    for (const { fd } of fds) c.close(fd);
  }
  return { sdp: await Deno.readTextFile(sdpFile), packets };
}

/** Turns captured packets into a recording timed by their RTP timestamps; checks they are complete. */
function timeByTimestamps(sdp: string, captured: { media: number; data: Uint8Array }[]): Recording {
  const clockRates = [...sdp.matchAll(/^a=rtpmap:\d+ [^/]+\/(\d+)/gm)].map((m) => Number(m[1]));
  const first: (number | undefined)[] = [];
  const lastSeq: (number | undefined)[] = [];
  const packets: RecordedPacket[] = [];
  for (const { media, data } of captured) {
    const dv = new DataView(data.buffer, data.byteOffset);
    const seq = dv.getUint16(2, false);
    const ts = dv.getUint32(4, false);
    if (lastSeq[media] !== undefined && seq !== ((lastSeq[media]! + 1) & 0xffff)) {
      throw new Error(`capture lost packets (media ${media}, seq ${lastSeq[media]} -> ${seq}); run again`);
    }
    lastSeq[media] = seq;
    first[media] ??= ts;
    const timeUs = Math.round((((ts - first[media]!) >>> 0) * 1e6) / clockRates[media]);
    packets.push({ timeUs, media, data });
  }
  packets.sort((a, b) => a.timeUs - b.timeUs || a.media - b.media);
  return finish(sdp.replace(/^(m=\w+) \d+/gm, "$1 0"), packets);
}

/** Loads the cached recording, making it with ffmpeg first when absent (about a minute). */
export async function loadOrMakeRecording(log: (line: string) => void): Promise<Recording> {
  try {
    return decodeRecording(await Deno.readFile(RECORDING_FILE));
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  await Deno.mkdir(CACHE_DIR, { recursive: true });
  const clip = `${CACHE_DIR}/h264_aac_4mbit.mp4`;
  log(`recording: encoding ${SECONDS} s of 720p25 H.264 at 4 Mbit/s + AAC with ffmpeg (once)`);
  await run("ffmpeg", [
    ..."-hide_banner -nostdin -loglevel error -y".split(" "),
    ..."-f lavfi -i testsrc2=size=1280x720:rate=25".split(" "),
    ..."-f lavfi -i sine=frequency=440:sample_rate=48000".split(" "),
    "-t",
    String(SECONDS),
    ..."-vf noise=alls=10:allf=t -pix_fmt yuv420p".split(" "),
    ..."-c:v libx264 -preset veryfast -tune zerolatency -bf 0 -g 50".split(" "),
    ..."-b:v 3800k -maxrate 3800k -bufsize 1900k -x264-params nal-hrd=cbr".split(" "),
    ..."-c:a aac -b:a 128k -ac 2".split(" "),
    clip,
  ]);
  log("recording: capturing the RTP packets ffmpeg sends for it");
  const { sdp, packets } = await captureRtp(clip);
  const rec = timeByTimestamps(sdp, packets);
  await Deno.writeFile(RECORDING_FILE, encodeRecording(rec));
  return rec;
}

/** Packets per second and Mbit/s of a recording (for the report). */
export function recordingRate(r: Recording): { packetsPerSecond: number; mbitPerSecond: number } {
  const seconds = r.durationUs / 1e6;
  const bytes = r.packets.reduce((n, p) => n + p.data.length, 0);
  return { packetsPerSecond: r.packets.length / seconds, mbitPerSecond: (bytes * 8) / seconds / 1e6 };
}

if (import.meta.main) {
  const r = await loadOrMakeRecording(console.log);
  const rate = recordingRate(r);
  console.log(
    `${r.packets.length} packets, ${(r.durationUs / 1e6).toFixed(2)} s, ` +
      `${rate.packetsPerSecond.toFixed(0)} packets/s, ${rate.mbitPerSecond.toFixed(2)} Mbit/s`,
  );
  console.log(r.sdp);
}
