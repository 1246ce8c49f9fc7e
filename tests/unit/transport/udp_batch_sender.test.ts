import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { UdpBatchSender } from "../../../src/transport/udp_batch_sender.ts";
import { findUdpSocketFd, openLibc, setIntOption, SOL_SOCKET } from "../../../src/transport/ffi_libc.ts";

function bind(): Deno.DatagramConn {
  return Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
}

function addrOf(sock: Deno.DatagramConn) {
  return { hostname: "127.0.0.1", port: (sock.addr as Deno.NetAddr).port };
}

function packet(seq: number, size = 200): Uint8Array {
  const b = new Uint8Array(size).fill(seq & 0xff);
  b[0] = seq >> 8;
  b[1] = seq & 0xff;
  return b;
}

/** Receives `n` datagrams and returns them with the sender's port. */
async function receive(sock: Deno.DatagramConn, n: number): Promise<{ data: Uint8Array; port: number }[]> {
  const out = [];
  for (let i = 0; i < n; i++) {
    const [data, from] = await sock.receive();
    out.push({ data, port: (from as Deno.NetAddr).port });
  }
  return out;
}

const noError = (e: Error) => assert.fail(`unexpected send error: ${e.message}`);

Deno.test("UdpBatchSender: one turn's datagrams to many readers arrive whole, in order, from the socket's port", async () => {
  const sock = bind();
  const readers = Array.from({ length: 5 }, bind);
  const sender = new UdpBatchSender(sock);
  try {
    assert.equal(sender.accelerated, true, "tests run with -A: the FFI path is expected");
    for (let seq = 0; seq < 3; seq++) {
      const p = packet(seq, 300 + seq);
      for (const r of readers) assert.equal(sender.send(p, addrOf(r), noError), undefined);
    }
    for (const r of readers) {
      const got = await receive(r, 3);
      got.forEach(({ data, port }, seq) => {
        assert.deepEqual(data, packet(seq, 300 + seq));
        assert.equal(port, (sock.addr as Deno.NetAddr).port);
      });
    }
  } finally {
    sender.close();
    sock.close();
    for (const r of readers) r.close();
  }
});

Deno.test("UdpBatchSender: batches beyond 1024 messages and beyond the arena are split, nothing lost", async () => {
  const sock = bind();
  const readers = Array.from({ length: 300 }, bind);
  const sender = new UdpBatchSender(sock);
  try {
    // 300 distinct 1000-byte packets (more than the 256 KiB arena), then 4 × 300 shared ones (> 1024 messages).
    readers.forEach((r, i) => sender.send(packet(i, 1000), addrOf(r), noError));
    for (let seq = 1000; seq < 1004; seq++) {
      const p = packet(seq);
      for (const r of readers) sender.send(p, addrOf(r), noError);
    }
    for (const [i, r] of readers.entries()) {
      const got = await receive(r, 5);
      assert.deepEqual(got.map((g) => (g.data[0] << 8) | g.data[1]), [i, 1000, 1001, 1002, 1003]);
      assert.equal(got[0].data.length, 1000);
    }
  } finally {
    sender.close();
    sock.close();
    for (const r of readers) r.close();
  }
});

Deno.test("UdpBatchSender: a refused datagram is reported to its owner; the rest of the batch still leaves", async () => {
  const sock = bind();
  const reader = bind();
  const sender = new UdpBatchSender(sock);
  const errors: string[] = [];
  try {
    sender.send(packet(1), addrOf(reader), noError);
    // Larger than any UDP datagram: the kernel refuses it (EMSGSIZE).
    sender.send(packet(2, 70000), addrOf(reader), (e) => errors.push(e.message));
    sender.send(packet(3), addrOf(reader), noError);
    sender.flush();
    assert.equal(errors.length, 1);
    assert.match(errors[0], /127\.0\.0\.1:\d+ failed: errno 90/);
    const got = await receive(reader, 2);
    assert.deepEqual(got.map((g) => g.data[1]), [1, 3]);
  } finally {
    sender.close();
    sock.close();
    reader.close();
  }
});

