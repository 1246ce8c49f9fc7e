import assert from "node:assert/strict";
import { buildMikey } from "../../../../src/wire/mikey/build.ts";
import {
  formatKeyMgmtAttribute,
  formatMikeyKeyMgmt,
  KEY_MGMT_ATTRIBUTE,
  mikeyFromBase64,
  mikeyToBase64,
  parseKeyMgmtAttribute,
  parseMikeyKeyMgmt,
} from "../../../../src/wire/mikey/key_mgmt.ts";
import {
  checkMikeyTime,
  createMikeyMessage,
  MIKEY_MAX_CLOCK_SKEW_MS,
} from "../../../../src/wire/mikey/message.ts";
import { parseMikey } from "../../../../src/wire/mikey/parse.ts";
import { parseKeyMgmt } from "../../../../src/wire/rtsp/headers/keymgmt.ts";
import { ntpFromUnixMs } from "../../../../src/wire/ntp.ts";
import { fixture, sampleBytes, sampleMessage } from "./_helpers.ts";

Deno.test("base64: mikeyToBase64 / mikeyFromBase64 round trip from fields or bytes", () => {
  const b64 = mikeyToBase64(sampleMessage());
  assert.equal(b64, mikeyToBase64(sampleBytes()));
  assert.equal(atob(b64).length, sampleBytes().length);
  assert.deepEqual(mikeyFromBase64(b64), sampleMessage());
  // Unpadded base64 (some devices drop the padding) decodes the same.
  assert.deepEqual(mikeyFromBase64(b64.replace(/=+$/, "")), sampleMessage());
});

Deno.test("base64: invalid text is a SyntaxError", () => {
  for (const bad of ["", "AQAF AG1D", "AQAF*G1D", "A", "AQAFAG1DX=Q=", "AQ==="]) {
    assert.throws(() => mikeyFromBase64(bad), SyntaxError, JSON.stringify(bad));
  }
});

Deno.test("SDP attribute: a=key-mgmt:mikey <base64>, parsed back to the same bytes", async () => {
  assert.equal(KEY_MGMT_ATTRIBUTE, "key-mgmt");
  const value = formatKeyMgmtAttribute(sampleMessage());
  assert.match(value, /^mikey [A-Za-z0-9+/]+=*$/);
  assert.equal(value, formatKeyMgmtAttribute(sampleBytes()));
  assert.deepEqual(parseKeyMgmtAttribute(value), sampleBytes());
  assert.deepEqual(parseKeyMgmtAttribute(`MIKEY  ${mikeyToBase64(sampleBytes())} `), sampleBytes());
  // As GStreamer writes it in an ANNOUNCE.
  const [real] = await fixture("gstreamer-1.22-rtspclientsink-announce");
  assert.equal(parseMikey(parseKeyMgmtAttribute(`mikey ${real}`)).srtpStreams[0].ssrc, 606701901);
});

Deno.test("SDP attribute: other protocols and malformed values are SyntaxErrors", () => {
  for (const bad of ["", "mikey", "kerberos AAAA", "mikey AA AA", "mikey !!!"]) {
    assert.throws(() => parseKeyMgmtAttribute(bad), SyntaxError, JSON.stringify(bad));
  }
});

Deno.test("KeyMgmt header: formatted with the RTSP header codec and parsed back", async () => {
  const uri = "rtsp://127.0.0.1:8322/cam/trackID=0";
  const value = formatMikeyKeyMgmt(uri, sampleMessage());
  assert.equal(value, `prot=mikey;uri="${uri}";data="${mikeyToBase64(sampleBytes())}"`);
  assert.deepEqual(parseKeyMgmt(value), { uri, data: mikeyToBase64(sampleBytes()) });
  assert.deepEqual(parseMikeyKeyMgmt(value), { uri, message: sampleMessage() });
  assert.deepEqual(parseMikeyKeyMgmt(formatMikeyKeyMgmt(undefined, sampleBytes())), {
    message: sampleMessage(),
  });
  // As GStreamer's rtspsrc sends it in SETUP.
  const [real] = await fixture("gstreamer-1.22-rtspsrc-setup-keymgmt");
  const header = `prot=mikey;uri="rtsp://127.0.0.1:33969/x/stream=0";data="${real}"`;
  assert.equal(parseMikeyKeyMgmt(header).message.srtpStreams[0].ssrc, 3085844230);
  assert.throws(() => parseMikeyKeyMgmt('prot=mikey;data="AAAA"'), SyntaxError);
  assert.throws(() => parseMikeyKeyMgmt('prot=kerberos;data="AAAA"'), SyntaxError);
});

Deno.test("checkMikeyTime: ±1 h around local time, with a message that says how far off", () => {
  const now = Date.UTC(2025, 5, 1, 12);
  const at = (ms: number) => ({ timestamp: ntpFromUnixMs(ms) });
  checkMikeyTime(at(now), now);
  checkMikeyTime(at(now - MIKEY_MAX_CLOCK_SKEW_MS), now);
  checkMikeyTime(at(now + MIKEY_MAX_CLOCK_SKEW_MS), now);
  assert.throws(() => checkMikeyTime(at(now - MIKEY_MAX_CLOCK_SKEW_MS - 1000), now), /60 min behind/);
  assert.throws(() => checkMikeyTime(at(now + 2 * MIKEY_MAX_CLOCK_SKEW_MS), now), /120 min ahead of/);
  assert.throws(() => checkMikeyTime({ timestamp: 0n }, now), RangeError); // no clock: 2036
});

Deno.test("createMikeyMessage: random CSB ID and RAND, the time given, default policy", () => {
  const key = Uint8Array.from({ length: 30 }, (_, i) => 100 + i);
  const now = Date.UTC(2025, 0, 1);
  const a = createMikeyMessage(key, [{ ssrc: 5, roc: 2 }], now);
  const b = createMikeyMessage(key, [{ ssrc: 5, roc: 2 }], now, Uint8Array.of(1, 2, 3, 4));
  assert.notEqual(a.csbId, b.csbId);
  assert.notDeepEqual(a.rand, b.rand);
  assert.equal(a.rand.length, 16);
  assert.equal(a.timestamp, ntpFromUnixMs(now));
  assert.deepEqual(a.key, key);
  assert.equal(a.mki, undefined);
  assert.deepEqual(b.mki, Uint8Array.of(1, 2, 3, 4));
  assert.deepEqual(parseMikey(buildMikey(a)), a);
  assert.deepEqual(parseMikey(buildMikey(b)), b);
  checkMikeyTime(parseMikey(buildMikey(a)), now);
});
