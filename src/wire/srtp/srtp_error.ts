/**
 * Why an SRTP or SRTCP packet was rejected on receive.
 *
 * - `"short"`: too short for its header, the index word and the tag; nothing was checked.
 * - `"auth"`: the authentication tag does not match (wrong key, wrong ROC, tampering).
 * - `"replay"`: authentic, but already received or older than the replay window.
 */
export type SrtpErrorKind = "short" | "auth" | "replay";

/** A rejected SRTP/SRTCP packet; drop it and count it, the session goes on. */
export class SrtpError extends Error {
  /** What check failed. */
  readonly kind: SrtpErrorKind;

  constructor(kind: SrtpErrorKind, message: string) {
    super(message);
    this.name = "SrtpError";
    this.kind = kind;
  }
}
