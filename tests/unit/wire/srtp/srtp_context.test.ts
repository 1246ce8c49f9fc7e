import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createCipheriv, createHmac } from "node:crypto";
import { deriveSessionKeys } from "../../../../src/wire/srtp/key_derivation.ts";
import { SrtpContext } from "../../../../src/wire/srtp/srtp_context.ts";
import { SrtpError } from "../../../../src/wire/srtp/srtp_error.ts";
import { OTHER_MASTER, RFC_MASTER, rtcpSr, rtp, toHex } from "./_helpers.ts";

const SSRC = 0xdecafbad;

function assertSrtpError(fn: () => unknown, kind: SrtpError["kind"]) {
  assert.throws(fn, (e: unknown) => e instanceof SrtpError && e.kind === kind);
}

/** Encrypts `seqs` in order with `sender`. */
function send(sender: SrtpContext, seqs: number[], ssrc = SSRC): Uint8Array[] {
  return seqs.map((seq) => sender.encryptRtp(rtp({ seq, ssrc })));
}

Deno.test("SRTP: the packet is the header in clear, the encrypted payload and a 10-byte tag", () => {
  const ctx = new SrtpContext(RFC_MASTER);
  const plain = rtp({ seq: 1, csrcs: [1, 2], extension: new Uint8Array(8).fill(0xaa) });
  const srtp = ctx.encryptRtp(plain);
  const headerLength = 12 + 8 + 12;
  assert.equal(srtp.length, plain.length + 10);
  assert.deepEqual(srtp.subarray(0, headerLength), plain.subarray(0, headerLength));
  assert.notDeepEqual(srtp.subarray(headerLength, plain.length), plain.subarray(headerLength));
  assert.equal(ctx.rtpOverhead, 10);
  assert.equal(ctx.rtcpOverhead, 14);
});

Deno.test("SRTP: encrypt → decrypt round trip, with CSRCs, extension, empty and large payloads", () => {
  const sender = new SrtpContext(RFC_MASTER);
  const receiver = new SrtpContext(RFC_MASTER);
  const cases = [
    rtp({ seq: 10 }),
    rtp({ seq: 11, csrcs: [7] }),
    rtp({ seq: 12, extension: new Uint8Array(4).fill(1) }),
    rtp({ seq: 13, payload: new Uint8Array(0) }),
    rtp({ seq: 14, payload: new Uint8Array(1) }),
    rtp({ seq: 15, payload: Uint8Array.from({ length: 60_000 }, (_, i) => i & 0xff) }),
  ];
  for (const plain of cases) assert.deepEqual(receiver.decryptRtp(sender.encryptRtp(plain)), plain);
});

Deno.test("SRTP: the packet matches AES-CTR and HMAC-SHA1 computed from the RFC 3711 formulas", () => {
  const ctx = new SrtpContext(RFC_MASTER);
  ctx.setRoc(SSRC, 0x01020304);
  const plain = rtp({ seq: 0x1234, ssrc: SSRC });
  const srtp = ctx.encryptRtp(plain);

  const keys = deriveSessionKeys(RFC_MASTER.subarray(0, 16), RFC_MASTER.subarray(16), false);
  // §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16), index = ROC || SEQ.
  const iv = new Uint8Array(16);
  iv.set(keys.salt);
  const ivView = new DataView(iv.buffer);
  ivView.setUint32(4, ivView.getUint32(4) ^ SSRC);
  ivView.setUint32(8, ivView.getUint32(8) ^ 0x01020304);
  ivView.setUint16(12, ivView.getUint16(12) ^ 0x1234);
  const ctr = createCipheriv("aes-128-ctr", keys.encryptionKey, iv);
  const expectedPayload = ctr.update(plain.subarray(12));
  assert.equal(toHex(srtp.subarray(12, plain.length)), toHex(expectedPayload));
  // §4.2: tag = HMAC-SHA1(k_a, authenticated portion || ROC), truncated to 80 bits.
  const mac = createHmac("sha1", keys.authKey)
    .update(srtp.subarray(0, plain.length))
    .update(Uint8Array.of(1, 2, 3, 4))
    .digest();
  assert.equal(toHex(srtp.subarray(plain.length)), toHex(mac.subarray(0, 10)));
});

Deno.test("SRTP: two contexts with the same key produce the same bytes (encrypt once for all readers)", () => {
  const a = new SrtpContext(RFC_MASTER);
  const b = new SrtpContext(RFC_MASTER);
  assert.deepEqual(a.encryptRtp(rtp({ seq: 5 })), b.encryptRtp(rtp({ seq: 5 })));
});

