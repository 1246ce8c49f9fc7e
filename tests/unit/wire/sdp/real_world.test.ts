/**
 * Each real-world SDP is parsed and checked for what the server relies on (medias,
 * protocols, codecs, clock rates, control URLs); all must survive a format/parse
 * round trip unchanged.
 */

import assert from "node:assert/strict";
import {
  clockRateOf,
  codecOf,
  formatSdp,
  mediaControl,
  parseSdp,
  payloadTypes,
} from "../../../../src/wire/sdp/mod.ts";
import { REAL_WORLD_SDPS } from "./_real_world_sdps.ts";

for (const c of REAL_WORLD_SDPS) {
  Deno.test(`parseSdp() real world: ${c.name}`, () => {
    const sd = parseSdp(c.raw);
    assert.equal(sd.medias.length, c.medias.length);
    sd.medias.forEach((m, i) => {
      const want = c.medias[i];
      const pt = payloadTypes(m)[0];
      assert.equal(m.type, want.type);
      assert.equal(m.protocol, want.protocol);
      assert.equal(codecOf(m, pt), want.codec);
      assert.equal(clockRateOf(m, pt), want.clockRate);
      assert.equal(mediaControl(m), want.control);
    });
    c.check?.(sd);
    // Bytes in, same result: the parser takes Uint8Array bodies too.
    assert.deepEqual(parseSdp(new TextEncoder().encode(c.raw)), sd);
  });

  Deno.test(`formatSdp() round-trips real world: ${c.name}`, () => {
    const sd = parseSdp(c.raw);
    const text = formatSdp(sd);
    assert.match(text, /^v=0\r\no=/);
    assert.ok(text.endsWith("\r\n") && !/[^\r]\n/.test(text), "CRLF line ends only");
    const again = parseSdp(text);
    // Formatting fills in a t= line when there was none; nothing else may change.
    assert.deepEqual({ ...again, times: [] }, { ...sd, times: [] });
    assert.equal(formatSdp(again), text);
  });
}
