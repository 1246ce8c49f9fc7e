import assert from "node:assert/strict";
import { WriteScheduler } from "../../../src/transport/write_scheduler.ts";
import { StreamWriter } from "../../../src/transport/stream_writer.ts";
import type { ByteStream } from "../../../src/transport/byte_stream.ts";
import type { SyncWriter } from "../../../src/transport/tcp_sync_writer.ts";
import { waitFor } from "../../_helpers/wait.ts";

function counter() {
  const w = { flushes: 0, flushScheduled: () => void w.flushes++ };
  return w;
}

/** Records every write; writes complete at once. */
class RecordingStream implements ByteStream {
  readonly kind = "tcp" as const;
  readonly secure = false;
  readonly remoteAddr = { hostname: "127.0.0.1", port: 1 };
  readonly localAddr = { hostname: "127.0.0.1", port: 2 };
  writes: number[][] = [];
  read(): Promise<number | null> {
    return Promise.resolve(null);
  }
  write(data: Uint8Array): Promise<void> {
    this.writes.push([...data]);
    return Promise.resolve();
  }
  close() {}
}

Deno.test("write scheduler: with no delay, writers scheduled in one turn start together at its end", async () => {
  const s = new WriteScheduler(0);
  const a = counter();
  const b = counter();
  s.schedule(a);
  s.schedule(b);
  assert.deepEqual([a.flushes, b.flushes], [0, 0], "nothing starts before the turn ends");
  await Promise.resolve();
  assert.deepEqual([a.flushes, b.flushes], [1, 1]);
  s.schedule(a);
  await Promise.resolve();
  assert.equal(a.flushes, 2, "a later turn gets its own flush");
});

Deno.test("write scheduler: with a delay, one timer starts every writer scheduled meanwhile; close() flushes", async () => {
  const s = new WriteScheduler(20);
  const a = counter();
  const b = counter();
  const t0 = performance.now();
  s.schedule(a);
  await Promise.resolve();
  s.schedule(b);
  assert.equal(a.flushes, 0);
  await waitFor(() => a.flushes === 1, { timeoutMs: 2000, intervalMs: 2, message: "timer flush" });
  assert.ok(performance.now() - t0 >= 15, "not before the delay");
  assert.equal(b.flushes, 1, "the same timer started the later writer");
  s.schedule(a);
  s.close();
  assert.equal(a.flushes, 2, "close() starts pending writers at once (and leaves no timer)");
  assert.throws(() => new WriteScheduler(-1), RangeError);
});

Deno.test("stream writer + scheduler: a burst becomes one write; responses (forced) start at once", async () => {
  const stream = new RecordingStream();
  const w = new StreamWriter(stream, {
    maxQueued: 16,
    writeTimeoutMs: 1000,
    scheduler: new WriteScheduler(0),
    onFailure: () => assert.fail("no failure expected"),
  });
  for (let i = 1; i <= 4; i++) w.enqueue(new Uint8Array([i]));
  assert.equal(stream.writes.length, 0, "held until the flush point");
  await w.flushed();
  assert.deepEqual(stream.writes, [[1, 2, 3, 4]]);
  w.enqueue(new Uint8Array([9]), true);
  assert.deepEqual(stream.writes.at(-1), [9], "a forced chunk is written in the same turn");
  w.enqueue(new Uint8Array([5]));
  await w.flushed();
  assert.deepEqual(stream.writes.at(-1), [5], "flushed() starts a scheduled write rather than wait for it");
});

/** A SyncWriter that takes at most `room` bytes per call, or reports itself unavailable. */
class FakeSync implements SyncWriter {
  readonly buffer = new Uint8Array(64);
  taken: number[][] = [];
  constructor(public room: number, public unavailable = false, public error?: Error) {}
  /** Chunks written from their own memory (no copy into `buffer`). */
  direct = 0;
  write(n: number): number {
    return this.writeChunk(this.buffer.subarray(0, n), false);
  }
  writeChunk(chunk: Uint8Array, direct = true): number {
    if (this.error !== undefined) throw this.error;
    if (this.unavailable) return -1;
    if (direct) this.direct++;
    const k = Math.min(chunk.length, this.room);
    this.taken.push([...chunk.subarray(0, k)]);
    return k;
  }
}

