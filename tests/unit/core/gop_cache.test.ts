import assert from "node:assert/strict";
import { GopCache } from "../../../src/core/gop_cache.ts";
import { OutboundPacket } from "../../../src/core/outbound_packet.ts";

const pkt = (n: number) => new OutboundPacket(new Uint8Array(n));

Deno.test("gop cache: starts at a random-access packet, keeps its access unit together", () => {
  const c = new GopCache();
  c.add(0, pkt(20), false, 1);
  assert.equal(c.packets.length, 0, "nothing before the first keyframe");
  c.add(0, pkt(20), true, 100); // SPS
  c.add(0, pkt(20), true, 100); // IDR of the same access unit: no reset
  c.add(1, pkt(20), false, 5);
  assert.equal(c.packets.length, 3);
  c.add(0, pkt(20), true, 200);
  assert.equal(c.packets.length, 1, "a new keyframe resets");
});

Deno.test("gop cache: over its limits it empties and waits for the next keyframe", () => {
  const c = new GopCache({ maxPackets: 3, maxBytes: 1_000_000 });
  c.add(0, pkt(10), true, 1);
  for (let i = 0; i < 3; i++) c.add(0, pkt(10), false, 2 + i);
  assert.equal(c.packets.length, 0);
  c.add(0, pkt(10), false, 9);
  assert.equal(c.packets.length, 0);
  const b = new GopCache({ maxPackets: 100, maxBytes: 25 });
  b.add(0, pkt(10), true, 1);
  b.add(0, pkt(10), false, 2);
  b.add(0, pkt(10), false, 3);
  assert.equal(b.packets.length, 0, "byte limit");
});