Deno.test("SRTP: the sender's ROC increments when SEQ wraps 65535 → 0 and the receiver follows", () => {
  const sender = new SrtpContext(RFC_MASTER);
  const receiver = new SrtpContext(RFC_MASTER);
  const seqs = [65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2, 3];
  const packets = send(sender, seqs);
  assert.equal(sender.rocOf(SSRC), 1);
  for (const [i, p] of packets.entries()) {
    assert.deepEqual(receiver.decryptRtp(p), rtp({ seq: seqs[i], ssrc: SSRC }));
  }
  assert.equal(receiver.rocOf(SSRC), 1);
});

Deno.test("SRTP: packets reordered across the wrap keep their cycle, at the sender and the receiver", () => {
  const sender = new SrtpContext(RFC_MASTER);
  const receiver = new SrtpContext(RFC_MASTER);
  // The publisher's own reordering reaches the sender: 0 (ROC 1) arrives before 65535 (ROC 0).
  const [p65534, p0, p65535, p1] = send(sender, [65534, 0, 65535, 1]);
  assert.equal(sender.rocOf(SSRC), 1);
  // The receiver gets them in yet another order.
  for (const p of [p65534, p0, p1, p65535]) receiver.decryptRtp(p);
  assert.equal(receiver.rocOf(SSRC), 1);
});

Deno.test("SRTP: many cycles in a row", () => {
  const sender = new SrtpContext(RFC_MASTER);
  const receiver = new SrtpContext(RFC_MASTER);
  for (let i = 0; i < 3 * 65_536 + 200; i += 97) {
    const plain = rtp({ seq: i & 0xffff, ssrc: SSRC, payload: new Uint8Array(4) });
    assert.deepEqual(receiver.decryptRtp(sender.encryptRtp(plain)), plain);
  }
  assert.equal(sender.rocOf(SSRC), 3);
  assert.equal(receiver.rocOf(SSRC), 3);
});

Deno.test("SRTP: a late-joining receiver needs the sender's ROC (as MIKEY carries it)", () => {
  const sender = new SrtpContext(RFC_MASTER);
  sender.setRoc(SSRC, 7);
  const packets = send(sender, [100, 101, 102]);
  assert.equal(sender.rocOf(SSRC), 7);

  const unaware = new SrtpContext(RFC_MASTER);
  assertSrtpError(() => unaware.decryptRtp(packets[0]), "auth");

  const joiner = new SrtpContext(RFC_MASTER);
  joiner.setRoc(SSRC, sender.rocOf(SSRC));
  assert.equal(joiner.rocOf(SSRC), 7);
  for (const p of packets) joiner.decryptRtp(p);
});

Deno.test("SRTP: a late joiner whose key message predates the sender's wrap still locks on", () => {
  const sender = new SrtpContext(RFC_MASTER);
  send(sender, [65_000]);
  const rocInKeyMessage = sender.rocOf(SSRC); // 0, read at DESCRIBE time
  send(sender, [65_535, 0, 1]); // the sender wraps before the reader's first packet
  const joiner = new SrtpContext(RFC_MASTER);
  joiner.setRoc(SSRC, rocInKeyMessage);
  const [p2, p3] = send(sender, [2, 3]);
  assert.deepEqual(joiner.decryptRtp(p2), rtp({ seq: 2, ssrc: SSRC }));
  assert.equal(joiner.rocOf(SSRC), 1);
  joiner.decryptRtp(p3);
  // Once locked, only the estimated ROC is tried: a packet two cycles ahead fails.
  const far = new SrtpContext(RFC_MASTER);
  far.setRoc(SSRC, 3);
  assertSrtpError(() => joiner.decryptRtp(far.encryptRtp(rtp({ seq: 4, ssrc: SSRC }))), "auth");
});

Deno.test("SRTP: setRoc on a running sender moves its index", () => {
  const sender = new SrtpContext(RFC_MASTER);
  send(sender, [1]);
  sender.setRoc(SSRC, 5);
  const receiver = new SrtpContext(RFC_MASTER);
  receiver.setRoc(SSRC, 5);
  receiver.decryptRtp(send(sender, [2])[0]);
  assert.throws(() => sender.setRoc(SSRC, -1), RangeError);
  assert.throws(() => sender.setRoc(SSRC, 2 ** 32), RangeError);
});

