import assert from "node:assert/strict";
import { OrderedUdpSends } from "../../../src/transport/ordered_udp_sends.ts";

/** A loopback UDP socket closed at the end of its scope. */
function bind(): Deno.DatagramConn & Disposable {
  const s = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  return Object.assign(s, { [Symbol.dispose]: () => s.close() });
}
const portOf = (s: Deno.DatagramConn) => (s.addr as Deno.NetAddr).port;

/** The first byte of the next `n` datagrams `r` receives. */
async function receiveFirstBytes(r: Deno.DatagramConn, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await r.receive())[0][0]);
  return out;
}

Deno.test("ordered udp sends: Deno's sends in flight together are not in order (why this class exists)", async () => {
  using sock = bind();
  using r = bind();
  const sends = Array.from(
    { length: 40 },
    (_, k) => sock.send(new Uint8Array([k]), { transport: "udp", hostname: "127.0.0.1", port: portOf(r) }),
  );
  await Promise.all(sends);
  const got = await receiveFirstBytes(r, 40);
  // If Deno ever keeps the order, this class can go (and this test tells).
  assert.notDeepEqual(got, Array.from({ length: 40 }, (_, k) => k));
});

Deno.test("ordered udp sends: each destination gets its datagrams in the order given, several at once", async () => {
  using sock = bind();
  const readers = Array.from({ length: 20 }, bind);
  try {
    const ordered = new OrderedUdpSends(sock);
    const sends: Promise<number>[] = [];
    // Packet-major, as the fan-out gives them: packet k to every reader, then packet k+1.
    for (let k = 0; k < 30; k++) {
      for (const r of readers) {
        sends.push(ordered.send(new Uint8Array([k]), { hostname: "127.0.0.1", port: portOf(r) }));
      }
    }
    assert.equal(ordered.pendingDestinations, 20);
    await Promise.all(sends);
    for (const r of readers) {
      assert.deepEqual(
        await receiveFirstBytes(r, 30),
        Array.from({ length: 30 }, (_, k) => k),
      );
    }
    assert.equal(ordered.pendingDestinations, 0, "nothing kept once everything settled");
  } finally {
    for (const r of readers) r.close();
  }
});

Deno.test("ordered udp sends: a failed send rejects its own promise and the next ones still go", async () => {
  using sock = bind();
  using r = bind();
  const ordered = new OrderedUdpSends(sock);
  const to = { hostname: "127.0.0.1", port: portOf(r) };
  const first = ordered.send(new Uint8Array([1]), to);
  const tooBig = ordered.send(new Uint8Array(70_000), to); // larger than any datagram: EMSGSIZE
  const last = ordered.send(new Uint8Array([3]), to);
  await first;
  await assert.rejects(tooBig);
  await last;
  assert.deepEqual(await receiveFirstBytes(r, 2), [1, 3]);
});
