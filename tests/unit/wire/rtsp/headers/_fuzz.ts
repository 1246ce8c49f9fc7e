import assert from "node:assert/strict";
import { prng, randInt } from "../../../../_helpers/fuzz.ts";

/**
 * Feeds `parse` strings glued from `pieces` (and random characters) and checks it only ever
 * throws `SyntaxError`; when it succeeds, `roundTrip` (format then parse) must not throw either.
 */
export function fuzzParser<T>(
  parse: (value: string) => T,
  pieces: string[],
  seed: number,
  roundTrip?: (value: T) => void,
): void {
  const rand = prng(seed);
  for (let i = 0; i < 4000; i++) {
    let s = "";
    for (let n = randInt(rand, 14); n > 0; n--) {
      s += rand() < 0.85 ? pieces[randInt(rand, pieces.length)] : String.fromCharCode(randInt(rand, 0x250));
    }
    let parsed: T;
    try {
      parsed = parse(s);
    } catch (e) {
      assert.ok(e instanceof SyntaxError, `${JSON.stringify(s)}: ${e}`);
      continue;
    }
    try {
      roundTrip?.(parsed);
    } catch (e) {
      // Formatting may refuse a value that cannot be written back (RangeError), never crash.
      assert.ok(e instanceof RangeError, `${JSON.stringify(s)} round trip: ${e}`);
    }
  }
}
