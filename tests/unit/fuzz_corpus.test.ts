import assert from "node:assert/strict";
import { corpusInputs, fuzzLoop } from "../_helpers/fuzz.ts";

Deno.test("fuzz corpora: every saved input is loaded for replay", () => {
  for (const corpus of ["rtp_header", "rtcp_compound", "sdp"]) {
    assert.ok(corpusInputs(corpus).length >= 3, corpus);
  }
  assert.deepEqual(corpusInputs("no_such_corpus"), []);
});

Deno.test("fuzzLoop: a crashing input fails the test, is saved to the corpus and then replayed first", () => {
  const corpus = `_selftest_${crypto.randomUUID().slice(0, 8)}`;
  const dir = new URL(`../fixtures/fuzz/${corpus}/`, import.meta.url);
  try {
    const crashes = (input: Uint8Array) => {
      if (input[0] === 7) throw new Error("boom");
    };
    let saved = "";
    assert.throws(
      () =>
        fuzzLoop({
          corpus,
          seed: 1,
          iterations: 10_000,
          generate: (r) => Uint8Array.of(r() * 16),
          check: crashes,
        }),
      (e: Error) => {
        saved = /saved as (\S+):/.exec(e.message)?.[1] ?? "";
        return /seed 1 iteration \d+/.test(e.message) && e.message.includes("boom");
      },
    );
    assert.match(saved, new RegExp(`^tests/fixtures/fuzz/${corpus}/crash-[0-9a-f]{8}\\.bin$`));
    assert.deepEqual(corpusInputs(corpus).map((c) => [...c.bytes]), [[7]]);
    // The saved input now fails before any generated one, even with zero iterations.
    assert.throws(
      () => fuzzLoop({ corpus, seed: 1, iterations: 0, generate: () => new Uint8Array(), check: crashes }),
      /corpus input .*crash-[0-9a-f]{8}\.bin fails/,
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
