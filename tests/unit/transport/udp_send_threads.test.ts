import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { UdpBatchSender } from "../../../src/transport/udp_batch_sender.ts";
import { findUdpSocketFd, openLibc, setIntOption, SOL_SOCKET } from "../../../src/transport/ffi_libc.ts";
import { waitFor } from "../../_helpers/wait.ts";
import { UdpSendThreads } from "../../../src/transport/udp_send_threads.ts";
import { C_SEQ, C_STOP } from "../../../src/transport/udp_send_protocol.ts";
// The worker module is started by URL, outside any import graph: this keeps it type-checked.
import type * as _worker from "../../../src/transport/udp_send_worker.ts";

function bind(): Deno.DatagramConn {
  return Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
}

const addrs = new WeakMap<Deno.DatagramConn, { hostname: string; port: number }>();

/** One address object per reader, as the server keeps one per session media: a destination is that object. */
function addrOf(sock: Deno.DatagramConn) {
  let a = addrs.get(sock);
  if (a === undefined) {
    a = { hostname: "127.0.0.1", port: (sock.addr as Deno.NetAddr).port };
    addrs.set(sock, a);
  }
  return a;
}

function packet(seq: number, size: number): Uint8Array {
  const b = new Uint8Array(size).fill(seq & 0xff);
  b[0] = seq >> 8;
  b[1] = seq & 0xff;
  return b;
}

const noError = (e: Error) => assert.fail(`unexpected send error: ${e.message}`);

/** A sender with `threads` whose workers are ready (the worker starts asynchronously). */
async function readySender(sock: Deno.DatagramConn, threads: number, fallbacks: string[] = []) {
  const sender = new UdpBatchSender(sock, { threads, onFallback: (r) => fallbacks.push(r) });
  await waitFor(() => sender.sendThreads === threads || fallbacks.length > 0, {
    timeoutMs: 10_000,
    message: "send workers ready",
  });
  assert.deepEqual(fallbacks, []);
  return sender;
}

Deno.test("UdpSendThreads: with 2 threads, 300 readers get every datagram whole and in order, part sent by the worker", async () => {
  const sock = bind();
  const readers = Array.from({ length: 300 }, bind);
  const sender = await readySender(sock, 2);
  try {
    // A burst of equal-size fragments and a shorter last one (GSO groups), then two turns more.
    const sizes = [1200, 1200, 1200, 700, 300, 1200];
    for (const [seq, size] of sizes.entries()) {
      const p = packet(seq, size);
      for (const r of readers) sender.send(p, addrOf(r), noError);
      if (seq === 3 || seq === 4) await new Promise((r) => setTimeout(r, 0)); // a flush between
    }
    for (const r of readers) {
      for (const [seq, size] of sizes.entries()) {
        const [data] = await r.receive();
        assert.equal(data.length, size);
        assert.deepEqual([data.length, data[0], data[1], data[size - 1]], [
          size,
          seq >> 8,
          seq & 0xff,
          seq & 0xff,
        ], `reader ${readers.indexOf(r)} seq ${seq}`);
      }
    }
    assert.ok(sender.stats.workerMessages > 0, "the worker sent some messages");
    assert.ok(sender.stats.workerMessages < sender.stats.messages, "the main thread sent the rest");
    assert.ok(sender.workerCalls > 0);
    assert.equal(sender.stats.datagrams, 300 * sizes.length);
    assert.ok(sender.stats.messages < sender.stats.datagrams, "equal-size datagrams were grouped (GSO)");
  } finally {
    sender.close();
    sock.close();
    for (const r of readers) r.close();
  }
  assert.equal(sender.sendThreads, 1, "close() stops the worker");
});

Deno.test("UdpSendThreads: a small batch stays on the main thread", async () => {
  const sock = bind();
  const readers = Array.from({ length: 10 }, bind);
  const sender = await readySender(sock, 2);
  try {
    for (let seq = 0; seq < 3; seq++) {
      const p = packet(seq, 500);
      for (const r of readers) sender.send(p, addrOf(r), noError);
    }
    for (const r of readers) {
      for (let seq = 0; seq < 3; seq++) assert.deepEqual((await r.receive())[0], packet(seq, 500));
    }
    assert.equal(sender.stats.workerMessages, 0);
    assert.equal(sender.workerCalls, 0);
  } finally {
    sender.close();
    sock.close();
    for (const r of readers) r.close();
  }
});

Deno.test("UdpSendThreads: 4 threads split a chunk three ways; without acceleration no worker starts", async () => {
  const sock = bind();
  const readers = Array.from({ length: 400 }, bind);
  const sender = await readySender(sock, 4);
  const plain = new UdpBatchSender(sock, { accelerate: false, threads: 2 });
  try {
    assert.equal(plain.sendThreads, 1);
    const p = packet(7, 900);
    for (const r of readers) sender.send(p, addrOf(r), noError);
    for (const r of readers) assert.deepEqual((await r.receive())[0], p);
    assert.ok(sender.stats.workerMessages >= 200, `workers sent ${sender.stats.workerMessages} of 400`);
  } finally {
    plain.close();
    sender.close();
    sock.close();
    for (const r of readers) r.close();
  }
});

