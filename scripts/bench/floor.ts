/**
 * The runtime's floor: a minimal Deno loop that forwards every packet it receives to N UDP ports,
 * as a server with no RTSP, no sessions and no queues would.
 *
 * Modes: `await` (one `await socket.send()` per packet per reader: the straightforward Deno design)
 * and `sendmmsg` (one FFI sendmmsg per packet for all readers: what the kernel alone costs).
 *
 * Usage: `deno run -A --unstable-net scripts/bench/floor.ts '<FloorConfig JSON>'`; prints
 * `{"event":"ready"}` once listening.
 *
 * @module
 */
import {
  addressOf,
  AF_INET,
  check,
  libc,
  MSG_DONTWAIT,
  put64,
  SOCK_CLOEXEC,
  SOCK_DGRAM,
  sockaddrIn,
} from "./libc.ts";

/** What the floor process does. */
export interface FloorConfig {
  mode: "await" | "sendmmsg";
  /** Receive port per media. */
  listen: number[];
  /** Destination ports (127.0.0.1) per media: `dests[media][reader]`. */
  dests: number[][];
}

const MAX_VLEN = 1024;

/** One sendmmsg call per packet: all destinations of a media in prebuilt mmsghdr arrays. */
function mmsgSender(ports: number[]): (data: Uint8Array) => void {
  const c = libc();
  const fd = check(c.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), "socket");
  const names = new ArrayBuffer(16 * ports.length);
  ports.forEach((p, i) => new Uint8Array(names, i * 16, 16).set(sockaddrIn("127.0.0.1", p)));
  const iov = new ArrayBuffer(16);
  const iov32 = new Uint32Array(iov);
  const arena = new Uint8Array(new ArrayBuffer(65536));
  put64(iov32, 0, addressOf(arena));
  const msgs = new Uint8Array(new ArrayBuffer(64 * ports.length));
  const m32 = new Uint32Array(msgs.buffer);
  const namesAt = addressOf(names);
  const iovAt = addressOf(iov);
  for (let i = 0; i < ports.length; i++) {
    put64(m32, i * 64, namesAt + i * 16);
    m32[(i * 64 + 8) >> 2] = 16;
    put64(m32, i * 64 + 16, iovAt);
    put64(m32, i * 64 + 24, 1);
  }
  return (data) => {
    arena.set(data);
    put64(iov32, 8, data.length);
    for (let off = 0; off < ports.length; off += MAX_VLEN) {
      const n = Math.min(MAX_VLEN, ports.length - off);
      c.sendmmsg(fd, msgs.subarray(off * 64), n, MSG_DONTWAIT);
    }
  };
}

async function forward(cfg: FloorConfig, media: number, sock: Deno.DatagramConn): Promise<void> {
  const buf = new Uint8Array(2048);
  const addrs = cfg.dests[media].map((port) => ({ transport: "udp" as const, hostname: "127.0.0.1", port }));
  const fast = cfg.mode === "sendmmsg" ? mmsgSender(cfg.dests[media]) : undefined;
  try {
    for (;;) {
      const [data] = await sock.receive(buf);
      if (fast !== undefined) {
        fast(data);
        continue;
      }
      for (const a of addrs) await sock.send(data, a);
    }
  } catch {
    // closed
  }
}

if (import.meta.main) {
  const cfg = JSON.parse(Deno.args[0]) as FloorConfig;
  const socks = cfg.listen.map((port) =>
    Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port })
  );
  const loops = socks.map((s, m) => forward(cfg, m, s));
  console.log(JSON.stringify({ event: "ready" }));
  const stop = () => socks.forEach((s) => s.close());
  Deno.addSignalListener("SIGTERM", stop);
  await Promise.all(loops);
}
