/**
 * The native memory of a UdpBatchSender, allocated once (stable addresses) and pre-filled: the
 * `struct mmsghdr` array, one `sockaddr_in` and one `UDP_SEGMENT` control message per message, one
 * iovec per payload (in arena order), private iovecs for groups that are not consecutive in the
 * arena, and the arena holding the payload bytes. In SharedArrayBuffers when send workers use it
 * (udp_send_threads.ts): the same memory, at the same address, on every thread.
 *
 * @module
 */
import {
  addressOf,
  type Libc,
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
export const SOCKADDR_IN = 16;
export const IOVEC = 16;
/** CMSG_SPACE(sizeof(u16)): cmsghdr (16) + data padded to 8. */
export const CMSG = 24;
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
}
