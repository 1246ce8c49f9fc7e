/**
 * The few libc calls of the fan-out's fast paths, through Deno's FFI: `sendmmsg` (one system
 * call for a whole batch of datagrams), `sendmsg` and `send` (non-blocking TCP writes without a promise),
 * `getsockname`/`getpeername`/`getsockopt` (to find the descriptor of a Deno socket, which Deno
 * does not expose), `setsockopt` and `errno`.
 *
 * Only on Linux (x86_64 and aarch64 share the LP64 struct layouts used here) and only when
 * the process was granted FFI (`--allow-ffi`, or `-A`): the permission is queried, never
 * prompted for. Otherwise `openLibc()` returns undefined and callers keep Deno's own sockets.
 *
 * @module
 */

const SYMBOLS = {
  sendmmsg: { parameters: ["i32", "buffer", "u32", "i32"], result: "i32" },
  sendmsg: { parameters: ["i32", "buffer", "i32"], result: "isize" },
  send: { parameters: ["i32", "buffer", "usize", "i32"], result: "isize" },
  getpeername: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  getsockname: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  getsockopt: { parameters: ["i32", "i32", "i32", "buffer", "buffer"], result: "i32" },
  setsockopt: { parameters: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
  __errno_location: { parameters: [], result: "pointer" },
} as const;

/** The bound libc symbols. */
export type Libc = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

/** Linux constants (asm-generic values, identical on x86_64 and aarch64). */
export const AF_INET = 2;
export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOL_SOCKET = 1;
const SO_TYPE = 3;
export const SO_SNDBUF = 7;
export const MSG_DONTWAIT = 0x40;
export const MSG_NOSIGNAL = 0x4000;
export const SOL_UDP = 17;
/** UDP generic segmentation offload: the u16 size of the segments of one send (Linux 4.18). */
export const UDP_SEGMENT = 103;
export const EINTR = 4;
export const EIO = 5;
export const EAGAIN = 11;
export const EINVAL = 22;
export const ENOPROTOOPT = 92;
export const EOPNOTSUPP = 95;
export const ENOBUFS = 105;

const LIBC_NAMES = ["libc.so.6", "libc.so"];

let cached: Libc | null | undefined;

/** Why the fast path is off, for the log (undefined while it is on or not yet probed). */
export let libcUnavailableReason: string | undefined;

/** libc through FFI, or undefined when not on Linux, FFI is not granted, or libc cannot be opened. */
export function openLibc(): Libc | undefined {
  if (cached !== undefined) return cached ?? undefined;
  cached = null;
  if (Deno.build.os !== "linux" || (Deno.build.arch !== "x86_64" && Deno.build.arch !== "aarch64")) {
    libcUnavailableReason = `not on Linux x86_64/aarch64 (${Deno.build.os} ${Deno.build.arch})`;
    return undefined;
  }
  try {
    if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") {
      libcUnavailableReason = "FFI is not granted (--allow-ffi)";
      return undefined;
    }
  } catch {
    libcUnavailableReason = "FFI permission cannot be queried";
    return undefined;
  }
  for (const name of LIBC_NAMES) {
    try {
      cached = Deno.dlopen(name, SYMBOLS).symbols;
      return cached;
    } catch (e) {
      libcUnavailableReason = `cannot open ${name}: ${(e as Error).message}`;
    }
  }
  return undefined;
}

/** errno of the last failed call (sync FFI calls run on this thread). */
export function errno(lib: Libc): number {
  const p = lib.__errno_location();
  return p === null ? 0 : new Deno.UnsafePointerView(p).getInt32();
}

/** Address of a buffer's first byte (shared ones too); user-space addresses fit in a double's 53 bits. */
export function addressOf(buf: ArrayBufferLike): number {
  return Number(Deno.UnsafePointer.value(Deno.UnsafePointer.of(buf as ArrayBuffer)));
}

/** Stores a 64-bit pointer or size at byte `offset` (a multiple of 8) of a little-endian Uint32Array view. */
export function put64(u32: Uint32Array, offset: number, value: number): void {
  u32[offset >> 2] = value >>> 0;
  u32[(offset >> 2) + 1] = Math.floor(value / 0x1_0000_0000);
}

