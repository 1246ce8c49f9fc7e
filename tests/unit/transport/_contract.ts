/**
 * The ByteStream contract: one suite every carrier must pass (plain TCP, the sniffer's replaying
 * stream, the HTTP tunnel, the WebSocket tunnel, with and without TLS), over real sockets.
 */
import assert from "node:assert/strict";
import type { ByteStream, ByteStreamKind } from "../../../src/transport/byte_stream.ts";
import { waitFor, withTimeout } from "../../_helpers/wait.ts";
import { prng, randInt, randomSplit } from "../../_helpers/fuzz.ts";

/** Two connected ends: `a` is the implementation under test (server side), `b` its peer. */
export interface StreamPair extends AsyncDisposable {
  a: ByteStream;
  b: ByteStream;
  /** Drops b's sockets without any protocol goodbye (a crashed or vanished peer). */
  abortB(): void;
}

/** What a carrier promises about itself. */
export interface PairFactory {
  name: string;
  kind: ByteStreamKind;
  secure: boolean;
  open(): Promise<StreamPair>;
}

const MiB = 1024 * 1024;

/** Reads until the stream ends; resolves "eof" or "error" (a reset), rejecting on data. */
async function readEnd(s: ByteStream, timeoutMs = 5000): Promise<"eof" | "error"> {
  const buf = new Uint8Array(4096);
  return await withTimeout(
    (async () => {
      try {
        while (true) {
          if (await s.read(buf) === null) return "eof";
        }
      } catch {
        return "error";
      }
    })(),
    timeoutMs,
    "stream did not end",
  );
}

/** Reads exactly `n` bytes with reads of random sizes. */
async function readExactly(s: ByteStream, n: number, rand: () => number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const r = await s.read(out.subarray(got, Math.min(n, got + 1 + randInt(rand, 70_000))));
    if (r === null) throw new Error(`EOF after ${got} of ${n} bytes`);
    got += r;
  }
  return out;
}

/** Registers the contract tests for one carrier. */
export function byteStreamContract(f: PairFactory): void {
  const test = (what: string, fn: (p: StreamPair) => Promise<void>) =>
    Deno.test(`contract ${f.name}: ${what}`, async () => {
      await using pair = await f.open();
      await fn(pair);
    });

  test(`reports kind "${f.kind}" and secure=${f.secure}`, async ({ a }) => {
    assert.equal(a.kind, f.kind);
    assert.equal(a.secure, f.secure);
    assert.equal(a.remoteAddr.hostname, "127.0.0.1");
    assert.ok(a.localAddr.port > 0);
    await Promise.resolve();
  });

  test("echoes 1 MiB written and read in random chunking", async ({ a, b }) => {
    const rand = prng(f.name.length * 7919);
    const data = new Uint8Array(MiB).map(() => randInt(rand, 256));
    const echo = (async () => {
      const buf = new Uint8Array(128 * 1024);
      let total = 0;
      while (total < MiB) {
        const n = await a.read(buf.subarray(0, 1 + randInt(rand, buf.length)));
        if (n === null) throw new Error(`echo: EOF after ${total} bytes`);
        await a.write(buf.slice(0, n));
        total += n;
      }
    })();
    const send = (async () => {
      for (const chunk of randomSplit(data, rand, 64 * 1024)) await b.write(chunk);
    })();
    const back = readExactly(b, MiB, rand);
    const [, , received] = await withTimeout(Promise.all([echo, send, back]), 30_000, "echo");
    assert.ok(received.every((v, i) => v === data[i]), "echoed bytes differ");
  });

  test("reads of one byte see every byte in order", async ({ a, b }) => {
    const message = new TextEncoder().encode("OPTIONS rtsp://x/ RTSP/1.0\r\nCSeq: 1\r\n\r\n");
    await b.write(message);
    const one = new Uint8Array(1);
    const got: number[] = [];
    while (got.length < message.length) {
      assert.equal(await a.read(one), 1);
      got.push(one[0]);
    }
    assert.deepEqual(new Uint8Array(got), message);
  });

  test("an empty write is a no-op", async ({ a, b }) => {
    await b.write(new Uint8Array(0));
    await b.write(new Uint8Array([42]));
    const buf = new Uint8Array(8);
    assert.equal(await a.read(buf), 1);
    assert.equal(buf[0], 42);
  });

  test("closing a ends b's reads", async ({ a, b }) => {
    a.close();
    assert.ok(["eof", "error"].includes(await readEnd(b)));
  });

  test("closing b ends a's reads", async ({ a, b }) => {
    b.close();
    assert.ok(["eof", "error"].includes(await readEnd(a)));
  });

  test("after close: reads end, writes reject, close is idempotent", async ({ a }) => {
    a.close();
    a.close();
    assert.ok(["eof", "error"].includes(await readEnd(a)));
    await assert.rejects(() => a.write(new Uint8Array([1])));
  });

  test("a vanished peer ends reads and makes writes fail", async (pair) => {
    const { a } = pair;
    // Something in flight toward b, so that its abrupt close can turn into a reset.
    await a.write(new Uint8Array(1024));
    pair.abortB();
    assert.ok(["eof", "error"].includes(await readEnd(a)));
    let failed = false;
    await waitFor(async () => {
      try {
        await a.write(new Uint8Array(16 * 1024));
      } catch {
        failed = true;
      }
      return failed;
    }, { timeoutMs: 5000, intervalMs: 10, message: "writes to a vanished peer never failed" });
  });
}
