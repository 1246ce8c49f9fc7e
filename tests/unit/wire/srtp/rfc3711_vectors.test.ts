import assert from "node:assert/strict";
import { AesCm } from "../../../../src/wire/srtp/_aes_cm.ts";
import { deriveKey, deriveSessionKeys, SRTP_LABELS } from "../../../../src/wire/srtp/key_derivation.ts";
import { fromHex, loadRfc3711, toHex } from "./_helpers.ts";

const vectors = await loadRfc3711();

Deno.test("RFC 3711 B.2: the AES-CM keystream segment starts and ends with the listed blocks", () => {
  const v = vectors.b2AesCm;
  const salt = fromHex(v.sessionSaltShifted).subarray(0, 14); // undo the 2^16 shift
  const keystream = new AesCm(fromHex(v.sessionKey), salt).keystream(v.keystreamSegmentLength);
  assert.equal(keystream.length, 1_044_512);
  const base = BigInt("0x" + v.keystreamBlocks[0].counter);
  for (const { counter, keystream: expected } of v.keystreamBlocks) {
    const block = Number(BigInt("0x" + counter) - base);
    assert.equal(toHex(keystream.subarray(block * 16, block * 16 + 16)), expected, `counter ${counter}`);
  }
  // The segment is exactly 65282 blocks: the last listed block is its end.
  assert.equal(toHex(keystream.subarray(keystream.length - 16)), v.keystreamBlocks.at(-1)!.keystream);
});

Deno.test("RFC 3711 B.2: XOR applies the same keystream in place, over any sub-range", () => {
  const v = vectors.b2AesCm;
  const cm = new AesCm(fromHex(v.sessionKey), fromHex(v.sessionSaltShifted).subarray(0, 14));
  const data = new Uint8Array(64).fill(0);
  cm.xor(data, 16, 64, 0, 0, 0);
  assert.equal(toHex(data.subarray(0, 16)), "00".repeat(16));
  assert.equal(
    toHex(data.subarray(16)),
    v.keystreamBlocks.slice(0, 3).map((b) => b.keystream).join(""),
  );
});

Deno.test("RFC 3711 B.3: session encryption key, salt and auth key from the master key", () => {
  const v = vectors.b3KeyDerivation;
  const masterKey = fromHex(v.masterKey);
  const masterSalt = fromHex(v.masterSalt);
  const keys = deriveSessionKeys(masterKey, masterSalt, false);
  assert.equal(toHex(keys.encryptionKey), v.cipherKey.output);
  assert.equal(toHex(keys.salt), v.cipherSalt.output);
  assert.equal(toHex(keys.authKey), v.authKey.output);
  // The PRF itself, at the RFC's lengths: a full 16-byte block for the salt, 94 bytes of auth key.
  assert.equal(toHex(deriveKey(masterKey, masterSalt, SRTP_LABELS.rtpSalt, 16)), v.cipherSalt.aesCmOutput);
  assert.equal(
    toHex(deriveKey(masterKey, masterSalt, SRTP_LABELS.rtpAuthentication, 94)),
    v.authKey.output94,
  );
});

Deno.test("RFC 3711 B.3: the PRF input block is the master salt XOR the label, shifted by 16 bits", () => {
  const v = vectors.b3KeyDerivation;
  const masterKey = fromHex(v.masterKey);
  for (const step of [v.cipherKey, v.cipherSalt, v.authKey]) {
    // Encrypting the listed AES-CM input block directly gives the same first block.
    const input = fromHex(step.aesCmInput);
    const direct = new AesCm(masterKey, input.subarray(0, 14)).keystream(16);
    const derived = deriveKey(masterKey, fromHex(v.masterSalt), step.label, 16);
    assert.equal(toHex(derived), toHex(direct), `label ${step.label}`);
  }
});

Deno.test("key derivation: SRTCP labels 3..5 give keys distinct from SRTP's", () => {
  const v = vectors.b3KeyDerivation;
  const rtp = deriveSessionKeys(fromHex(v.masterKey), fromHex(v.masterSalt), false);
  const rtcp = deriveSessionKeys(fromHex(v.masterKey), fromHex(v.masterSalt), true);
  assert.equal(rtcp.encryptionKey.length, 16);
  assert.equal(rtcp.authKey.length, 20);
  assert.equal(rtcp.salt.length, 14);
  assert.notEqual(toHex(rtcp.encryptionKey), toHex(rtp.encryptionKey));
  assert.equal(
    toHex(rtcp.encryptionKey),
    toHex(deriveKey(fromHex(v.masterKey), fromHex(v.masterSalt), SRTP_LABELS.rtcpEncryption, 16)),
  );
});

Deno.test("key derivation: wrong key and salt lengths are RangeErrors", () => {
  assert.throws(() => deriveSessionKeys(new Uint8Array(15), new Uint8Array(14), false), RangeError);
  assert.throws(() => deriveSessionKeys(new Uint8Array(16), new Uint8Array(12), false), RangeError);
  assert.throws(() => deriveKey(new Uint8Array(16), new Uint8Array(14), 256, 16), RangeError);
});