Deno.test("SRTP: a sender told the ROC of each packet (setRoc when it differs) stays right across wraps", () => {
  // How a stream that counts its own rollovers drives the context: before a packet whose cycle
  // differs from rocOf(), it calls setRoc with that cycle.
  const sender = new SrtpContext(RFC_MASTER);
  const receiver = new SrtpContext(RFC_MASTER);
  receiver.setRoc(SSRC, 2);
  for (let index = 2 * 65_536 + 65_000; index < 4 * 65_536 + 100; index += 7) {
    const roc = Math.floor(index / 65_536);
    const seq = index % 65_536;
    if (sender.rocOf(SSRC) !== roc) sender.setRoc(SSRC, roc);
    const plain = rtp({ seq, ssrc: SSRC, payload: new Uint8Array(8) });
    assert.deepEqual(receiver.decryptRtp(sender.encryptRtp(plain)), plain, `index ${index}`);
  }
  assert.equal(receiver.rocOf(SSRC), 4);
});

Deno.test("SRTP: the same packet twice is a replay", () => {
  const sender = new SrtpContext(RFC_MASTER);
  const receiver = new SrtpContext(RFC_MASTER);
  const [p] = send(sender, [42]);
  receiver.decryptRtp(p);
  assertSrtpError(() => receiver.decryptRtp(p), "replay");
});

Deno.test("SRTP: late packets inside the window pass once; older ones are replays", () => {
  const sender = new SrtpContext(RFC_MASTER);
  const receiver = new SrtpContext(RFC_MASTER);
  const packets = send(sender, Array.from({ length: 200 }, (_, i) => i));
  receiver.decryptRtp(packets[199]);
  receiver.decryptRtp(packets[150]); // 49 behind: inside the 64-packet window
  assertSrtpError(() => receiver.decryptRtp(packets[150]), "replay");
  assertSrtpError(() => receiver.decryptRtp(packets[100]), "replay"); // 99 behind: too old

  const wide = new SrtpContext(RFC_MASTER, { replayWindow: 128 });
  wide.decryptRtp(packets[199]);
  wide.decryptRtp(packets[100]);
});

Deno.test("SRTP: any flipped bit is an auth error, and a rejected packet changes no state", () => {
  const sender = new SrtpContext(RFC_MASTER);
  const receiver = new SrtpContext(RFC_MASTER);
  const [first, second] = send(sender, [65_535, 0]);
  receiver.decryptRtp(first);
  for (let i = 0; i < second.length; i++) {
    const tampered = second.slice();
    tampered[i] ^= 0x04;
    assertSrtpError(() => receiver.decryptRtp(tampered), "auth");
  }
  assert.equal(receiver.rocOf(SSRC), 0);
  assert.deepEqual(receiver.decryptRtp(second), rtp({ seq: 0, ssrc: SSRC }));
  assert.equal(receiver.rocOf(SSRC), 1);
});

Deno.test("SRTP: a packet under another key is an auth error", () => {
  const [p] = send(new SrtpContext(OTHER_MASTER), [1]);
  assertSrtpError(() => new SrtpContext(RFC_MASTER).decryptRtp(p), "auth");
});

Deno.test("SRTP: every truncation of a packet is rejected with an SrtpError", () => {
  const [p] = send(new SrtpContext(RFC_MASTER), [1]);
  const receiver = new SrtpContext(RFC_MASTER);
  for (let n = 0; n < p.length; n++) {
    assert.throws(() => receiver.decryptRtp(p.subarray(0, n)), SrtpError, `length ${n}`);
  }
  assertSrtpError(() => receiver.decryptRtp(new Uint8Array(21)), "short");
  // CC = 15 announces 60 bytes of CSRCs that are not there.
  const lying = new Uint8Array(40);
  lying[0] = 0x8f;
  assertSrtpError(() => receiver.decryptRtp(lying), "short");
});

Deno.test("SRTP: the decrypt input is left untouched", () => {
  const [p] = send(new SrtpContext(RFC_MASTER), [1]);
  const copy = p.slice();
  new SrtpContext(RFC_MASTER).decryptRtp(p);
  assert.deepEqual(p, copy);
});

Deno.test("SRTP: encryptRtp rejects what is not an RTP packet with a RangeError", () => {
  const ctx = new SrtpContext(RFC_MASTER);
  assert.throws(() => ctx.encryptRtp(new Uint8Array(11)), RangeError);
  assert.throws(() => ctx.encryptRtp(new Uint8Array(20)), RangeError); // version 0
  const lying = rtp({ seq: 1, payload: new Uint8Array(0) });
  lying[0] |= 0x10; // extension bit without an extension
  assert.throws(() => ctx.encryptRtp(lying), RangeError);
});

