/**
 * Free-port allocation for tests that start servers and clients on loopback.
 *
 * Test files run in parallel in separate processes (`deno test --parallel`), so there is no shared
 * registry: a random block in a wide range plus a bind check makes collisions unlikely, and a server
 * that still hits EADDRINUSE is restarted on new ports by its caller (see `startServerWithPorts`).
 */

import { createSocket } from "node:dgram";

const LOW = 20000;
const HIGH = 59999;
const HOST = "127.0.0.1";
const MAX_ATTEMPTS = 200;

/** Ports of one server instance, MediaMTX key by key (`rtspAddress`, `rtpAddress`, …). */
export interface ServerPorts {
  rtsp: number;
  rtp: number;
  rtcp: number;
  rtsps: number;
  srtp: number;
  srtcp: number;
}

/** Whether `port` can be bound on 127.0.0.1 for both TCP and UDP right now. */
export async function isPortFree(port: number): Promise<boolean> {
  let tcp: Deno.Listener;
  try {
    tcp = Deno.listen({ hostname: HOST, port, transport: "tcp" });
  } catch (e) {
    if (e instanceof Deno.errors.AddrInUse || e instanceof Deno.errors.PermissionDenied) return false;
    throw e;
  }
  try {
    return await isUdpPortFree(port);
  } finally {
    tcp.close();
  }
}

/**
 * UDP through node:dgram rather than Deno.listenDatagram, so that the helpers work without
 * `--unstable-net` (e.g. from a script run outside this repository's deno.json).
 */
function isUdpPortFree(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = createSocket("udp4");
    socket.once("error", (e: NodeJS.ErrnoException) => {
      socket.close();
      if (e.code === "EADDRINUSE" || e.code === "EACCES") resolve(false);
      else reject(e);
    });
    socket.bind(port, HOST, () => socket.close(() => resolve(true)));
  });
}

/**
 * Picks `count` consecutive ports in 20000–59999, each free for TCP and UDP on 127.0.0.1.
 * With `even: true` the first port is even (RTP/RTCP pairs need an even RTP port).
 */
export async function allocatePorts(count: number, opts: { even?: boolean } = {}): Promise<number[]> {
  if (!Number.isInteger(count) || count < 1 || count > 100) {
    throw new RangeError(`Cannot allocate ports: invalid count ${count}`);
  }
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    let base = LOW + Math.floor(Math.random() * (HIGH - LOW + 2 - count));
    if (opts.even && base % 2 === 1) base = base + count > HIGH ? base - 1 : base + 1;
    const block = Array.from({ length: count }, (_, i) => base + i);
    let free = true;
    for (const port of block) {
      if (!(await isPortFree(port))) {
        free = false;
        break;
      }
    }
    if (free) return block;
  }
  throw new Error(`Cannot allocate ${count} free ports after ${MAX_ATTEMPTS} attempts`);
}

/** Allocates the six listener ports of one server: even RTP/SRTP with RTCP/SRTCP right after. */
export async function allocateServerPorts(): Promise<ServerPorts> {
  const [rtp, rtcp, srtp, srtcp, rtsp, rtsps] = await allocatePorts(6, { even: true });
  return { rtsp, rtp, rtcp, rtsps, srtp, srtcp };
}
