/** Helpers turning framer output into plain values for `assert.deepEqual`. */
import type { RtspFrame } from "../../../../src/wire/rtsp/framer.ts";
import { RtspFramer } from "../../../../src/wire/rtsp/framer.ts";
import type { PlainMessage } from "./_fixtures.ts";

/** What a test compares: messages in plain form, interleaved frames as arrays, errors by status. */
export type PlainFrame =
  | PlainMessage
  | { kind: "interleaved"; channel: number; payload: number[] }
  | { kind: "invalid"; status: number };

const decoder = new TextDecoder();

/** A frame in plain form. */
export function plain(frame: RtspFrame): PlainFrame {
  switch (frame.kind) {
    case "request": {
      const r = frame.request;
      return {
        kind: "request",
        method: r.method,
        url: r.url,
        headers: [...r.headers],
        body: decoder.decode(r.body),
      };
    }
    case "response": {
      const r = frame.response;
      return {
        kind: "response",
        statusCode: r.statusCode,
        reason: r.reason,
        headers: [...r.headers],
        body: decoder.decode(r.body),
      };
    }
    case "interleaved":
      return { kind: "interleaved", channel: frame.channel, payload: [...frame.payload] };
    case "invalid":
      return { kind: "invalid", status: frame.error.status };
  }
}

/** Pushes every chunk (draining after each) and returns all frames in plain form. */
export function frameAll(chunks: Iterable<Uint8Array>, framer = new RtspFramer()): PlainFrame[] {
  const out: PlainFrame[] = [];
  for (const chunk of chunks) {
    framer.push(chunk);
    for (let f = framer.next(); f !== undefined; f = framer.next()) out.push(plain(f));
  }
  return out;
}

/** Every single byte of `bytes` as its own chunk. */
export function* bytewise(bytes: Uint8Array): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
}

/** Concatenates chunks. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** UTF-8 bytes of `text`. */
export function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
