/**
 * RTCP codecs (RFC 3550 §6): Sender/Receiver Reports, SDES, BYE and compound packets.
 *
 * @module
 */

export * from "./packet.ts";
