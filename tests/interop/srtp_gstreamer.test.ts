/**
 * SrtpContext against GStreamer's srtpenc/srtpdec (libsrtp): packets go both ways over loopback
 * UDP, across a sequence number wrap, for SRTP and SRTCP. Skipped with a notice when gst-launch or
 * the srtp elements are missing, except in CI (`CI=true`), where that is a failure.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { isCI } from "../_helpers/availability.ts";
import { allocatePorts } from "../_helpers/ports.ts";
import { ManagedProcess, spawnProcess } from "../_helpers/process.ts";
import { delay, waitFor } from "../_helpers/wait.ts";
import type { SrtpProfileName } from "../../src/wire/srtp/profile.ts";
import { SrtpContext } from "../../src/wire/srtp/srtp_context.ts";
import { rtcpSr, rtp, toHex } from "../unit/wire/srtp/_helpers.ts";

const ELEMENTS = ["srtpenc", "srtpdec", "udpsrc", "udpsink", "audiotestsrc", "rtpL16pay"];

async function missingElements(): Promise<string[]> {
  const missing: string[] = [];
  for (const element of ["gst-launch-1.0", ...ELEMENTS]) {
    const [command, args] = element === "gst-launch-1.0"
      ? [element, ["--version"]]
      : ["gst-inspect-1.0", [element]];
    try {
      const out = await new Deno.Command(command, { args, stdout: "null", stderr: "null" }).output();
      if (!out.success) missing.push(element);
    } catch {
      missing.push(element);
    }
  }
  return missing;
}

const missing = await missingElements();
if (missing.length > 0 && !isCI()) {
  console.log(
    `GStreamer SRTP interop tests skipped: ${missing.join(", ")} missing; install with: ` +
      "sudo apt-get install -y gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good " +
      "gstreamer1.0-plugins-bad",
  );
}
const ignore = missing.length > 0 && !isCI();

function requireGst(): void {
  if (missing.length > 0) throw new Error(`GStreamer SRTP elements missing in CI: ${missing.join(", ")}`);
}

const GST_AUTH: Record<SrtpProfileName, string> = {
  AES_CM_128_HMAC_SHA1_80: "hmac-sha1-80",
  AES_CM_128_HMAC_SHA1_32: "hmac-sha1-32",
};

/** A UDP socket on 127.0.0.1 that collects every datagram it receives. */
class Collector implements AsyncDisposable {
  readonly packets: Uint8Array[] = [];
  readonly #conn: Deno.DatagramConn;
  readonly #loop: Promise<void>;

  constructor(port: number) {
    this.#conn = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port });
    this.#loop = this.#receive();
  }

  get port(): number {
    return (this.#conn.addr as Deno.NetAddr).port;
  }

  async #receive(): Promise<void> {
    try {
      for await (const [data] of this.#conn) this.packets.push(data);
    } catch {
      // Closed.
    }
  }

  /** Waits until `n` packets have arrived. */
  async waitFor(n: number, what: string, gst: ManagedProcess): Promise<void> {
    await waitFor(() => {
      if (this.packets.length >= n) return true;
      if (gst.exitStatus) throw new Error(`gst-launch exited: ${gst.output()}`);
      return false;
    }, { timeoutMs: 15_000, message: `${what}: ${this.packets.length}/${n} packets; gst: ${gst.output()}` });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#conn.close();
    await this.#loop;
  }
}

/** Sends datagrams to ports on 127.0.0.1. */
class Outbox implements Disposable {
  readonly #conn = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });

  async send(port: number, data: Uint8Array): Promise<void> {
    await this.#conn.send(data, { transport: "udp", hostname: "127.0.0.1", port });
  }

