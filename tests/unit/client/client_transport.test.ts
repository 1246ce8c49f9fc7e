/** Interleaved channel routing and UDP port pairs of the client. */
import assert from "node:assert/strict";
import { ClientUdpPair, defaultUdpHost, InterleavedChannels } from "../../../src/client/client_transport.ts";

Deno.test("InterleavedChannels routes RTP and RTCP by channel and ignores unknown channels", () => {
  const ch = new InterleavedChannels();
  ch.bind(0, [0, 1]);
  ch.bind(1, [2, 3]);
  ch.bind(5, [10, 11]);
  const seen: string[] = [];
  const onRtp = (m: number, p: Uint8Array) => seen.push(`rtp ${m} ${p[0]}`);
  const onRtcp = (m: number, p: Uint8Array) => seen.push(`rtcp ${m} ${p[0]}`);
  for (const channel of [0, 1, 2, 3, 4, 10, 11, 255]) {
    ch.route(channel, Uint8Array.of(channel), onRtp, onRtcp);
  }
  assert.deepEqual(seen, ["rtp 0 0", "rtcp 0 1", "rtp 1 2", "rtcp 1 3", "rtp 5 10", "rtcp 5 11"]);
  assert.equal(ch.route(4, new Uint8Array(1), onRtp, onRtcp), false);
  assert.equal(ch.rtpChannelOf(1), 2);
  assert.throws(() => ch.bind(2, [3, 4]), RangeError);
  ch.clear();
  assert.equal(ch.route(0, new Uint8Array(1), onRtp, onRtcp), false);
});

Deno.test("ClientUdpPair binds an even RTP port and RTCP on the next one", async () => {
  const pairs = Array.from({ length: 8 }, () => ClientUdpPair.open("127.0.0.1"));
  try {
    for (const p of pairs) {
      assert.equal(p.rtpPort % 2, 0);
      assert.equal(p.rtcpPort, p.rtpPort + 1);
    }
    assert.equal(new Set(pairs.map((p) => p.rtpPort)).size, pairs.length);
  } finally {
    await Promise.all(pairs.map((p) => p.close()));
  }
});

Deno.test("ClientUdpPair delivers datagrams from the peer only", async () => {
  const pair = ClientUdpPair.open("127.0.0.1");
  const server = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  const stranger = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  const got: string[] = [];
  const dropped: string[] = [];
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const serverPort = (server.addr as Deno.NetAddr).port;
  pair.start({ hostname: "127.0.0.1", rtpPort: serverPort, rtcpPort: serverPort, anyPort: false }, {
    onRtp: (d) => {
      got.push(`rtp ${d[0]}`);
      if (d[0] === 2) done();
    },
    onRtcp: (d) => got.push(`rtcp ${d[0]}`),
    onError: (e) => assert.fail(String(e)),
    onDropped: (why) => dropped.push(why),
  });
  try {
    const to = (port: number) => ({ transport: "udp" as const, hostname: "127.0.0.1", port });
    await stranger.send(Uint8Array.of(9), to(pair.rtpPort));
    await server.send(Uint8Array.of(1), to(pair.rtcpPort));
    await server.send(Uint8Array.of(2), to(pair.rtpPort));
    await finished;
    assert.deepEqual(got.sort(), ["rtcp 1", "rtp 2"]);
    assert.equal(dropped.length, 1);
    await pair.sendRtp(Uint8Array.of(7));
    const [data] = await server.receive();
    assert.deepEqual([...data], [7]);
  } finally {
    await pair.close();
    server.close();
    stranger.close();
  }
});

Deno.test("defaultUdpHost stays on loopback for a loopback server", () => {
  assert.equal(defaultUdpHost({ hostname: "127.0.0.1", port: 1 }), "127.0.0.1");
  assert.equal(defaultUdpHost({ hostname: "::1", port: 1 }), "::1");
  assert.equal(defaultUdpHost({ hostname: "192.0.2.7", port: 1 }), "0.0.0.0");
  assert.equal(defaultUdpHost({ hostname: "2001:db8::1", port: 1 }), "::");
});
