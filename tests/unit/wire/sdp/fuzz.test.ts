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
import { fuzzLoop, prng, randomBytes } from "../../../_helpers/fuzz.ts";

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
  fuzzLoop({
    corpus: "sdp",
    seed: 0x5d9,
    iterations: 5_000,
    generate: (rand) => randomBytes(rand, 200),
    check,
  });
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
