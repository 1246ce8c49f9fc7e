/**
 * A deliberately dumb RTSP peer for integration tests: writes raw request text and
 * reads back responses and interleaved frames through the project's framer.
 */
import { RtspFramer } from "../../src/wire/rtsp/framer.ts";
import type { RtspFrame } from "../../src/wire/rtsp/framer.ts";
import type { RtspResponse } from "../../src/wire/rtsp/message.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** One TCP connection speaking raw RTSP. */
export class RawRtsp {
  readonly conn: Deno.Conn;
  readonly #framer = new RtspFramer();
  readonly #frames: RtspFrame[] = [];
  #cseq = 0;
  #eof = false;
  #waiter: (() => void) | undefined;
  readonly #reading: Promise<void>;

  private constructor(conn: Deno.Conn) {
    this.conn = conn;
    this.#reading = this.#readLoop();
  }

  /** Connects to 127.0.0.1:port. */
  static async connect(port: number): Promise<RawRtsp> {
    return new RawRtsp(await Deno.connect({ hostname: "127.0.0.1", port }));
  }

  /** Connects with TLS to localhost:port, trusting `caCerts`. */
  static async connectTls(port: number, caCerts: string[]): Promise<RawRtsp> {
    return new RawRtsp(await Deno.connectTls({ hostname: "localhost", port, caCerts }));
  }

  async #readLoop(): Promise<void> {
    const buf = new Uint8Array(65536);
    try {
      for (;;) {
        const n = await this.conn.read(buf);
        if (n === null) break;
        this.#framer.push(buf.subarray(0, n));
        for (let f = this.#framer.next(); f !== undefined; f = this.#framer.next()) this.#frames.push(f);
        this.#waiter?.();
      }
    } catch {
      // connection reset: treated as EOF
    }
    this.#eof = true;
    this.#waiter?.();
  }

  /** Whether the server closed the connection. */
  get eof(): boolean {
    return this.#eof;
  }

  /** Writes raw bytes. */
  async writeRaw(data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === "string" ? enc.encode(data) : data;
    let off = 0;
    while (off < bytes.length) off += await this.conn.write(bytes.subarray(off));
  }

  /** Sends a request with an automatic CSeq (unless `cseq: null`) and returns the response. */
  async request(
    method: string,
    url: string,
    headers: Record<string, string> = {},
    body = "",
    opts: { cseq?: null } = {},
  ): Promise<RtspResponse> {
    let text = `${method} ${url} RTSP/1.0\r\n`;
    if (opts.cseq !== null) text += `CSeq: ${++this.#cseq}\r\n`;
    for (const [k, v] of Object.entries(headers)) text += `${k}: ${v}\r\n`;
    if (body.length > 0) text += `Content-Length: ${enc.encode(body).length}\r\n`;
    text += `\r\n${body}`;
    await this.writeRaw(text);
    return await this.nextResponse();
  }

  /** Waits for the next response, skipping interleaved frames. */
  async nextResponse(timeoutMs = 5000): Promise<RtspResponse> {
    const f = await this.#next((f) => f.kind === "response", timeoutMs);
    return (f as { kind: "response"; response: RtspResponse }).response;
  }

  /** Waits for the next interleaved frame. */
  async nextInterleaved(timeoutMs = 5000): Promise<{ channel: number; payload: Uint8Array }> {
    const f = await this.#next((f) => f.kind === "interleaved", timeoutMs);
    return f as { kind: "interleaved"; channel: number; payload: Uint8Array };
  }

  async #next(pred: (f: RtspFrame) => boolean, timeoutMs: number): Promise<RtspFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.#frames.findIndex(pred);
      if (i >= 0) return this.#frames.splice(i, 1)[0];
      if (this.#eof) throw new Error("connection closed by the server");
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("timed out waiting for the server");
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  /** Sends an interleaved frame. */
  async writeInterleaved(channel: number, payload: Uint8Array): Promise<void> {
    const frame = new Uint8Array(4 + payload.length);
    frame[0] = 0x24;
    frame[1] = channel;
    frame[2] = payload.length >> 8;
    frame[3] = payload.length & 0xff;
    frame.set(payload, 4);
    await this.writeRaw(frame);
  }

  /** Waits until the server closes the connection. */
  async waitClosed(timeoutMs = 5000): Promise<void> {
    await this.#next(() => false, timeoutMs).catch((e) => {
      if (!this.#eof) throw e;
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    try {
      this.conn.close();
    } catch {
      // already closed
    }
    await this.#reading;
  }
}

/** The body of a response as text. */
export function bodyText(res: RtspResponse): string {
  return dec.decode(res.body);
}

/** An H.264 + AAC SDP as ffmpeg 5.1 announces it. */
export const FFMPEG_ANNOUNCE_SDP = [
  "v=0",
  "o=- 0 0 IN IP4 127.0.0.1",
  "s=No Name",
  "c=IN IP4 127.0.0.1",
  "t=0 0",
  "a=tool:libavformat 59.27.100",
  "m=video 0 RTP/AVP 96",
  "a=rtpmap:96 H264/90000",
  "a=fmtp:96 packetization-mode=1; sprop-parameter-sets=Z01AHuyBQBf7ARAAAAMAEAAAAwMg8WLkgA==,aO+G8g==; profile-level-id=4D401E",
  "a=control:streamid=0",
  "m=audio 0 RTP/AVP 97",
  "b=AS:64",
  "a=rtpmap:97 MPEG4-GENERIC/48000/1",
  "a=fmtp:97 profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;indexdeltalength=3; config=1188",
  "a=control:streamid=1",
  "",
].join("\r\n");

/** The video media of `FFMPEG_ANNOUNCE_SDP` alone, for publishers that set up one media. */
export const FFMPEG_VIDEO_SDP = FFMPEG_ANNOUNCE_SDP.split("m=audio")[0];

/** A minimal RTP packet: marker, PT 96, the given seq/timestamp/SSRC and payload. */
export function rtpPacket(
  seq: number,
  ts: number,
  payload: Uint8Array,
  ssrc = 0x11223344,
  pt = 96,
): Uint8Array {
  const p = new Uint8Array(12 + payload.length);
  p[0] = 0x80;
  p[1] = 0x80 | pt;
  p[2] = seq >> 8;
  p[3] = seq & 0xff;
  new DataView(p.buffer).setUint32(4, ts);
  new DataView(p.buffer).setUint32(8, ssrc);
  p.set(payload, 12);
  return p;
}
