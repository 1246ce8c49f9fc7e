import assert from "node:assert/strict";
import { buildMikey } from "../../../../src/wire/mikey/build.ts";
import { mikeyFromBase64 } from "../../../../src/wire/mikey/key_mgmt.ts";
import { parseMikey } from "../../../../src/wire/mikey/parse.ts";
import { prng, randInt } from "../../../_helpers/fuzz.ts";
import { fixture, sampleBytes } from "./_helpers.ts";

function onlySyntaxErrors(bytes: Uint8Array): void {
  try {
    const m = parseMikey(bytes);
    // Whatever parses is a message our encoder can write and read back.
    assert.deepEqual(parseMikey(buildMikey(m)), m);
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
  }
}

const NAMES = [
  "gstreamer-1.22-rtspclientsink-announce",
  "gstreamer-1.22-rtspclientsink-setup-keymgmt",
  "gstreamer-1.22-rtspsrc-setup-keymgmt",
  "gst-rtsp-server-1.22-describe",
  "gst-rtsp-server-1.22-announce-keymgmt",
];
const seeds: Uint8Array[] = [sampleBytes()];
for (const name of NAMES) {
  for (const b64 of await fixture(name)) seeds.push(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
}

Deno.test("fuzz: parseMikey of random bytes throws only SyntaxError", () => {
  const rand = prng(0x31c3);
  for (let i = 0; i < 20_000; i++) {
    const bytes = Uint8Array.from({ length: randInt(rand, 160) }, () => randInt(rand, 256));
    if (bytes.length > 4 && rand() < 0.7) bytes.set([1, 0, randInt(rand, 22), 0], 0); // a plausible header
    onlySyntaxErrors(bytes);
  }
});

Deno.test("fuzz: mutated real messages parse or throw SyntaxError", () => {
  const rand = prng(4567);
  for (let i = 0; i < 20_000; i++) {
    const seed = seeds[randInt(rand, seeds.length)];
    let bytes = seed.slice();
    for (let flips = 1 + randInt(rand, 3); flips > 0; flips--) {
      const at = randInt(rand, bytes.length);
      bytes[at] = rand() < 0.5 ? randInt(rand, 256) : bytes[at] ^ (1 << randInt(rand, 8));
    }
    if (rand() < 0.2) bytes = bytes.subarray(0, randInt(rand, bytes.length + 1));
    if (rand() < 0.1) bytes = new Uint8Array([...bytes, ...seed.subarray(0, randInt(rand, 20))]);
    onlySyntaxErrors(bytes);
  }
});

Deno.test("fuzz: mikeyFromBase64 of random text throws only SyntaxError", () => {
  const rand = prng(99);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/= -_";
  for (let i = 0; i < 5_000; i++) {
    const text = Array.from({ length: randInt(rand, 200) }, () => alphabet[randInt(rand, alphabet.length)])
      .join("");
    try {
      mikeyFromBase64(text);
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e;
    }
  }
});
