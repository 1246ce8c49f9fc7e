import assert from "node:assert/strict";
import { DenoConnStream } from "../../../src/transport/byte_stream.ts";
import { tcpSyncWriter } from "../../../src/transport/tcp_sync_writer.ts";
import { PrefixedStream } from "../../../src/transport/prefixed_stream.ts";

/** A connected loopback pair: the accepted side as a DenoConnStream, the client as a Deno conn. */
async function pair(): Promise<{ server: DenoConnStream; client: Deno.TcpConn; close(): void }> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const connecting = Deno.connect({ hostname: "127.0.0.1", port: (listener.addr as Deno.NetAddr).port });
  const accepted = await listener.accept();
  const client = await connecting;
  listener.close();
  const server = new DenoConnStream(accepted, "tcp");
  return {
    server,
    client,
    close() {
      server.close();
      try {
        client.close();
      } catch {
        // closed by the test
      }
    },
  };
}

async function readExactly(conn: Deno.Conn, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let off = 0;
  while (off < n) {
    const k = await conn.read(out.subarray(off));
    if (k === null) throw new Error("EOF");
    off += k;
  }
  return out;
}

Deno.test("tcp sync writer: writes on the connection's own descriptor, synchronously", async () => {
  const p = await pair();
  try {
    const w = tcpSyncWriter(p.server);
    assert.ok(w !== undefined, "plain TCP with FFI granted (-A)");
    w.buffer.set([10, 20, 30]);
    assert.equal(w.write(3), 3);
    w.buffer.set([40]);
    assert.equal(w.write(1), 1);
    assert.equal(w.writeChunk(new Uint8Array([1, 2, 3, 4, 5]).subarray(2)), 3, "a view, from its own memory");
    assert.deepEqual([...(await readExactly(p.client, 7))], [10, 20, 30, 40, 3, 4, 5]);
  } finally {
    p.close();
  }
});

Deno.test("tcp sync writer: a full socket takes less (never blocks); closed streams are never written", async () => {
  const p = await pair();
  try {
    const w = tcpSyncWriter(p.server)!;
    w.buffer.fill(7);
    let total = 0;
    let last = -1;
    for (let i = 0; i < 10_000 && last !== 0; i++) {
      last = w.write(w.buffer.length);
      total += last;
    }
    assert.equal(last, 0, "the peer does not read: the kernel buffers fill up and take nothing more");
    assert.ok(total > 64 * 1024);
    assert.equal(w.writeChunk(new Uint8Array(1000)), 0, "the same from a chunk's own memory");
    p.server.close();
    assert.equal(w.write(1), -1, "after close() the descriptor is left alone");
    assert.equal(w.writeChunk(new Uint8Array(1)), -1);
  } finally {
    p.close();
  }
});

Deno.test("tcp sync writer: a peer that went away is an error, not a signal", async () => {
  const p = await pair();
  try {
    const w = tcpSyncWriter(p.server)!;
    p.client.close();
    w.buffer.fill(1);
    assert.throws(() => {
      for (let i = 0; i < 100; i++) w.write(1024);
    }, /Broken pipe|Connection reset/);
  } finally {
    p.close();
  }
});

Deno.test("tcp sync writer: looks through the sniffer's PrefixedStream (plain RTSP on the RTSP port)", async () => {
  const p = await pair();
  try {
    const w = tcpSyncWriter(new PrefixedStream(p.server, new TextEncoder().encode("OPTI")));
    assert.ok(w !== undefined);
    w.buffer.set([1, 2]);
    assert.equal(w.write(2), 2);
    assert.deepEqual([...(await readExactly(p.client, 2))], [1, 2]);
  } finally {
    p.close();
  }
});

Deno.test("tcp sync writer: only for plain TCP DenoConnStreams", () => {
  const fake = {
    kind: "tcp" as const,
    secure: false,
    remoteAddr: { hostname: "127.0.0.1", port: 1 },
    localAddr: { hostname: "127.0.0.1", port: 2 },
    read: () => Promise.resolve(null),
    write: () => Promise.resolve(),
    close() {},
  };
  assert.equal(tcpSyncWriter(fake), undefined, "tunnels and test streams keep their own write");
});
