import assert from "node:assert/strict";
import {
  clockRateOf,
  codecOf,
  fmtp,
  formatSdp,
  mediaControl,
  parseSdp,
  rtpMaps,
} from "../../../../src/wire/sdp/mod.ts";
import { REAL_WORLD_SDPS } from "./_real_world_sdps.ts";

/** mulberry32: small seeded PRNG so failures reproduce. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Parses, and when that succeeds, exercises every helper and the formatter. */
function check(input: string | Uint8Array): void {
  let sd;
  try {
    sd = parseSdp(input);
  } catch (e) {
    if (e instanceof SyntaxError) return;
    throw e;
  }
  for (const m of sd.medias) {
    for (const pt of rtpMaps(m).keys()) {
      clockRateOf(m, pt);
      codecOf(m, pt);
      fmtp(m, pt);
    }
    mediaControl(m);
  }
  const text = formatSdp(sd);
  assert.equal(formatSdp(parseSdp(text)), text, "format is a fixed point after one round");
}

Deno.test("fuzz: parseSdp() on random bytes throws only SyntaxError", () => {
  const rand = prng(0x5d9);
  for (let i = 0; i < 5_000; i++) {
    check(Uint8Array.from({ length: Math.floor(rand() * 200) }, () => Math.floor(rand() * 256)));
  }
});

Deno.test("fuzz: parseSdp() on random SDP-like lines throws only SyntaxError", () => {
  const rand = prng(17);
  const alphabet = "vosiuecbtamz=:/ \t\r\n0123456789RTP/AVPIN IP4.-;*";
  for (let i = 0; i < 5_000; i++) {
    let s = "";
    const n = Math.floor(rand() * 300);
    for (let j = 0; j < n; j++) s += alphabet[Math.floor(rand() * alphabet.length)];
    check(s);
  }
});

Deno.test("fuzz: mutated real-world SDPs throw only SyntaxError", () => {
  const rand = prng(2024);
  for (let i = 0; i < 3_000; i++) {
    const seed = new TextEncoder().encode(REAL_WORLD_SDPS[i % REAL_WORLD_SDPS.length].raw);
    for (let k = 0; k < 1 + Math.floor(rand() * 8); k++) {
      const at = Math.floor(rand() * seed.length);
      seed[at] = rand() < 0.5
        ? Math.floor(rand() * 256)
        : [0x0a, 0x0d, 0x3d, 0x3a, 0x20][Math.floor(rand() * 5)];
    }
    check(seed);
  }
});
