import assert from "node:assert/strict";
import { aacCodec, AacDepacketizer, hexBytes } from "../../../src/player/aac_depacketizer.ts";
import { RtpTimeline, SenderReportClock } from "../../../src/player/sender_report_clock.ts";
import { playableTracks, resolveControl } from "../../../src/player/sdp_tracks.ts";
import { ntpFromUnixMs } from "../../../src/wire/ntp.ts";
import { prng, randomBytes } from "../../_helpers/fuzz.ts";

const LAYOUT = { sizeLength: 13, indexLength: 3, indexDeltaLength: 3 };

/** RFC 3640 §3.2.1 AAC-hbr: AU-headers-length in bits, 16-bit headers (size << 3 | index). */
function aacPayload(...frames: Uint8Array[]): Uint8Array {
  const headers = frames.flatMap((f) => [(f.length << 3) >> 8, (f.length << 3) & 0xff]);
  const bits = frames.length * 16;
  return Uint8Array.of(bits >> 8, bits & 0xff, ...headers, ...frames.flatMap((f) => [...f]));
}

Deno.test("AacDepacketizer: several access units in one packet get consecutive timestamps", () => {
  const d = new AacDepacketizer(LAYOUT);
  const a = Uint8Array.of(1, 2, 3);
  const b = Uint8Array.of(4, 5);
  const units = d.push({ sequenceNumber: 1, timestamp: 48000, marker: true, payload: aacPayload(a, b) });
  assert.deepEqual(units, [{ timestamp: 48000, data: a }, { timestamp: 49024, data: b }]);
});

Deno.test("AacDepacketizer: a fragmented access unit is joined; a loss drops it", () => {
  const frame = Uint8Array.from({ length: 20 }, (_, i) => i);
  const header = Uint8Array.of(0, 16, (20 << 3) >> 8, (20 << 3) & 0xff);
  const part = (data: Uint8Array) => Uint8Array.of(...header, ...data);
  const d = new AacDepacketizer(LAYOUT);
  assert.deepEqual(
    d.push({ sequenceNumber: 1, timestamp: 0, marker: false, payload: part(frame.subarray(0, 8)) }),
    [],
  );
  assert.deepEqual(
    d.push({ sequenceNumber: 2, timestamp: 0, marker: true, payload: part(frame.subarray(8)) }),
    [
      { timestamp: 0, data: frame },
    ],
  );
  const lossy = new AacDepacketizer(LAYOUT);
  lossy.push({ sequenceNumber: 1, timestamp: 0, marker: false, payload: part(frame.subarray(0, 8)) });
  assert.deepEqual(
    lossy.push({ sequenceNumber: 3, timestamp: 0, marker: true, payload: part(frame.subarray(8)) }),
    [],
  );
});

Deno.test("AacDepacketizer: malformed payloads yield nothing and never throw", () => {
  const d = new AacDepacketizer(LAYOUT);
  assert.deepEqual(
    d.push({ sequenceNumber: 1, timestamp: 0, marker: true, payload: Uint8Array.of(0xff) }),
    [],
  );
  const rand = prng(54);
  for (let i = 0; i < 3000; i++) {
    const payload = randomBytes(rand, 30);
    d.push({ sequenceNumber: i, timestamp: i * 1024, marker: true, payload });
  }
});

Deno.test("aacCodec and hexBytes read the fmtp config", () => {
  assert.equal(aacCodec(hexBytes("1190")!), "mp4a.40.2");
  assert.equal(aacCodec(hexBytes("2b8a0800")!), "mp4a.40.5");
  assert.equal(hexBytes("119"), undefined);
});

Deno.test("SenderReportClock maps RTP time to the sender's wall clock, across a wrap", () => {
  const clock = new SenderReportClock(90000);
  assert.equal(clock.wallMs(1234), undefined);
  const wall = Date.UTC(2026, 11, 3, 12, 0, 0);
  clock.update(ntpFromUnixMs(wall), 0xffff_ff00);
  assert.ok(Math.abs(clock.wallMs(0xffff_ff00)! - wall) < 0.01);
  assert.ok(Math.abs(clock.wallMs(0x0000_5f00)! - (wall + (0x6000 * 1000) / 90000)) < 0.01);
  clock.update(0n, 5); // a sender without a wall clock: ignored
  assert.ok(clock.synced);
});

Deno.test("RtpTimeline extends 32-bit timestamps monotonically", () => {
  const t = new RtpTimeline();
  assert.deepEqual([0xffff_fff0, 0x10, 0x20].map((x) => t.extend(x)), [
    0xffff_fff0,
    0x1_0000_0010,
    0x1_0000_0020,
  ]);
});

Deno.test("playableTracks: the DESCRIBE of an H.264 + AAC path", () => {
  const sdp = [
    "v=0",
    "o=- 0 0 IN IP4 127.0.0.1",
    "s=Stream",
    "t=0 0",
    "m=video 0 RTP/AVP 96",
    "a=rtpmap:96 H264/90000",
    "a=fmtp:96 packetization-mode=1; sprop-parameter-sets=Z01AHuiA,aM48gA==; profile-level-id=4D401E",
    "a=control:trackID=0",
    "m=audio 0 RTP/AVP 97",
    "a=rtpmap:97 mpeg4-generic/48000/1",
    "a=fmtp:97 streamtype=5; profile-level-id=1; mode=AAC-hbr; sizelength=13; indexlength=3; indexdeltalength=3; config=1188",
    "a=control:trackID=1",
    "m=application 0 RTP/AVP 107",
    "a=rtpmap:107 vnd.onvif.metadata/90000",
    "",
  ].join("\r\n");
  const t = playableTracks(sdp, "rtsp://h:8554/cam/");
  assert.equal(t.video?.codec, "H264");
  assert.equal(t.video?.control, "rtsp://h:8554/cam/trackID=0");
  assert.equal(t.video?.sprop.parameterSets, "Z01AHuiA,aM48gA==");
  assert.equal(t.audio?.codec, "AAC");
  assert.equal(t.audio?.clockRate, 48000);
  assert.deepEqual(t.audio?.config, Uint8Array.of(0x11, 0x88));
  assert.deepEqual(t.skipped, ["application VND.ONVIF.METADATA"]);
});

Deno.test("resolveControl: absolute, relative and '*' controls", () => {
  assert.equal(resolveControl("rtsp://h/p", "rtsp://other/x"), "rtsp://other/x");
  assert.equal(resolveControl("rtsp://h/p", "trackID=1"), "rtsp://h/p/trackID=1");
  assert.equal(resolveControl("rtsp://h/p/", "trackID=1"), "rtsp://h/p/trackID=1");
  assert.equal(resolveControl("rtsp://h/p", "*"), "rtsp://h/p");
});