/** Local (or, with `peer`, remote) IPv4 address (a.b.c.d as a number) and port of `fd`, if it is AF_INET. */
function inetName(
  lib: Libc,
  fd: number,
  sa: Uint8Array<ArrayBuffer>,
  len: Uint32Array<ArrayBuffer>,
  peer = false,
) {
  len[0] = sa.length;
  const r = peer
    ? lib.getpeername(fd, sa, new Uint8Array(len.buffer))
    : lib.getsockname(fd, sa, new Uint8Array(len.buffer));
  if (r !== 0) return undefined;
  const dv = new DataView(sa.buffer);
  if (dv.getUint16(0, true) !== AF_INET) return undefined;
  return { port: dv.getUint16(2, false), addr: dv.getUint32(4, false) };
}

/** The IPv4 address `a.b.c.d` as a 32-bit number, undefined for anything else. */
export function parseIPv4(host: string): number | undefined {
  const parts = host.split(".");
  if (parts.length !== 4) return undefined;
  let v = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    v = v * 256 + Number(p);
  }
  return v;
}

/**
 * The descriptor of this process's UDP socket bound to `hostname:port` (IPv4), found by asking
 * the kernel for the local address of each descriptor in turn. Deno keeps socket descriptors
 * private; a socket bound without SO_REUSEADDR/SO_REUSEPORT has a unique local address, so the
 * match is exact. Call it right after binding, before the descriptor could be reused.
 */
export function findUdpSocketFd(
  lib: Libc,
  hostname: string,
  port: number,
  maxFd = 65536,
): number | undefined {
  const want = parseIPv4(hostname === "" ? "0.0.0.0" : hostname);
  if (want === undefined) return undefined;
  const sa = new Uint8Array(128);
  const len = new Uint32Array(1);
  const type = new Int32Array(1);
  const typeLen = new Uint32Array(1);
  let misses = 0;
  for (let fd = 3; fd < maxFd && misses < 1024; fd++) {
    const local = inetName(lib, fd, sa, len);
    if (local === undefined) {
      // EBADF and ENOTSOCK alike; after a long run of them there are no more descriptors.
      if (errno(lib) === 9) misses++;
      continue;
    }
    misses = 0;
    if (local.port !== port || local.addr !== want) continue;
    typeLen[0] = 4;
    if (
      lib.getsockopt(fd, SOL_SOCKET, SO_TYPE, new Uint8Array(type.buffer), new Uint8Array(typeLen.buffer)) !==
        0
    ) {
      continue;
    }
    if (type[0] === SOCK_DGRAM) return fd;
  }
  return undefined;
}

/**
 * The descriptor of this process's TCP connection from `local` to `remote` (IPv4), found like
 * `findUdpSocketFd`; the address pair of a connection is unique.
 */
export function findTcpSocketFd(
  lib: Libc,
  local: { hostname: string; port: number },
  remote: { hostname: string; port: number },
  maxFd = 65536,
): number | undefined {
  const localIp = parseIPv4(local.hostname);
  const remoteIp = parseIPv4(remote.hostname);
  if (localIp === undefined || remoteIp === undefined) return undefined;
  const sa = new Uint8Array(128);
  const len = new Uint32Array(1);
  let misses = 0;
  for (let fd = 3; fd < maxFd && misses < 1024; fd++) {
    const l = inetName(lib, fd, sa, len);
    if (l === undefined) {
      if (errno(lib) === 9) misses++;
      continue;
    }
    misses = 0;
    if (l.port !== local.port || l.addr !== localIp) continue;
    const r = inetName(lib, fd, sa, len, true);
    if (r !== undefined && r.port === remote.port && r.addr === remoteIp) return fd;
  }
  return undefined;
}

/** Sets an int socket option; returns whether it worked. */
export function setIntOption(lib: Libc, fd: number, level: number, name: number, value: number): boolean {
  const v = new Int32Array([value]);
  return lib.setsockopt(fd, level, name, new Uint8Array(v.buffer), 4) === 0;
}
