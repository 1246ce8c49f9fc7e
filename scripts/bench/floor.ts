/**
 * The runtime's floor: a minimal Deno loop that forwards every packet it receives to N UDP ports,
 * as a server with no RTSP, no sessions and no queues would.
 *
 * Modes: `await` (one `await socket.send()` per packet per reader: the straightforward Deno design),
 * `sendmmsg` (one FFI sendmmsg per packet for all readers: what the kernel alone costs per datagram)
 * and `gso` (packets held at most 1 ms, then per reader ONE message per run of equal-size packets
 * with `UDP_SEGMENT`, iovecs pointing at the shared copies, all readers in one sendmmsg: what the
 * kernel costs with segmentation offload) for UDP readers; `tcp` for TCP readers: packets held at
 * most 1 ms, framed once as RTSP-interleaved frames, then one send() per reader per burst
 * (`floor_tcp.ts`).
 *
 * Usage: `deno run -A --unstable-net scripts/bench/floor.ts '<FloorConfig JSON>'`; prints
 * `{"event":"ready"}` once listening; in `tcp` mode also `{"event":"accepted"}` once every reader is
 * connected, `{"event":"sends"}` when a send to a reader fell short, and the final counts at exit.
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
import { TcpFanout } from "./floor_tcp.ts";

/** What the floor process does. */
export interface FloorConfig {
  mode: "await" | "sendmmsg" | "gso" | "tcp";
  /** Receive port per media. */
  listen: number[];
  /** Destination ports (127.0.0.1) per media: `dests[media][reader]` (UDP modes). */
  dests: number[][];
  /** TCP mode: the port (127.0.0.1) readers connect to, and how many are expected. */
  tcpPort?: number;
  readers?: number;
}

function emit(event: string, fields: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ event, ...fields }));
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

const GSO_HOLD_MS = 1;
const GSO_MAX_SEGMENTS = 64;
const GSO_MAX_BYTES = 65507;
const SOL_UDP = 17;
const UDP_SEGMENT = 103;

/** The GSO burst loop: packets held ≤ 1 ms, then one segmented message per reader and run. */
function gsoSender(ports: number[]): (data: Uint8Array) => void {
  const c = libc();
  const fd = check(c.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), "socket");
  const names = new ArrayBuffer(16 * ports.length);
  ports.forEach((p, i) => new Uint8Array(names, i * 16, 16).set(sockaddrIn("127.0.0.1", p)));
  const namesAt = addressOf(names);
  const arena = new Uint8Array(new ArrayBuffer(256 * 1024));
  const arenaAt = addressOf(arena);
  const iovs = new Uint32Array(1024 * 4);
  const iovsAt = addressOf(iovs.buffer);
  const cmsgs = new Uint32Array(1024 * 6); // CMSG_SPACE(u16) = 24 bytes per run
  const cmsgsAt = addressOf(cmsgs.buffer);
  const msgs = new Uint8Array(new ArrayBuffer(64 * MAX_VLEN));
  const m32 = new Uint32Array(msgs.buffer);
  const sizes: number[] = [];
  let used = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const runStart: number[] = [];
  const runLen: number[] = [];
  const send = (n: number) => {
    for (let off = 0; off < n;) {
      const r = c.sendmmsg(fd, off === 0 ? msgs : msgs.subarray(off * 64), n - off, MSG_DONTWAIT);
      if (r <= 0) return; // a floor does not retry
      off += r;
    }
  };
  const flush = () => {
    timer = undefined;
    // Runs of equal-size packets (the last may be shorter), the same for every reader.
    runStart.length = 0;
    runLen.length = 0;
    for (let i = 0; i < sizes.length;) {
      let n = 1;
      let bytes = sizes[i];
      while (i + n < sizes.length && n < GSO_MAX_SEGMENTS) {
        const s = sizes[i + n];
        if (s > sizes[i] || bytes + s > GSO_MAX_BYTES) break;
        bytes += s;
        n++;
        if (s < sizes[i]) break;
      }
      const k = runStart.length;
      put64(cmsgs, k * 24, 18); // cmsg_len = CMSG_LEN(2)
      cmsgs[k * 6 + 2] = SOL_UDP;
      cmsgs[k * 6 + 3] = UDP_SEGMENT;
      cmsgs[k * 6 + 4] = sizes[i];
      runStart.push(i);
      runLen.push(n);
      i += n;
    }
    let m = 0;
    for (let r = 0; r < ports.length; r++) {
      for (let k = 0; k < runStart.length; k++) {
        const at = m * 64;
        put64(m32, at, namesAt + r * 16);
        m32[(at + 8) >> 2] = 16;
        put64(m32, at + 16, iovsAt + runStart[k] * 16);
        put64(m32, at + 24, runLen[k]);
        put64(m32, at + 32, cmsgsAt + k * 24);
        put64(m32, at + 40, runLen[k] > 1 ? 24 : 0);
        if (++m === MAX_VLEN) {
          send(m);
          m = 0;
        }
      }
    }
    send(m);
    sizes.length = 0;
    used = 0;
  };
  return (data) => {
    if (used + data.length > arena.length || sizes.length === 1024) flush();
    arena.set(data, used);
    const i = sizes.length;
    put64(iovs, i * 16, arenaAt + used);
    put64(iovs, i * 16 + 8, data.length);
    sizes.push(data.length);
    used += (data.length + 7) & ~7;
    timer ??= setTimeout(flush, GSO_HOLD_MS);
  };
}

async function forward(
  cfg: FloorConfig,
  media: number,
  sock: Deno.DatagramConn,
  tcp: TcpFanout | undefined,
): Promise<void> {
  const buf = new Uint8Array(2048);
  const addrs = (cfg.dests[media] ?? []).map((port) => ({
    transport: "udp" as const,
    hostname: "127.0.0.1",
    port,
  }));
  const fast = tcp !== undefined
    ? (data: Uint8Array) => tcp.push(2 * media, data)
    : cfg.mode === "sendmmsg"
    ? mmsgSender(cfg.dests[media])
    : cfg.mode === "gso"
    ? gsoSender(cfg.dests[media])
    : undefined;
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
  const tcp = cfg.mode === "tcp" ? new TcpFanout(cfg.tcpPort!, cfg.readers ?? 1, emit) : undefined;
  const loops = socks.map((s, m) => forward(cfg, m, s, tcp));
  emit("ready");
  const stop = () => {
    socks.forEach((s) => s.close());
    if (tcp !== undefined) {
      emit("sends", { ...tcp.stats, final: true });
      tcp.close();
    }
  };
  Deno.addSignalListener("SIGTERM", stop);
  await Promise.all(loops);
}
