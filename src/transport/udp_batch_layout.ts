/**
 * The native memory of a UdpBatchSender, allocated once (stable addresses) and pre-filled: the
 * `struct mmsghdr` array, one `sockaddr_in` and one `UDP_SEGMENT` control message per message, one
 * iovec per payload (in arena order), private iovecs for groups that are not consecutive in the
 * arena, and the arena holding the payload bytes. In SharedArrayBuffers when send workers use it
 * (udp_send_threads.ts): the same memory, at the same address, on every thread. Also the record
 * kept per destination (its sockaddr words and its datagrams of the batch being built).
 *
 * @module
 */
import type { NetAddr } from "./byte_stream.ts";
import {
  addressOf,
  AF_INET,
  errno,
  type Libc,
  parseIPv4,
  put64,
  setIntOption,
  SO_SNDBUF,
  SOL_SOCKET,
  SOL_UDP,
  UDP_SEGMENT,
} from "./ffi_libc.ts";
import { MMSGHDR } from "./udp_send_protocol.ts";

export { MMSGHDR };
/** Messages per sendmmsg call at most (UIO_MAXIOV). */
export const MAX_MESSAGES = 1024;
/** Distinct packets of one batch; a fuller batch is sent early. */
export const MAX_PAYLOADS = 1024;
/** Packet bytes of one batch; a fuller batch is sent early. */
export const ARENA_BYTES = 256 * 1024;
/** iovecs written per message for groups that are not consecutive in the arena. */
export const PRIVATE_IOVS = MAX_MESSAGES * 16;
const SOCKADDR_IN = 16;
const IOVEC = 16;
/** CMSG_SPACE(sizeof(u16)): cmsghdr (16) + data padded to 8. */
const CMSG = 24;
/** CMSG_LEN(sizeof(u16)). */
const CMSG_LEN_U16 = 18;
/** Asked for, not guaranteed (net.core.wmem_max caps it): room for bursts to hundreds of readers. */
const SEND_BUFFER_BYTES = 4 * 1024 * 1024;

/** A sender's native memory. */
export class BatchLayout {
  readonly msgs: Uint8Array<ArrayBuffer>;
  readonly msgs32: Uint32Array;
  readonly names32: Uint32Array;
  readonly cmsgs32: Uint32Array;
  readonly iovs32: Uint32Array;
  readonly privIovs32: Uint32Array;
  readonly arena: Uint8Array;
  /** Size and arena offset of each payload of the batch. */
  readonly sizes = new Int32Array(MAX_PAYLOADS);
  readonly offsets = new Int32Array(MAX_PAYLOADS);
  #iovsAt = 0;
  #privIovsAt = 0;
  #arenaAt = 0;

  constructor(shared: boolean) {
    const bytes = (n: number) => shared ? new SharedArrayBuffer(n) : new ArrayBuffer(n);
    // FFI takes a SharedArrayBuffer-backed view like any other (its address is stable too).
    this.msgs = new Uint8Array(bytes(MAX_MESSAGES * MMSGHDR)) as Uint8Array<ArrayBuffer>;
    this.msgs32 = new Uint32Array(this.msgs.buffer);
    this.names32 = new Uint32Array(bytes(MAX_MESSAGES * SOCKADDR_IN));
    this.cmsgs32 = new Uint32Array(bytes(MAX_MESSAGES * CMSG));
    this.iovs32 = new Uint32Array(bytes(MAX_PAYLOADS * IOVEC));
    this.privIovs32 = new Uint32Array(bytes(PRIVATE_IOVS * IOVEC));
    this.arena = new Uint8Array(bytes(ARENA_BYTES));
  }

  /** Fills the fixed parts of every message (its own sockaddr and control message slot); enlarges fd's send buffer. */
  prepare(lib: Libc, fd: number): void {
    this.#iovsAt = addressOf(this.iovs32.buffer);
    this.#privIovsAt = addressOf(this.privIovs32.buffer);
    this.#arenaAt = addressOf(this.arena.buffer);
    const namesAt = addressOf(this.names32.buffer);
    const cmsgsAt = addressOf(this.cmsgs32.buffer);
    for (let i = 0; i < MAX_MESSAGES; i++) {
      const m = i * MMSGHDR;
      put64(this.msgs32, m, namesAt + i * SOCKADDR_IN); // msg_name
      this.msgs32[(m + 8) >> 2] = SOCKADDR_IN; // msg_namelen
      put64(this.msgs32, m + 32, cmsgsAt + i * CMSG); // msg_control (used when msg_controllen > 0)
      const c = i * (CMSG / 4);
      put64(this.cmsgs32, c * 4, CMSG_LEN_U16); // cmsg_len
      this.cmsgs32[c + 2] = SOL_UDP; // cmsg_level
      this.cmsgs32[c + 3] = UDP_SEGMENT; // cmsg_type
    }
    setIntOption(lib, fd, SOL_SOCKET, SO_SNDBUF, SEND_BUFFER_BYTES);
  }