Deno.test("SRTP: SSRCs are independent streams", () => {
  const sender = new SrtpContext(RFC_MASTER);
  const receiver = new SrtpContext(RFC_MASTER);
  const a = sender.encryptRtp(rtp({ seq: 65_535, ssrc: 1 }));
  const b = sender.encryptRtp(rtp({ seq: 0, ssrc: 2 }));
  const a2 = sender.encryptRtp(rtp({ seq: 0, ssrc: 1 }));
  assert.equal(sender.rocOf(1), 1);
  assert.equal(sender.rocOf(2), 0);
  for (const p of [a, b, a2]) receiver.decryptRtp(p);
  assert.equal(receiver.rocOf(1), 1);
  assert.equal(receiver.rocOf(0xffff_ffff), 0);
});

Deno.test("SRTCP: round trip; the E flag and a per-SSRC index follow the compound packet", () => {
  const sender = new SrtpContext(RFC_MASTER);
  const receiver = new SrtpContext(RFC_MASTER);
  for (let i = 0; i < 3; i++) {
    const plain = rtcpSr(SSRC, i);
    const srtcp = sender.encryptRtcp(plain);
    assert.equal(srtcp.length, plain.length + 14);
    assert.deepEqual(srtcp.subarray(0, 8), plain.subarray(0, 8));
    const word = new DataView(srtcp.buffer).getUint32(plain.length);
    assert.equal(word, (0x8000_0000 | i) >>> 0);
    assert.deepEqual(receiver.decryptRtcp(srtcp), plain);
  }
  const other = sender.encryptRtcp(rtcpSr(5, 0));
  assert.equal(new DataView(other.buffer).getUint32(other.length - 14), 0x8000_0000);
});

Deno.test("SRTCP: replays, tampering, other keys and truncation are rejected", () => {
  const sender = new SrtpContext(RFC_MASTER);
  const receiver = new SrtpContext(RFC_MASTER);
  const first = sender.encryptRtcp(rtcpSr(SSRC, 0));
  receiver.decryptRtcp(first);
  assertSrtpError(() => receiver.decryptRtcp(first), "replay");
  const second = sender.encryptRtcp(rtcpSr(SSRC, 1));
  for (let i = 0; i < second.length; i++) {
    const tampered = second.slice();
    tampered[i] ^= 0x80;
    assertSrtpError(() => receiver.decryptRtcp(tampered), "auth");
  }
  receiver.decryptRtcp(second);
  assertSrtpError(
    () => receiver.decryptRtcp(new SrtpContext(OTHER_MASTER).encryptRtcp(rtcpSr(1, 0))),
    "auth",
  );
  for (let n = 0; n < second.length; n++) {
    assert.throws(() => receiver.decryptRtcp(second.subarray(0, n)), SrtpError);
  }
  assertSrtpError(() => receiver.decryptRtcp(new Uint8Array(21)), "short");
});

Deno.test("SRTCP: an authenticated packet with E = 0 is returned as is", () => {
  const keys = deriveSessionKeys(RFC_MASTER.subarray(0, 16), RFC_MASTER.subarray(16), true);
  const plain = rtcpSr(SSRC, 9);
  const packet = new Uint8Array(plain.length + 14);
  packet.set(plain);
  new DataView(packet.buffer).setUint32(plain.length, 17); // E = 0, index 17
  const mac = createHmac("sha1", keys.authKey).update(packet.subarray(0, plain.length + 4)).digest();
  packet.set(mac.subarray(0, 10), plain.length + 4);
  assert.deepEqual(new SrtpContext(RFC_MASTER).decryptRtcp(packet), plain);
});

Deno.test("SRTCP: encryptRtcp rejects what is not RTCP with a RangeError", () => {
  const ctx = new SrtpContext(RFC_MASTER);
  assert.throws(() => ctx.encryptRtcp(new Uint8Array(7)), RangeError);
  assert.throws(() => ctx.encryptRtcp(new Uint8Array(8)), RangeError);
});