Deno.test("UdpBatchSender: many readers, one packet per turn: order kept per reader; close() sends what is queued", async () => {
  const sock = bind();
  const readers = Array.from({ length: 100 }, bind);
  const sender = new UdpBatchSender(sock);
  try {
    for (let turn = 0; turn < 20; turn++) {
      const p = packet(turn);
      for (const r of readers) assert.equal(sender.send(p, addrOf(r), noError), undefined);
      if (turn < 19) await Promise.resolve(); // end of the turn: the batch leaves
    }
    sender.close(); // the last turn's batch is still queued
    for (const r of readers) {
      assert.deepEqual((await receive(r, 20)).map((g) => g.data[1]), Array.from({ length: 20 }, (_, i) => i));
    }
  } finally {
    sock.close();
    for (const r of readers) r.close();
  }
});

Deno.test("UdpBatchSender: without acceleration, or for non-IPv4 destinations, each send is Deno's own", async () => {
  const sock = bind();
  const reader = bind();
  const plain = new UdpBatchSender(sock, { accelerate: false });
  const fast = new UdpBatchSender(sock);
  try {
    assert.equal(plain.accelerated, false);
    const p = plain.send(packet(7), addrOf(reader), noError);
    assert.ok(p instanceof Promise);
    assert.equal(await p, 200);
    const byName = fast.send(packet(8), { hostname: "localhost", port: addrOf(reader).port }, noError);
    assert.ok(byName instanceof Promise, "a host name is not a literal IPv4 address: async path");
    await byName;
    fast.close();
    assert.ok(fast.send(packet(9), addrOf(reader), noError) instanceof Promise, "after close(): async path");
    assert.deepEqual((await receive(reader, 3)).map((g) => g.data[1]), [7, 8, 9]);
  } finally {
    sock.close();
    reader.close();
  }
});

/** A key frame's worth for one reader: 70 fragments of 1200 bytes, a 700-byte tail, then audio. */
function burst(): Uint8Array[] {
  const out = [];
  for (let seq = 0; seq < 70; seq++) out.push(packet(seq, 1200));
  out.push(packet(70, 700), packet(71, 1200), packet(72, 300), packet(73, 300));
  return out;
}

/** Sends `burst()` to every reader's video port and an audio packet every 10 to its audio port. */
function sendBurst(sender: UdpBatchSender, video: Deno.DatagramConn[], audio: Deno.DatagramConn[]): void {
  const v = video.map(addrOf);
  const a = audio.map(addrOf);
  burst().forEach((p, i) => {
    for (const to of v) sender.send(p, to, noError);
    if (i % 10 === 0) {
      const ap = packet(5000 + i, 160);
      for (const to of a) sender.send(ap, to, noError);
    }
  });
}

async function expectBurst(video: Deno.DatagramConn[], audio: Deno.DatagramConn[]): Promise<void> {
  const want = burst();
  for (const r of video) {
    const got = await receive(r, want.length);
    assert.deepEqual(got.map((g) => g.data.length), want.map((p) => p.length), "sizes");
    assert.deepEqual(got.map((g) => g.data), want, "every datagram, in order");
  }
  for (const r of audio) {
    const got = await receive(r, 8);
    assert.deepEqual(
      got.map((g) => (g.data[0] << 8) | g.data[1]),
      Array.from({ length: 8 }, (_, i) => 5000 + i * 10),
    );
  }
}

Deno.test("UdpBatchSender: GSO groups equal-size runs per reader; every datagram arrives, in order, with its size", async () => {
  const sock = bind();
  const video = Array.from({ length: 20 }, bind);
  const audio = Array.from({ length: 20 }, bind);
  const sender = new UdpBatchSender(sock, { onFallback: (r) => assert.fail(r) });
  try {
    assert.equal(sender.segmented, true, "Linux >= 4.18: UDP_SEGMENT is expected");
    sendBurst(sender, video, audio);
    sender.flush();
    // Per video reader 4 messages: 64 × 1200, 6 × 1200 + 700 (a shorter one ends a group),
    // 1200 + 300, 300. Per audio reader one: its 8 equal-size packets, not adjacent in the batch.
    assert.equal(sender.stats.datagrams, 20 * 74 + 20 * 8);
    assert.equal(sender.stats.messages, 20 * 4 + 20 * 1);
    await expectBurst(video, audio);
  } finally {
    sender.close();
    sock.close();
    for (const r of [...video, ...audio]) r.close();
  }
});

