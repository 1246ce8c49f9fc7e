/** Helpers of the MIKEY tests: fixtures, a sample message and a payload (re)assembler. */
import { buildMikey } from "../../../../src/wire/mikey/build.ts";
import type { MikeyMessage } from "../../../../src/wire/mikey/message.ts";
import { DEFAULT_SRTP_POLICY } from "../../../../src/wire/mikey/srtp_policy.ts";

/** The base64 messages of `tests/fixtures/mikey/<name>.txt` (comment lines skipped). */
export async function fixture(name: string): Promise<string[]> {
  const text = await Deno.readTextFile(new URL(`../../../fixtures/mikey/${name}.txt`, import.meta.url));
  return text.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
}

/** Bytes from hex (spaces allowed). */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, "");
  return Uint8Array.from({ length: clean.length / 2 }, (_, i) => parseInt(clean.slice(i * 2, i * 2 + 2), 16));
}

/** Lower-case hex. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A fixed message: 2025-01-01T00:00:00Z, one stream, key 0x00..0x1d. */
export function sampleMessage(): MikeyMessage {
  return {
    csbId: 0x11223344,
    srtpStreams: [{ ssrc: 0xdecafbad, roc: 7 }],
    timestamp: 0xeb1f_0400_0000_0000n, // 2025-01-01T00:00:00Z: 3944678400 s since 1900
    rand: Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i),
    policy: { ...DEFAULT_SRTP_POLICY, otherParameters: [] },
    key: Uint8Array.from({ length: 30 }, (_, i) => i),
  };
}

/** One payload: its type and its bytes after the next-payload byte. */
export interface Part {
  type: number;
  body: Uint8Array;
}

/** Splits a `buildMikey` message into its common header and T, RAND, SP, KEMAC payloads. */
export function split(msg: Uint8Array): { header: Uint8Array; parts: Part[] } {
  const headerLength = 10 + 9 * msg[8];
  const header = msg.slice(0, headerLength);
  let o = headerLength;
  const tLength = 1 + 1 + 8;
  const randLength = 2 + msg[o + tLength + 1];
  const spStart = o + tLength + randLength;
  const spLength = 5 + ((msg[spStart + 3] << 8) | msg[spStart + 4]);
  const lengths = [tLength, randLength, spLength, msg.length - spStart - spLength];
  const parts: Part[] = [];
  for (const [i, length] of lengths.entries()) {
    parts.push({ type: [5, 11, 10, 1][i], body: msg.slice(o + 1, o + length) });
    o += length;
  }
  return { header, parts };
}

/** Chains `parts` after `header`, setting every next-payload field; `trailer` is appended. */
export function assemble(header: Uint8Array, parts: Part[], trailer = new Uint8Array(0)): Uint8Array {
  const length = header.length + parts.reduce((n, p) => n + 1 + p.body.length, 0) + trailer.length;
  const out = new Uint8Array(length);
  out.set(header);
  out[2] = parts[0]?.type ?? 0;
  let o = header.length;
  for (const [i, part] of parts.entries()) {
    out[o] = parts[i + 1]?.type ?? 0;
    out.set(part.body, o + 1);
    o += 1 + part.body.length;
  }
  out.set(trailer, o);
  return out;
}

/** The sample message encoded. */
export function sampleBytes(): Uint8Array {
  return buildMikey(sampleMessage());
}