Deno.test("stream writer + sync writer: coalesced bytes go out synchronously, the rest through the stream, in order", async () => {
  const stream = new RecordingStream();
  const sync = new FakeSync(3);
  const w = new StreamWriter(stream, { maxQueued: 16, writeTimeoutMs: 1000, sync, onFailure: () => {} });
  w.enqueue(new Uint8Array([1, 2]), true);
  assert.deepEqual(sync.taken, [[1, 2]], "written synchronously, no stream write");
  w.enqueue(new Uint8Array([3, 4]));
  w.enqueue(new Uint8Array([5]));
  await w.flushed();
  // The first write of [3,4] is synchronous (the writer was idle); [5] follows alone.
  assert.deepEqual(sync.taken, [[1, 2], [3, 4], [5]]);
  sync.room = 1;
  w.enqueue(new Uint8Array([6, 7, 8]), true);
  await w.flushed();
  assert.deepEqual(sync.taken.at(-1), [6], "the kernel took one byte");
  assert.deepEqual(stream.writes, [[7, 8]], "the rest waited for room on the async path");
  assert.equal(stream.writes.length, 1);
  // A lone chunk larger than the scratch buffer is written from its own memory; the rest waits.
  const direct = sync.direct;
  w.enqueue(new Uint8Array(100).fill(1), true);
  await w.flushed();
  assert.equal(sync.direct, direct + 1);
  assert.deepEqual(sync.taken.at(-1), [1]);
  assert.equal(stream.writes.at(-1)!.length, 99);
});

Deno.test("stream writer + sync writer: small queued chunks are merged, a large one (a stream's burst) is not copied", async () => {
  const stream = new RecordingStream();
  const sync = new FakeSync(1 << 20);
  const scheduler = new WriteScheduler();
  const w = new StreamWriter(stream, {
    maxQueued: 16,
    writeTimeoutMs: 1000,
    sync,
    scheduler,
    onFailure: () => {},
  });
  const burst = new Uint8Array(20_000).fill(9);
  w.enqueue(new Uint8Array([1]));
  w.enqueue(new Uint8Array([2]));
  w.enqueue(burst);
  w.enqueue(new Uint8Array([3]));
  await w.flushed();
  assert.deepEqual(
    sync.taken.map((t) => t.length),
    [2, 20_000, 1],
    "[1,2] merged, the burst alone, [3] alone",
  );
  assert.equal(sync.direct, 2, "the burst and the lone last chunk were not copied");
  assert.deepEqual(sync.taken[0], [1, 2]);
  assert.equal(stream.writes.length, 0);
});

Deno.test("stream writer + sync writer: unavailable falls back for good; a socket error fails the writer", async () => {
  const stream = new RecordingStream();
  const off = new FakeSync(64, true);
  const w = new StreamWriter(stream, { maxQueued: 16, writeTimeoutMs: 1000, sync: off, onFailure: () => {} });
  w.enqueue(new Uint8Array([1]), true);
  w.enqueue(new Uint8Array([2]), true);
  await w.flushed();
  assert.deepEqual(stream.writes.flat(), [1, 2]);
  const failures: unknown[] = [];
  const broken = new FakeSync(64, false, new Error("Broken pipe (os error 32)"));
  const w2 = new StreamWriter(new RecordingStream(), {
    maxQueued: 16,
    writeTimeoutMs: 1000,
    sync: broken,
    onFailure: (f) => failures.push(f),
  });
  w2.enqueue(new Uint8Array([1]), true);
  await w2.flushed();
  assert.equal(failures.length, 1);
  assert.ok(w2.failed);
});

Deno.test("stream writer + sync writer: writeNow sends an idle writer's chunk at once, else queues it in order", async () => {
  const stream = new RecordingStream();
  const sync = new FakeSync(1 << 20);
  const scheduler = new WriteScheduler();
  const w = new StreamWriter(stream, {
    maxQueued: 16,
    writeTimeoutMs: 1000,
    sync,
    scheduler,
    onFailure: () => {},
  });
  assert.ok(w.writeNow(new Uint8Array([1, 2]), 2));
  assert.deepEqual(sync.taken, [[1, 2]], "written before the scheduler's turn end");
  assert.equal(w.queuedItems, 0);
  w.enqueue(new Uint8Array([3])); // scheduled for the turn's end
  assert.ok(w.writeNow(new Uint8Array([4, 5]), 2), "queued behind it");
  assert.equal(w.queuedItems, 3);
  await w.flushed();
  assert.deepEqual(sync.taken.flat(), [1, 2, 3, 4, 5], "order kept");
  sync.room = 1;
  assert.ok(w.writeNow(new Uint8Array([6, 7, 8])));
  await w.flushed();
  assert.deepEqual(stream.writes, [[7, 8]], "what the kernel did not take waited for room");
  assert.equal(w.writeNow(new Uint8Array(1), 17), true, "an empty queue takes a chunk over the bound");
});
