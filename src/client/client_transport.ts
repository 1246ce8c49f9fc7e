/**
 * The client's media transports: the routing of TCP interleaved channels to medias
 * (RFC 2326 §10.12); the UDP port pair per media is transport/client_udp_pair.ts.
 *
 * @module
 */
import type { NetAddr } from "../transport/mod.ts";
export { ClientUdpPair, type UdpPeer } from "../transport/mod.ts";

/** Receives a packet of one media; `packet` may be a view into a reused buffer: copy it to keep it. */
export type PacketHandler = (mediaIndex: number, packet: Uint8Array) => void;

/**
 * Maps interleaved channels to medias in a 256-entry table, so routing a frame costs two array
 * reads. Frames on channels nobody set up are ignored (some servers send on unannounced channels).
 */
export class InterleavedChannels {
  readonly #media = new Int16Array(256).fill(-1);
  readonly #isRtcp = new Uint8Array(256);
  readonly #rtpChannel = new Map<number, number>();

  /** Routes `channels[0]` (RTP) and `channels[1]` (RTCP) to `mediaIndex`. */
  bind(mediaIndex: number, channels: readonly [number, number]): void {
    const [rtp, rtcp] = channels;
    if (this.#media[rtp] !== -1 || this.#media[rtcp] !== -1) {
      throw new RangeError(`Cannot bind interleaved channels ${rtp}-${rtcp}: already in use`);
    }
    this.#media[rtp] = mediaIndex;
    this.#media[rtcp] = mediaIndex;
    this.#isRtcp[rtp] = 0;
    this.#isRtcp[rtcp] = 1;
    this.#rtpChannel.set(mediaIndex, rtp);
  }

  /** The RTP channel of a media, or undefined. */
  rtpChannelOf(mediaIndex: number): number | undefined {
    return this.#rtpChannel.get(mediaIndex);
  }

  /** Delivers one frame; returns false when its channel is unknown. */
  route(channel: number, payload: Uint8Array, onRtp?: PacketHandler, onRtcp?: PacketHandler): boolean {
    const media = this.#media[channel];
    if (media === -1) return false;
    if (this.#isRtcp[channel] === 1) onRtcp?.(media, payload);
    else onRtp?.(media, payload);
    return true;
  }

  /** Forgets every binding (after TEARDOWN). */
  clear(): void {
    this.#media.fill(-1);
    this.#rtpChannel.clear();
  }
}

/** Local address for UDP sockets facing `server` (ref: loopback stays on loopback). */
export function defaultUdpHost(server: NetAddr): string {
  const h = server.hostname;
  if (h.includes(":")) return h === "::1" ? "::1" : "::";
  return h.startsWith("127.") ? "127.0.0.1" : "0.0.0.0";
}
