/**
 * The one seeded PRNG of the test suite, and fuzz loops that keep what they find.
 *
 * `fuzzLoop` first replays every input saved under `tests/fixtures/fuzz/<corpus>/` (regression
 * fixtures: inputs that once crashed a parser, or hand-made nasty ones), then runs the generator.
 * An input that makes `check` throw is written to that folder as `crash-<hash>.bin` and the test
 * fails naming the file, so committing it turns the find into a permanent regression test.
 * `FUZZ_SEED=<n>` explores another seed; `FUZZ_SCALE=<k>` multiplies every loop's iterations.
 */

/** mulberry32: a deterministic PRNG in [0, 1), so a failure reproduces from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [0, n). */
export function randInt(rand: () => number, n: number): number {
  return Math.floor(rand() * n);
}

/** 0..max-1 random bytes. */
export function randomBytes(rand: () => number, max: number): Uint8Array {
  return Uint8Array.from({ length: randInt(rand, max) }, () => randInt(rand, 256));
}

/** 0..max-1 characters drawn from `alphabet`. */
export function randomString(rand: () => number, alphabet: string, max: number): string {
  let s = "";
  for (let n = randInt(rand, max); n > 0; n--) s += alphabet[randInt(rand, alphabet.length)];
  return s;
}

/** Splits `bytes` into random chunks of 1..maxChunk bytes. */
export function randomSplit(bytes: Uint8Array, rand: () => number, maxChunk: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length;) {
    const n = 1 + randInt(rand, maxChunk);
    chunks.push(bytes.subarray(i, i + n));
    i += n;
  }
  return chunks;
}

/** Flips one random bit of a copy of `bytes`. */
export function flipBit(bytes: Uint8Array, rand: () => number): Uint8Array {
  const out = bytes.slice();
  if (out.length > 0) out[randInt(rand, out.length)] ^= 1 << randInt(rand, 8);
  return out;
}

const CORPUS_ROOT = new URL("../fixtures/fuzz/", import.meta.url);

/** The saved inputs of one corpus, oldest name first; empty when the folder does not exist. */
export function corpusInputs(corpus: string): { name: string; bytes: Uint8Array }[] {
  const dir = new URL(`${corpus}/`, CORPUS_ROOT);
  let names: string[];
  try {
    names = [...Deno.readDirSync(dir)].filter((e) => e.isFile).map((e) => e.name).sort();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
  return names.map((name) => ({ name, bytes: Deno.readFileSync(new URL(name, dir)) }));
}

export interface FuzzLoopOptions {
  /** Folder name under tests/fixtures/fuzz/. */
  corpus: string;
  seed: number;
  iterations: number;
  /** Makes one input from the PRNG. */
  generate: (rand: () => number) => Uint8Array;
  /** Throws when the code under test misbehaves on `input`. */
  check: (input: Uint8Array) => void;
}

/** Replays the corpus, then fuzzes; a crashing input is saved to the corpus and reported. */
export function fuzzLoop(o: FuzzLoopOptions): void {
  for (const { name, bytes } of corpusInputs(o.corpus)) {
    try {
      o.check(bytes);
    } catch (e) {
      throw new Error(`corpus input ${o.corpus}/${name} fails: ${(e as Error).stack ?? e}`);
    }
  }
  const seed = Number(Deno.env.get("FUZZ_SEED") ?? o.seed);
  const iterations = Math.round(o.iterations * Number(Deno.env.get("FUZZ_SCALE") ?? 1));
  const rand = prng(seed);
  for (let i = 0; i < iterations; i++) {
    const input = o.generate(rand);
    try {
      o.check(input);
    } catch (e) {
      const file = saveCrash(o.corpus, input);
      throw new Error(
        `fuzz ${o.corpus} seed ${seed} iteration ${i}: input saved as ${file}: ${(e as Error).stack ?? e}`,
      );
    }
  }
}

function saveCrash(corpus: string, input: Uint8Array): string {
  let h = 0x811c9dc5;
  for (const b of input) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  const dir = new URL(`${corpus}/`, CORPUS_ROOT);
  Deno.mkdirSync(dir, { recursive: true });
  const name = `crash-${h.toString(16).padStart(8, "0")}.bin`;
  Deno.writeFileSync(new URL(name, dir), input);
  return `tests/fixtures/fuzz/${corpus}/${name}`;
}