Deno.test("UdpSendThreads: without read access to the worker module it stays on one thread, says so once, and delivers", async () => {
  const module = fileURLToPath(new URL("../../../src/transport/udp_batch_sender.ts", import.meta.url));
  const script = `
    import { UdpBatchSender } from ${JSON.stringify(module)};
    const sock = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
    const readers = Array.from({ length: 200 }, () => Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 }));
    const fallbacks = [];
    const sender = new UdpBatchSender(sock, { threads: 2, onFallback: (r) => fallbacks.push(r) });
    const p = new Uint8Array([9, 8, 7]);
    for (const r of readers) sender.send(p, { hostname: "127.0.0.1", port: r.addr.port }, () => {});
    let got = 0;
    for (const r of readers) got += (await r.receive())[0].length === 3 ? 1 : 0;
    console.log(JSON.stringify({ accelerated: sender.accelerated, threads: sender.sendThreads, fallbacks, got }));
    sender.close();
    sock.close();
    for (const r of readers) r.close();
  `;
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(file, script);
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--unstable-net",
      "--no-prompt",
      "--allow-net",
      "--allow-ffi",
      `--allow-read=${file}`,
      file,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output().finally(() => Deno.remove(file));
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const r = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.equal(r.accelerated, true);
  assert.equal(r.threads, 1);
  assert.equal(r.got, 200);
  assert.equal(r.fallbacks.length, 1);
  assert.match(
    r.fallbacks[0],
    /no read access to the send worker.s module .*udp_send_worker\.ts; sending on one thread/,
  );
});

Deno.test("UdpSendThreads: a datagram refused in the worker's part is reported to its owner; the rest still leaves", async () => {
  const sock = bind();
  const readers = Array.from({ length: 200 }, bind);
  const sender = await readySender(sock, 2);
  const errors: string[] = [];
  try {
    const p = packet(1, 400);
    for (const r of readers) sender.send(p, addrOf(r), noError);
    // Larger than any UDP datagram (EMSGSIZE), to a reader of the second half: the worker's part.
    const victim = readers[150];
    sender.send(packet(2, 70000), addrOf(victim), (e) => errors.push(e.message));
    sender.send(packet(3, 400), addrOf(victim), (e) => errors.push(e.message));
    sender.flush();
    assert.equal(errors.length, 1);
    assert.match(errors[0], new RegExp(`127\\.0\\.0\\.1:${addrOf(victim).port} failed: errno 90`));
    for (const r of readers) {
      assert.deepEqual((await r.receive())[0], p);
      if (r === victim) assert.deepEqual((await r.receive())[0], packet(3, 400));
    }
    assert.ok(sender.stats.workerMessages > 0);
  } finally {
    sender.close();
    sock.close();
    for (const r of readers) r.close();
  }
});

Deno.test("UdpSendThreads: when the kernel refuses GSO in both parts, it falls back once and loses nothing", async () => {
  const sock = bind();
  const readers = Array.from({ length: 200 }, bind);
  const reasons: string[] = [];
  const sender = await readySender(sock, 2, reasons);
  try {
    // SO_NO_CHECK (no UDP checksums) makes the kernel refuse segmentation with EINVAL.
    const lib = openLibc()!;
    const fd = findUdpSocketFd(lib, "127.0.0.1", addrOf(sock).port)!;
    assert.ok(setIntOption(lib, fd, SOL_SOCKET, 11, 1));
    const burst = [packet(0, 1000), packet(1, 1000), packet(2, 1000), packet(3, 400)];
    for (let turn = 0; turn < 2; turn++) {
      for (const p of burst) for (const r of readers) sender.send(p, addrOf(r), noError);
      sender.flush();
      for (const r of readers) {
        for (const p of burst) assert.deepEqual((await r.receive())[0], p);
      }
    }
    assert.deepEqual(reasons, [
      "the kernel refused UDP segmentation offload (errno 22), sending one datagram per message",
    ]);
    assert.equal(sender.segmented, false);
    assert.ok(sender.stats.workerMessages > 0, "the second turn was split again, without GSO");
  } finally {
    sender.close();
    sock.close();
    for (const r of readers) r.close();
  }
});

Deno.test("UdpSendThreads: a job the worker does not take is cancelled after its deadline; three misses stop the threads", async () => {
  const fallbacks: string[] = [];
  const threads = UdpSendThreads.start({
    workers: 1,
    fd: -1,
    msgs: new SharedArrayBuffer(64),
    onFallback: (r) => fallbacks.push(r),
  })!;
  try {
    await waitFor(() => threads.ready.length === 1, { timeoutMs: 10_000, message: "send worker ready" });
    const w = threads.ready[0];
    // Make the worker leave its loop without telling the sender, as a stalled thread would look.
    Atomics.store(w.ctrl, C_STOP, 1);
    Atomics.add(w.ctrl, C_SEQ, 1);
    Atomics.notify(w.ctrl, C_SEQ);
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      threads.post(w, 0, 1);
      assert.equal(threads.join(w), undefined, "cancelled: the caller sends the part itself");
      const waited = performance.now() - t0;
      assert.ok(waited >= 200 && waited < 2000, `waited ${waited} ms`);
    }
    assert.equal(threads.ready.length, 0);
    assert.equal(fallbacks.length, 1);
    assert.match(fallbacks[0], /missed 3 jobs by 250 ms; sending on one thread/);
  } finally {
    threads.close();
  }
});
