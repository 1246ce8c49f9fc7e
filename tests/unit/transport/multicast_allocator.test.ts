import assert from "node:assert/strict";
import { MulticastAllocator } from "../../../src/transport/multicast_allocator.ts";

Deno.test("multicast allocator: starts after the network address and never hands out a group in use", () => {
  const a = new MulticastAllocator("224.1.0.0/16");
  assert.equal(a.networkAddress, "224.1.0.0");
  assert.equal(a.allocate(), "224.1.0.1");
  assert.equal(a.allocate(), "224.1.0.2");
  a.release("224.1.0.1");
  assert.equal(
    a.allocate(),
    "224.1.0.3",
    "the counter advances; freed groups are reused only after wrap-around",
  );
  assert.equal(a.inUse, 2);
});

Deno.test("multicast allocator: wraps around inside the mask and skips groups still in use", () => {
  const a = new MulticastAllocator("239.0.0.0/30"); // offsets 1..3
  assert.deepEqual([a.allocate(), a.allocate(), a.allocate()], ["239.0.0.1", "239.0.0.2", "239.0.0.3"]);
  a.release("239.0.0.2");
  assert.equal(a.allocate(), "239.0.0.2", "after wrapping, the only free group");
  assert.throws(() => a.allocate(), /every multicast group of the range is in use \(3 groups\)/);
  a.release("239.0.0.1");
  assert.equal(a.allocate(), "239.0.0.1");
});

Deno.test("multicast allocator: host bits of the range are ignored; /32 is a single group", () => {
  const a = new MulticastAllocator("224.5.6.7/24");
  assert.equal(a.allocate(), "224.5.6.1");
  const one = new MulticastAllocator("239.1.2.3/32");
  assert.equal(one.allocate(), "239.1.2.3");
  assert.throws(() => one.allocate(), RangeError);
});

Deno.test("multicast allocator: exhaustion is an error, never a collision", () => {
  const a = new MulticastAllocator("224.9.0.0/24");
  const seen = new Set<string>();
  for (let i = 0; i < 255; i++) seen.add(a.allocate());
  assert.equal(seen.size, 255);
  assert.throws(() => a.allocate(), RangeError);
});
