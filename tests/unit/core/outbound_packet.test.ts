import assert from "node:assert/strict";
import { OutboundPacket } from "../../../src/core/outbound_packet.ts";

Deno.test("outbound packet: framed once per channel, data view shares the buffer", () => {
  const p = new OutboundPacket(new Uint8Array([1, 2, 3]));
  assert.deepEqual(p.data, new Uint8Array([1, 2, 3]));
  const f0 = p.framed(0);
  assert.deepEqual(f0, new Uint8Array([0x24, 0, 0, 3, 1, 2, 3]));
  assert.equal(p.framed(0), f0, "same buffer for the same channel");
  const f2 = p.framed(2);
  assert.deepEqual(f2, new Uint8Array([0x24, 2, 0, 3, 1, 2, 3]));
  assert.equal(p.framed(2), f2);
  assert.equal(f0[1], 0, "the first channel's frame is untouched");
  assert.equal(f0.buffer, p.data.buffer);
});

Deno.test("outbound packet: refuses what interleaving cannot carry", () => {
  assert.throws(() => new OutboundPacket(new Uint8Array(70000)), RangeError);
});

Deno.test("outbound packet: carries its index and ROC; a length leaves the data for the caller to fill", () => {
  const p = new OutboundPacket(new Uint8Array([1, 2]), 0x2_0005);
  assert.equal(p.index, 0x2_0005);
  assert.equal(p.roc, 2);
  const empty = new OutboundPacket(3, 7);
  assert.deepEqual(empty.data, new Uint8Array(3));
  empty.data.set([9, 8, 7]);
  assert.deepEqual(empty.framed(1), new Uint8Array([0x24, 1, 0, 3, 9, 8, 7]));
  let made = 0;
  const encrypt = () => (made++, new OutboundPacket(4, p.index));
  assert.equal(p.secured(encrypt), p.secured(encrypt), "the secured form is made once");
  assert.equal(made, 1);
});
