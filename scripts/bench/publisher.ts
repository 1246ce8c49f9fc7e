/**
 * Replays a recording in real time, looping it with continuous sequence numbers and timestamps,
 * and notes each packet's send time (CLOCK_REALTIME) for the latency of the readers.
 *
 * @module
 */
import { RtspClient } from "../../src/client/mod.ts";
import { libc, MSG_DONTWAIT, sockaddrIn, udpSocket } from "./libc.ts";
import { realtimeMs } from "./libc.ts";
import type { Recording } from "./recording.ts";
import { SendTimes } from "./tally.ts";

/** Where the packets go: an RTSP server (RECORD over TCP) or raw UDP ports (the floor process). */
export type PublishTarget = { kind: "rtsp"; url: string } | { kind: "udp"; host: string; ports: number[] };

/** A paced publisher of one recording. */
export class Publisher {
  readonly sendTimes: SendTimes;
  /** Next sequence number per media (the window opens and closes on these). */
  readonly nextSeq: number[];
  sent = 0;
  readonly #rec: Recording;
  readonly #send: (media: number, packet: Uint8Array) => Promise<void> | void;
  readonly #close: () => Promise<void>;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;
  #index = 0;
  #loop = 0;
  #t0 = 0;
  readonly #scratch = new Uint8Array(65536);
  readonly #tsBase: number[];

  private constructor(
    rec: Recording,
    send: (media: number, packet: Uint8Array) => Promise<void> | void,
    close: () => Promise<void>,
  ) {
    this.#rec = rec;
    this.#send = send;
    this.#close = close;
    const medias = rec.clockRates.length;
    this.sendTimes = new SendTimes(medias);
    this.nextSeq = new Array(medias).fill(0);
    this.#tsBase = Array.from({ length: medias }, () => Math.floor(Math.random() * 0xffffffff));
  }

  /** ANNOUNCE + SETUP (TCP) + RECORD, or a UDP socket towards `ports` (one per media). */
  static async open(rec: Recording, target: PublishTarget): Promise<Publisher> {
    if (target.kind === "rtsp") {
      const client = await RtspClient.connect(target.url, { transport: "tcp" });
      try {
        await client.announce(rec.sdp);
        await client.record();
      } catch (e) {
        await client.close();
        throw e;
      }
      return new Publisher(rec, (m, p) => client.writeRtp(m, p), () => client.close());
    }
    const c = libc();
    let fd = -1;
    for (let port = 47000; fd < 0; port++) fd = udpSocket("127.0.0.1", port);
    const addrs = target.ports.map((p) => sockaddrIn(target.host, p));
    return new Publisher(rec, (m, p) => {
      c.sendto(fd, p, BigInt(p.length), MSG_DONTWAIT, addrs[m], 16);
    }, () => {
      c.close(fd);
      return Promise.resolve();
    });
  }

  /** Starts sending at real-time pace. */
  start(): void {
    this.#t0 = performance.now();
    this.#tick();
  }

  /** Stops sending and closes the session. */
  async close(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#close();
  }

  async #tick(): Promise<void> {
    const rec = this.#rec;
    const packets = rec.packets;
    while (!this.#stopped) {
      const elapsedUs = (performance.now() - this.#t0) * 1000;
      const p = packets[this.#index];
      const dueUs = p.timeUs + this.#loop * rec.durationUs;
      if (dueUs > elapsedUs) {
        this.#timer = setTimeout(() => this.#tick(), Math.max(0, (dueUs - elapsedUs) / 1000));
        return;
      }
      const pending = this.#sendOne(p.media, p.data);
      if (++this.#index === packets.length) {
        this.#index = 0;
        this.#loop++;
      }
      if (pending !== undefined) await pending; // the server is not reading: wait, as a camera would
    }
  }

  #sendOne(media: number, data: Uint8Array): Promise<void> | void {
    const out = this.#scratch.subarray(0, data.length);
    out.set(data);
    const seq = this.nextSeq[media];
    this.nextSeq[media] = (seq + 1) & 0xffff;
    const rate = this.#rec.clockRates[media];
    const dv = new DataView(out.buffer, out.byteOffset);
    const ts = dv.getUint32(4, false) + this.#tsBase[media] +
      Math.round((this.#loop * this.#rec.durationUs * rate) / 1e6);
    dv.setUint16(2, seq, false);
    dv.setUint32(4, ts >>> 0, false);
    this.sendTimes.set(media, seq, realtimeMs());
    this.sent++;
    return this.#send(media, out);
  }
}
