/**
 * Free-port allocation for tests that start servers and clients on loopback.
 *
 * Test files run in parallel in separate processes (`deno test --parallel`), so there is no shared
 * registry: a random block in a wide range plus a bind check makes collisions unlikely, and a server
 * that still hits EADDRINUSE is restarted on new ports by its caller (see `startServerWithPorts`).
 */

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
export function isPortFree(port: number): boolean {
  let tcp: Deno.Listener | undefined;
  let udp: Deno.DatagramConn | undefined;
  try {
    tcp = Deno.listen({ hostname: HOST, port, transport: "tcp" });
    udp = Deno.listenDatagram({ hostname: HOST, port, transport: "udp" });
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.AddrInUse || e instanceof Deno.errors.PermissionDenied) return false;
    throw e;
  } finally {
    tcp?.close();
    udp?.close();
  }
}

/**
 * Picks `count` consecutive ports in 20000–59999, each free for TCP and UDP on 127.0.0.1.
 * With `even: true` the first port is even (RTP/RTCP pairs need an even RTP port).
 */
export function allocatePorts(count: number, opts: { even?: boolean } = {}): Promise<number[]> {
  // Binding is synchronous in Deno; the Promise keeps the API open to an asynchronous check later.
  return Promise.resolve().then(() => allocatePortsNow(count, opts.even ?? false));
}

function allocatePortsNow(count: number, even: boolean): number[] {
  if (!Number.isInteger(count) || count < 1 || count > 100) {
    throw new RangeError(`Cannot allocate ports: invalid count ${count}`);
  }
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    let base = LOW + Math.floor(Math.random() * (HIGH - LOW + 2 - count));
    if (even && base % 2 === 1) base = base + count > HIGH ? base - 1 : base + 1;
    const block = Array.from({ length: count }, (_, i) => base + i);
    if (block.every(isPortFree)) return block;
  }
  throw new Error(`Cannot allocate ${count} free ports after ${MAX_ATTEMPTS} attempts`);
}

/** Allocates the six listener ports of one server: even RTP/SRTP with RTCP/SRTCP right after. */
export async function allocateServerPorts(): Promise<ServerPorts> {
  const [rtp, rtcp, srtp, srtcp, rtsp, rtsps] = await allocatePorts(6, { even: true });
  return { rtsp, rtp, rtcp, rtsps, srtp, srtcp };
}