Deno.test("UdpBatchSender: GSO forced off sends one message per datagram", async () => {
  const sock = bind();
  const video = Array.from({ length: 3 }, bind);
  const audio = Array.from({ length: 3 }, bind);
  const sender = new UdpBatchSender(sock, { gso: false });
  try {
    assert.equal(sender.segmented, false);
    sendBurst(sender, video, audio);
    sender.flush();
    assert.equal(sender.stats.messages, sender.stats.datagrams);
    await expectBurst(video, audio);
  } finally {
    sender.close();
    sock.close();
    for (const r of [...video, ...audio]) r.close();
  }
});

Deno.test("UdpBatchSender: when the kernel refuses GSO it falls back once, logs once, and loses nothing", async () => {
  const sock = bind();
  const video = Array.from({ length: 5 }, bind);
  const audio = Array.from({ length: 5 }, bind);
  const reasons: string[] = [];
  const sender = new UdpBatchSender(sock, { onFallback: (r) => reasons.push(r) });
  try {
    // SO_NO_CHECK (no UDP checksums) makes the kernel refuse segmentation with EINVAL.
    const lib = openLibc()!;
    const fd = findUdpSocketFd(lib, "127.0.0.1", addrOf(sock).port)!;
    assert.ok(setIntOption(lib, fd, SOL_SOCKET, 11, 1));
    assert.equal(sender.segmented, true);
    sendBurst(sender, video, audio);
    sender.flush();
    assert.equal(sender.segmented, false);
    await expectBurst(video, audio);
    sendBurst(sender, video, audio);
    sender.flush();
    await expectBurst(video, audio);
    assert.deepEqual(reasons, [
      "the kernel refused UDP segmentation offload (errno 22), sending one datagram per message",
    ]);
    assert.equal(sender.stats.messages, sender.stats.datagrams);
  } finally {
    sender.close();
    sock.close();
    for (const r of [...video, ...audio]) r.close();
  }
});

Deno.test("findUdpSocketFd: finds the descriptor of a Deno socket by its local address, and only that", () => {
  const lib = openLibc();
  assert.ok(lib !== undefined);
  const a = bind();
  const b = bind();
  try {
    const fa = findUdpSocketFd(lib, "127.0.0.1", addrOf(a).port);
    const fb = findUdpSocketFd(lib, "127.0.0.1", addrOf(b).port);
    assert.ok(fa !== undefined && fb !== undefined && fa !== fb);
    assert.equal(findUdpSocketFd(lib, "127.0.0.2", addrOf(a).port), undefined);
    assert.equal(findUdpSocketFd(lib, "::1", addrOf(a).port), undefined, "IPv6 is not looked up");
  } finally {
    a.close();
    b.close();
  }
});

Deno.test("UdpBatchSender: without --allow-ffi it falls back to Deno's send() and still delivers", async () => {
  const module = fileURLToPath(new URL("../../../src/transport/udp_batch_sender.ts", import.meta.url));
  const script = `
    import { UdpBatchSender } from ${JSON.stringify(module)};
    import { libcUnavailableReason } from ${JSON.stringify(module.replace("udp_batch_sender", "ffi_libc"))};
    const sock = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
    const reader = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
    const sender = new UdpBatchSender(sock);
    await sender.send(new Uint8Array([1, 2, 3]), { hostname: "127.0.0.1", port: reader.addr.port }, () => {});
    const [data] = await reader.receive();
    console.log(JSON.stringify({ accelerated: sender.accelerated, reason: libcUnavailableReason, got: [...data] }));
    sock.close();
    reader.close();
  `;
  // `deno eval` ignores permission flags: a file run with `deno run` does not.
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(file, script);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--unstable-net", "--no-prompt", "--allow-net", "--allow-read", file],
    stdout: "piped",
    stderr: "piped",
  }).output().finally(() => Deno.remove(file));
  const text = new TextDecoder().decode(out.stdout);
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  assert.deepEqual(JSON.parse(text), {
    accelerated: false,
    reason: "FFI is not granted (--allow-ffi)",
    got: [1, 2, 3],
  });
});