  /** Copies payload `p` to the arena at `offset`, with its iovec. */
  putPayload(p: number, data: Uint8Array, offset: number): void {
    this.arena.set(data, offset);
    put64(this.iovs32, p * IOVEC, this.#arenaAt + offset);
    this.iovs32[p * (IOVEC / 4) + 2] = data.length;
    this.sizes[p] = data.length;
    this.offsets[p] = offset;
  }

  /**
   * Fills message slot `m` with `d`'s `n` datagrams from record `ri` (one UDP_SEGMENT message when
   * n > 1); `priv` private iovecs are in use. Returns the private iovecs used after it.
   */
  writeMessage(m: number, d: Dest, ri: number, n: number, priv: number): number {
    const msgs32 = this.msgs32;
    const at = m * MMSGHDR;
    const nm = m * (SOCKADDR_IN / 4);
    this.names32[nm] = d.name0;
    this.names32[nm + 1] = d.name1;
    const payloads = d.payloads;
    const first = payloads[ri];
    // Consecutive payloads have consecutive iovecs: point at them, else write this message's own.
    let consecutive = true;
    for (let k = 1; k < n; k++) {
      if (payloads[ri + k] !== first + k) {
        consecutive = false;
        break;
      }
    }
    if (consecutive) {
      put64(msgs32, at + 16, this.#iovsAt + first * IOVEC); // msg_iov
    } else {
      const iovs = this.privIovs32;
      for (let k = 0; k < n; k++) {
        const p = payloads[ri + k];
        const v = (priv + k) * (IOVEC / 4);
        put64(iovs, v * 4, this.#arenaAt + this.offsets[p]);
        iovs[v + 2] = this.sizes[p];
        iovs[v + 3] = 0;
      }
      put64(msgs32, at + 16, this.#privIovsAt + priv * IOVEC);
      priv += n;
    }
    msgs32[(at + 24) >> 2] = n; // msg_iovlen (upper word stays 0)
    if (n > 1) {
      this.cmsgs32[m * (CMSG / 4) + 4] = this.sizes[first]; // the u16 segment size (and padding)
      msgs32[(at + 40) >> 2] = CMSG; // msg_controllen
    } else {
      msgs32[(at + 40) >> 2] = 0;
    }
    return priv;
  }
}

/** A destination's datagrams of the batch being built. */
export interface Dest {
  readonly to: NetAddr;
  /** The two first words of its sockaddr_in (little-endian). */
  readonly name0: number;
  readonly name1: number;
  /** Batch in which `payloads` was last started. */
  batch: number;
  count: number;
  /** Arena payload indexes, in sending order. */
  readonly payloads: number[];
  onError: (error: Error) => void;
}

/** `to`'s record, with its sockaddr words; null when it is not IPv4. */
export function newDest(to: NetAddr): Dest | null {
  const ip = parseIPv4(to.hostname);
  if (ip === undefined || !(to.port > 0 && to.port < 65536)) return null;
  // Little-endian words: sin_family, then sin_port and sin_addr in network byte order.
  return {
    to,
    name0: (AF_INET | (((to.port & 0xff) << 8) | (to.port >> 8)) << 16) >>> 0,
    name1: (((ip & 0xff) << 24) | ((ip >>> 8 & 0xff) << 16) | ((ip >>> 16 & 0xff) << 8) | (ip >>> 24)) >>> 0,
    batch: -1,
    count: 0,
    payloads: [],
    onError: () => {},
  };
}

/** 0 when the kernel knows UDP_SEGMENT on `fd` (Linux 4.18 and later), else the errno of the probe. */
export function gsoUnavailable(lib: Libc, fd: number): number {
  const v = new Int32Array(1);
  const len = new Uint32Array([4]);
  return lib.getsockopt(fd, SOL_UDP, UDP_SEGMENT, new Uint8Array(v.buffer), new Uint8Array(len.buffer)) === 0
    ? 0
    : errno(lib);
}
