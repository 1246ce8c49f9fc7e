/** Deterministic PRNG for split and fuzz tests (mulberry32), so failures reproduce from the seed. */
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
