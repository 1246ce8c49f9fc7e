import assert from "node:assert/strict";
import { encodeFrame, Opcode, WebSocketFrameParser } from "../../../../src/wire/websocket/frame.ts";
import { WebSocketMessageAssembler } from "../../../../src/wire/websocket/message.ts";
import { prng, randInt, randomSplit } from "../../../_helpers/fuzz.ts";

/** Feeds `wire` through parser and assembler; returns how it ended. */
function run(wire: Uint8Array, rand: () => number, requireMask?: boolean): "ok" | "error" {
  const parser = new WebSocketFrameParser({ maxPayloadBytes: 4096, requireMask });
  const assembler = new WebSocketMessageAssembler(8192);
  try {
    for (const chunk of randomSplit(wire, rand, 64)) {
      parser.push(chunk);
      for (let f = parser.next(); f !== undefined; f = parser.next()) assembler.accept(f);
    }
    return "ok";
  } catch (e) {
    // The only errors the codec may throw; anything else (TypeError, …) is a bug.
    assert.ok(e instanceof SyntaxError || e instanceof RangeError, `unexpected ${(e as Error).name}: ${e}`);
    return "error";
  }
}

/** A valid client stream: binary messages, some fragmented, with pings in between. */
function validStream(rand: () => number): Uint8Array {
  const parts: Uint8Array[] = [];
  const mask = () =>
    new Uint8Array([randInt(rand, 256), randInt(rand, 256), randInt(rand, 256), randInt(rand, 256)]);
  for (let m = 0; m < 8; m++) {
    const pieces = 1 + randInt(rand, 3);
    for (let i = 0; i < pieces; i++) {
      const payload = new Uint8Array(randInt(rand, 300)).map(() => randInt(rand, 256));
      const opcode = i === 0 ? Opcode.binary : Opcode.continuation;
      parts.push(encodeFrame({ fin: i === pieces - 1, opcode, payload, mask: mask() }));
      if (randInt(rand, 4) === 0) {
        parts.push(
          encodeFrame({
            fin: true,
            opcode: Opcode.ping,
            payload: new Uint8Array(randInt(rand, 126)),
            mask: mask(),
          }),
        );
      }
    }
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

Deno.test("fuzz: random bytes only ever raise SyntaxError or RangeError", () => {
  const rand = prng(6455);
  for (let i = 0; i < 3000; i++) {
    const wire = new Uint8Array(randInt(rand, 200)).map(() => randInt(rand, 256));
    run(wire, rand, [undefined, true, false][i % 3]);
  }
});

Deno.test("fuzz: valid client streams parse; mutated ones fail only with codec errors", () => {
  const rand = prng(1234);
  let failures = 0;
  for (let i = 0; i < 500; i++) {
    const wire = validStream(rand);
    assert.equal(run(wire, rand, true), "ok", `iteration ${i}`);
    const mutated = wire.slice();
    for (let k = 0; k < 1 + randInt(rand, 4); k++) {
      mutated[randInt(rand, mutated.length)] = randInt(rand, 256);
    }
    if (run(mutated, rand, true) === "error") failures++;
  }
  assert.ok(failures > 0, "mutations should break some streams");
});
