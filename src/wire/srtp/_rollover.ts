/**
 * Rollover counter (ROC) estimation, RFC 3711 §3.3.1 and Appendix A.
 *
 * SRTP packets carry only the 16-bit sequence number; the 48-bit index is ROC * 2^16 + SEQ.
 * Given the highest sequence number s_l seen so far under `roc`, a new SEQ is read as the
 * nearest of the three candidates: from the previous cycle (reordered across the wrap), this
 * cycle, or the next one (the sender wrapped).
 *
 * One deviation: the RFC's `ROC - 1 mod 2^32` would turn ROC 0 into 2^32 - 1, an index far in
 * the future. There is no cycle before 0, so the guess stays at 0 (the packet is then simply a
 * jump forward within cycle 0).
 */

/** The ROC to use for `seq`, given the highest sequence number `highestSeq` under `roc`. */
export function estimateRoc(roc: number, highestSeq: number, seq: number): number {
  if (highestSeq < 0x8000) {
    if (seq - highestSeq > 0x8000) return roc === 0 ? 0 : roc - 1;
    return roc;
  }
  if (highestSeq - 0x8000 > seq) return (roc + 1) >>> 0;
  return roc;
}

/** The 48-bit packet index ROC * 2^16 + SEQ (exact as a number). */
export function packetIndex(roc: number, seq: number): number {
  return roc * 0x1_0000 + seq;
}