Deno.test("AES_CM_128_HMAC_SHA1_32: a 4-byte SRTP tag, SRTCP keeps 10 bytes", () => {
  const sender = new SrtpContext(RFC_MASTER, { profile: "AES_CM_128_HMAC_SHA1_32" });
  const receiver = new SrtpContext(RFC_MASTER, { profile: "AES_CM_128_HMAC_SHA1_32" });
  const plain = rtp({ seq: 3 });
  const srtp = sender.encryptRtp(plain);
  assert.equal(srtp.length, plain.length + 4);
  assert.deepEqual(receiver.decryptRtp(srtp), plain);
  assert.equal(sender.rtcpOverhead, 14);
  assert.deepEqual(receiver.decryptRtcp(sender.encryptRtcp(rtcpSr(1, 1))), rtcpSr(1, 1));
  // The 80-bit variant shares keys but not the tag length.
  assertSrtpError(() => new SrtpContext(RFC_MASTER).decryptRtp(sender.encryptRtp(rtp({ seq: 4 }))), "auth");
});

Deno.test("SrtpContext: wrong key lengths, window sizes and profiles are RangeErrors", () => {
  assert.throws(() => new SrtpContext(new Uint8Array(29)), RangeError);
  assert.throws(() => new SrtpContext(new Uint8Array(46)), RangeError);
  assert.throws(() => new SrtpContext(RFC_MASTER, { replayWindow: 16 }), RangeError);
  assert.throws(() => new SrtpContext(RFC_MASTER, { replayWindow: 64.5 }), RangeError);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => new SrtpContext(RFC_MASTER, { profile: "AEAD_AES_128_GCM" as any }), RangeError);
});

Deno.test("SrtpContext: Node Buffers as key and packets are neither aliased nor modified", () => {
  // Buffer.prototype.slice() returns a view: a context that sliced its input would write into it.
  const key = Buffer.from(RFC_MASTER);
  const sender = new SrtpContext(key);
  assert.deepEqual(new Uint8Array(key), RFC_MASTER);
  const plain = Buffer.from(rtp({ seq: 9 }));
  const srtp = Buffer.from(sender.encryptRtp(plain));
  const srtpCopy = Buffer.from(srtp);
  const receiver = new SrtpContext(Buffer.from(RFC_MASTER));
  assert.deepEqual(receiver.decryptRtp(srtp), new Uint8Array(plain));
  assert.deepEqual(srtp, srtpCopy);
  const srtcp = Buffer.from(sender.encryptRtcp(rtcpSr(1, 1)));
  const srtcpCopy = Buffer.from(srtcp);
  assert.deepEqual(receiver.decryptRtcp(srtcp), rtcpSr(1, 1));
  assert.deepEqual(srtcp, srtcpCopy);
  // The same key as a plain Uint8Array gives the same packet.
  assert.deepEqual(
    new SrtpContext(RFC_MASTER).encryptRtp(rtp({ seq: 9 })),
    new SrtpContext(key).encryptRtp(rtp({ seq: 9 })),
  );
});

Deno.test("SRTP: encryptRtpAt protects at the sender's own ROC, into a caller's buffer", () => {
  const guessing = new SrtpContext(RFC_MASTER);
  const explicit = new SrtpContext(RFC_MASTER);
  const seqs = [0xfffe, 0xffff, 0, 0xfffd, 1];
  const rocs = [0, 0, 1, 0, 1];
  const out = new Uint8Array(rtp({ ssrc: SSRC, seq: 0 }).length + 10);
  for (let i = 0; i < seqs.length; i++) {
    const packet = rtp({ ssrc: SSRC, seq: seqs[i] });
    const written = explicit.encryptRtpAt(packet, rocs[i], out);
    assert.equal(written, out, "into the caller's buffer");
    assert.deepEqual(
      written,
      guessing.encryptRtp(packet),
      `seq ${seqs[i]}: the same bytes as the RFC estimate`,
    );
  }
  assert.equal(explicit.rocOf(SSRC), 1);
  // A ROC the estimate could not reach (a long pause): the receiver keyed with it decrypts.
  const receiver = new SrtpContext(RFC_MASTER);
  receiver.setRoc(SSRC, 9);
  const far = explicit.encryptRtpAt(rtp({ ssrc: SSRC, seq: 7 }), 9);
  assert.deepEqual(receiver.decryptRtp(far), rtp({ ssrc: SSRC, seq: 7 }));
  assert.throws(() => explicit.encryptRtpAt(rtp({ ssrc: SSRC, seq: 8 }), 0, new Uint8Array(5)), RangeError);
  assert.throws(() => explicit.encryptRtpAt(rtp({ ssrc: SSRC, seq: 8 }), -1), RangeError);
});
