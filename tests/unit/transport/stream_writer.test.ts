import assert from "node:assert/strict";
import { StreamWriter } from "../../../src/transport/stream_writer.ts";
import type { WriterFailure } from "../../../src/transport/stream_writer.ts";
import type { ByteStream } from "../../../src/transport/byte_stream.ts";
import { FakeClock } from "../../_helpers/fake_clock.ts";

/** A stream whose writes complete only when released. */
class GatedStream implements ByteStream {
  readonly kind = "tcp" as const;
  readonly secure = false;
  readonly remoteAddr = { hostname: "127.0.0.1", port: 1 };
  readonly localAddr = { hostname: "127.0.0.1", port: 2 };
  writes: Uint8Array[] = [];
  #gate = Promise.withResolvers<void>();
  read(): Promise<number | null> {
    return Promise.resolve(null);
  }
  async write(data: Uint8Array): Promise<void> {
    await this.#gate.promise;
    this.writes.push(data.slice());
  }
  release() {
    this.#gate.resolve();
  }
  close() {}
}

Deno.test("stream writer: bounded queue drops when full but forced chunks always pass", async () => {
  const s = new GatedStream();
  const w = new StreamWriter(s, { maxQueued: 2, writeTimeoutMs: 5000, onFailure: () => {} });
  assert.ok(w.enqueue(new Uint8Array([1]))); // taken by the writer loop at once
  assert.ok(w.enqueue(new Uint8Array([2])));
  assert.ok(w.enqueue(new Uint8Array([3])));
  assert.equal(w.enqueue(new Uint8Array([4])), false, "queue full: dropped");
  assert.ok(w.enqueue(new Uint8Array([5]), true), "responses are never dropped");
  s.release();
  await w.flushed();
  const all = s.writes.flatMap((b) => [...b]);
  assert.deepEqual(all, [1, 2, 3, 5], "order kept, the dropped chunk missing");
  assert.ok(s.writes.length < 4, "queued chunks coalesced into fewer writes");
});

Deno.test("stream writer: a chunk holding several packets counts them all against the bound (writeQueueSize)", async () => {
  const s = new GatedStream();
  const w = new StreamWriter(s, { maxQueued: 30, writeTimeoutMs: 5000, onFailure: () => {} });
  assert.ok(w.enqueue(new Uint8Array([1]), false, 20)); // taken by the writer loop at once
  assert.ok(w.enqueue(new Uint8Array([2]), false, 20), "20 of 30 queued");
  assert.equal(w.queuedItems, 20);
  assert.equal(
    w.enqueue(new Uint8Array([3]), false, 20),
    false,
    "40 would pass the bound: a burst of 20 dropped",
  );
  assert.ok(w.enqueue(new Uint8Array([4]), false, 10), "30 is the bound itself");
  assert.equal(w.enqueue(new Uint8Array([5])), false);
  s.release();
  await w.flushed();
  assert.deepEqual(s.writes.flatMap((b) => [...b]), [1, 2, 4]);
  assert.equal(w.queuedItems, 0);
  assert.ok(w.enqueue(new Uint8Array([6]), false, 100), "an empty queue takes a chunk larger than the bound");
});

Deno.test("stream writer: a write past the deadline fails once", async () => {
  const s = new GatedStream();
  const failures: WriterFailure[] = [];
  const w = new StreamWriter(s, { maxQueued: 8, writeTimeoutMs: 30, onFailure: (f) => failures.push(f) });
  w.enqueue(new Uint8Array([1]));
  await w.flushed();
  assert.deepEqual(failures, [{ kind: "timeout" }]);
  assert.ok(w.failed);
  assert.equal(w.enqueue(new Uint8Array([2]), true), false, "nothing accepted after a failure");
  s.release();
});

Deno.test("stream writer: the write deadline runs on the injected clock (writeTimeout, fake clock)", async () => {
  const clock = new FakeClock();
  const s = new GatedStream();
  const failures: WriterFailure[] = [];
  const w = new StreamWriter(s, {
    maxQueued: 8,
    writeTimeoutMs: 10_000,
    onFailure: (f) => failures.push(f),
    clock,
  });
  w.enqueue(new Uint8Array([1]));
  await Promise.resolve();
  clock.advance(9_999);
  await Promise.resolve();
  assert.deepEqual(failures, [], "not before writeTimeout");
  clock.advance(1);
  await w.flushed();
  assert.deepEqual(failures, [{ kind: "timeout" }]);
});