  [Symbol.dispose](): void {
    this.#conn.close();
  }
}

/**
 * Sends probe packets (made by `probe(k)`: sequence numbers from PROBE_SEQ on) until the pipeline
 * echoes one into `collector`: its udpsrc is then bound and running. More probe echoes may follow
 * (udpsrc's socket queues packets before PLAYING), so callers tell probes apart by `isProbe`.
 */
async function primePipeline(
  out: Outbox,
  port: number,
  collector: Collector,
  gst: ManagedProcess,
  probe: (k: number) => Uint8Array,
): Promise<void> {
  let k = 0;
  await waitFor(async () => {
    if (gst.exitStatus) throw new Error(`gst-launch exited: ${gst.output()}`);
    if (collector.packets.length > 0) return true;
    await out.send(port, probe(k++));
    await delay(50);
    return collector.packets.length > 0;
  }, { timeoutMs: 15_000, message: `gst pipeline did not start: ${gst.output()}` });
}

const PROBE_SEQ = 60_000;

/** Whether an RTP or SRTP packet is one of `primePipeline`'s probes. */
function isProbe(plain: Uint8Array): boolean {
  const seq = (plain[2] << 8) | plain[3];
  return seq >= PROBE_SEQ && seq < 65_000;
}

function gst(args: string): ManagedProcess {
  return spawnProcess("gst-launch-1.0", { args: ["-q", ...args.split(/\s+/).filter((a) => a !== "")] });
}

const SSRC = 0x1234_5678;
const SEQS_ACROSS_WRAP = Array.from({ length: 40 }, (_, i) => (65_520 + i) & 0xffff);

for (const profile of ["AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32"] as const) {
  Deno.test({
    name: `gst srtpenc → SrtpContext.decryptRtp/decryptRtcp (${profile}, across the SEQ wrap)`,
    ignore,
    async fn() {
      requireGst();
      const key = randomBytes(30);
      const [rtpIn, rtcpIn] = await allocatePorts(2);
      await using rtpOut = new Collector(0);
      await using rtcpOut = new Collector(0);
      using out = new Outbox();
      const auth = GST_AUTH[profile];
      await using pipeline = gst(`
        udpsrc address=127.0.0.1 port=${rtpIn} caps=application/x-rtp,media=audio,clock-rate=8000,encoding-name=L16,payload=96
          ! enc.rtp_sink_0
        srtpenc name=enc key=${toHex(key)} rtp-cipher=aes-128-icm rtp-auth=${auth}
          rtcp-cipher=aes-128-icm rtcp-auth=hmac-sha1-80
        enc.rtp_src_0 ! udpsink host=127.0.0.1 port=${rtpOut.port} sync=false async=false
        udpsrc address=127.0.0.1 port=${rtcpIn} caps=application/x-rtcp ! enc.rtcp_sink_0
        enc.rtcp_src_0 ! udpsink host=127.0.0.1 port=${rtcpOut.port} sync=false async=false`);
      const receiver = new SrtpContext(key, { profile });

      // Probes from seq 60000 start the pipeline; the real run then wraps 65535 → 0.
      await primePipeline(out, rtpIn, rtpOut, pipeline, (k) => rtp({ seq: PROBE_SEQ + k, ssrc: SSRC }));
      for (const seq of SEQS_ACROSS_WRAP) {
        await out.send(rtpIn, rtp({ seq, ssrc: SSRC }));
        await delay(2);
      }
      const expected = SEQS_ACROSS_WRAP.map((seq) => rtp({ seq, ssrc: SSRC }));
      // The SRTP header is in clear, so probes are told apart before decryption too.
      await waitFor(() => rtpOut.packets.filter((p) => !isProbe(p)).length >= expected.length, {
        timeoutMs: 15_000,
        message: `SRTP from srtpenc: ${pipeline.output()}`,
      });
      const tagLength = profile.endsWith("80") ? 10 : 4;
      const plain = rtpOut.packets.map((p) => {
        const out = receiver.decryptRtp(p);
        assert.equal(p.length, out.length + tagLength);
        return out;
      });
      assert.deepEqual(plain.filter((p) => !isProbe(p)), expected);
      assert.equal(receiver.rocOf(SSRC), 1);

      const reports = [0, 1, 2].map((i) => rtcpSr(SSRC, i));
      for (const report of reports) await out.send(rtcpIn, report);
      await rtcpOut.waitFor(3, "SRTCP from srtpenc", pipeline);
      assert.deepEqual(rtcpOut.packets.map((p) => receiver.decryptRtcp(p)), reports);
    },
  });

  Deno.test({
    name: `SrtpContext.encryptRtp/encryptRtcp → gst srtpdec (${profile}, across the SEQ wrap)`,
    ignore,
    async fn() {
      requireGst();
      const key = randomBytes(30);
      const [rtpIn, rtcpIn] = await allocatePorts(2);
      await using rtpOut = new Collector(0);
      await using rtcpOut = new Collector(0);
      using out = new Outbox();
      const auth = GST_AUTH[profile];
      const keyCaps = `ssrc=(uint)${SSRC},srtp-key=(buffer)${toHex(key)},srtp-cipher=(string)aes-128-icm,` +
        `srtp-auth=(string)${auth},srtcp-cipher=(string)aes-128-icm,srtcp-auth=(string)hmac-sha1-80,roc=(uint)0`;
      await using pipeline = gst(`
        udpsrc address=127.0.0.1 port=${rtpIn}
          caps=application/x-srtp,media=(string)audio,clock-rate=(int)8000,encoding-name=(string)L16,payload=(int)96,${keyCaps}
          ! dec.rtp_sink
        srtpdec name=dec dec.rtp_src ! udpsink host=127.0.0.1 port=${rtpOut.port} sync=false async=false
        udpsrc address=127.0.0.1 port=${rtcpIn} caps=application/x-srtcp,${keyCaps} ! dec.rtcp_sink
        dec.rtcp_src ! udpsink host=127.0.0.1 port=${rtcpOut.port} sync=false async=false`);
      const encrypter = new SrtpContext(key, { profile });

      await primePipeline(
        out,
        rtpIn,
        rtpOut,
        pipeline,
        (k) => encrypter.encryptRtp(rtp({ seq: PROBE_SEQ + k, ssrc: SSRC })),
      );
      for (const seq of SEQS_ACROSS_WRAP) {
        await out.send(rtpIn, encrypter.encryptRtp(rtp({ seq, ssrc: SSRC })));
        await delay(2);
      }
      assert.equal(encrypter.rocOf(SSRC), 1);
      // A tampered packet is dropped by srtpdec, not passed on.
      const forged = encrypter.encryptRtp(rtp({ seq: 100, ssrc: SSRC }));
      forged[20] ^= 1;
      await out.send(rtpIn, forged);
      await out.send(rtpIn, encrypter.encryptRtp(rtp({ seq: 101, ssrc: SSRC })));
      const expected = [...SEQS_ACROSS_WRAP, 101].map((seq) => rtp({ seq, ssrc: SSRC }));
      await waitFor(() => rtpOut.packets.filter((p) => !isProbe(p)).length >= expected.length, {
        timeoutMs: 15_000,
        message: `RTP from srtpdec: ${pipeline.output()}`,
      });
      await delay(200);
      assert.deepEqual(rtpOut.packets.filter((p) => !isProbe(p)), expected);

      const reports = [0, 1, 2].map((i) => rtcpSr(SSRC, i));
      for (const report of reports) await out.send(rtcpIn, encrypter.encryptRtcp(report));
      await rtcpOut.waitFor(3, "RTCP from srtpdec", pipeline);
      assert.deepEqual(rtcpOut.packets, reports);
    },
  });
}

Deno.test({
  name: "gst audiotestsrc ! rtpL16pay ! srtpenc: every packet decrypts with SrtpContext",
  ignore,
  async fn() {
    requireGst();
    const key = randomBytes(30);
    await using received = new Collector(0);
    await using pipeline = gst(`
      audiotestsrc num-buffers=50 samplesperbuffer=320 ! audioconvert ! audio/x-raw,format=S16BE,rate=16000,channels=1
      ! rtpL16pay pt=96 ! srtpenc key=${toHex(key)} rtp-cipher=aes-128-icm rtp-auth=hmac-sha1-80
        rtcp-cipher=aes-128-icm rtcp-auth=hmac-sha1-80
      ! udpsink host=127.0.0.1 port=${received.port}`);
    await received.waitFor(50, "SRTP from the live pipeline", pipeline);
    const receiver = new SrtpContext(key);
    for (const packet of received.packets) {
      const plain = receiver.decryptRtp(packet);
      assert.equal(plain[1] & 0x7f, 96);
      assert.equal(plain.length, packet.length - 10);
      assert.equal(plain.length, 12 + 640);
    }
    assert.equal((await pipeline.wait(10_000)).code, 0, pipeline.output());
  },
});
