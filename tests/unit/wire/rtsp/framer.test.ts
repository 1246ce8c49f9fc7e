import assert from "node:assert/strict";
import { DEFAULT_FRAMER_LIMITS, RtspFramer } from "../../../../src/wire/rtsp/framer.ts";
import { formatInterleaved } from "../../../../src/wire/rtsp/format.ts";
import { ALL_CASES, FFMPEG_PUBLISH, GST_READ } from "./_fixtures.ts";
import { bytes, bytewise, concat, frameAll, type PlainFrame } from "./_plain.ts";
import { prng, randInt, randomSplit } from "../../../_helpers/fuzz.ts";

const OPTIONS = "OPTIONS rtsp://127.0.0.1:8554/mystream RTSP/1.0\r\nCSeq: 9\r\n\r\n";
const OPTIONS_PLAIN: PlainFrame = {
  kind: "request",
  method: "OPTIONS",
  url: "rtsp://127.0.0.1:8554/mystream",
  headers: [["CSeq", "9"]],
  body: "",
};

function rtp(seq: number, size: number): Uint8Array {
  const p = new Uint8Array(size);
  for (let i = 0; i < size; i++) p[i] = (seq * 31 + i) & 0xff;
  return p;
}

for (const c of ALL_CASES) {
  Deno.test(`framer parses ${c.name} in one chunk`, () => {
    assert.deepEqual(frameAll([bytes(c.raw)]), [c.value]);
  });
  Deno.test(`framer parses ${c.name} one byte at a time`, () => {
    assert.deepEqual(frameAll(bytewise(bytes(c.raw))), [c.value]);
  });
}

/** A connection's worth of traffic: every real message with interleaved RTP/RTCP between them. */
function mixedStream(): { wire: Uint8Array; expected: PlainFrame[] } {
  const parts: Uint8Array[] = [];
  const expected: PlainFrame[] = [];
  ALL_CASES.forEach((c, i) => {
    parts.push(bytes(c.raw));
    expected.push(c.value);
    for (const [channel, size] of [[0, 1200 + i], [1, 28], [2, 0], [0, 13]]) {
      const payload = rtp(i, size);
      parts.push(formatInterleaved(channel, payload));
      expected.push({ kind: "interleaved", channel, payload: [...payload] });
    }
  });
  return { wire: concat(...parts), expected };
}

Deno.test("framer handles a mixed stream fed one byte at a time", () => {
  const { wire, expected } = mixedStream();
  assert.deepEqual(frameAll(bytewise(wire)), expected);
});

Deno.test("framer handles a mixed stream at random splits (seeded, 300 runs)", () => {
  const { wire, expected } = mixedStream();
  for (let seed = 1; seed <= 300; seed++) {
    const rand = prng(seed);
    const maxChunk = [3, 17, 200, 5000, 70000][seed % 5];
    assert.deepEqual(frameAll(randomSplit(wire, rand, maxChunk)), expected, `seed ${seed}`);
  }
});

Deno.test("framer copies interleaved payloads so the caller can reuse its read buffer", () => {
  const framer = new RtspFramer();
  const buf = formatInterleaved(0, rtp(1, 100));
  framer.push(buf);
  const f = framer.next();
  assert.equal(f?.kind, "interleaved");
  buf.fill(0xee);
  framer.push(buf.subarray(0, 4)); // more bytes after the frame must not change it
  if (f?.kind === "interleaved") assert.deepEqual([...f.payload], [...rtp(1, 100)]);
});

Deno.test("framer with payloadViews: a payload is a view, valid until the next push; framing unchanged", () => {
  const framer = new RtspFramer(undefined, { payloadViews: true });
  framer.push(concat(formatInterleaved(0, rtp(1, 100)), formatInterleaved(1, rtp(2, 50))));
  const a = framer.next();
  const b = framer.next();
  assert.ok(a?.kind === "interleaved" && b?.kind === "interleaved");
  assert.equal(a.payload.buffer, b.payload.buffer, "both views into the framer's buffer");
  assert.deepEqual([...a.payload], [...rtp(1, 100)]);
  assert.deepEqual([...b.payload], [...rtp(2, 50)]);
  const { wire, expected } = mixedStream();
  for (let seed = 1; seed <= 50; seed++) {
    const chunks = randomSplit(wire, prng(seed), [3, 200, 5000][seed % 3]);
    assert.deepEqual(
      frameAll(chunks, new RtspFramer(undefined, { payloadViews: true })),
      expected,
      `seed ${seed}`,
    );
  }
});

Deno.test("framer parses the largest interleaved frame and an empty one", () => {
  const big = rtp(7, 0xffff);
  const frames = frameAll(
    randomSplit(concat(formatInterleaved(3, big), formatInterleaved(4, new Uint8Array(0))), prng(5), 9000),
  );
  assert.deepEqual(frames, [
    { kind: "interleaved", channel: 3, payload: [...big] },
    { kind: "interleaved", channel: 4, payload: [] },
  ]);
});

Deno.test("framer keeps the buffer bounded under a long run of interleaved frames", () => {
  const framer = new RtspFramer();
  let count = 0;
  for (let i = 0; i < 2000; i++) {
    framer.push(formatInterleaved(i & 1, rtp(i, 1400)));
    for (let f = framer.next(); f !== undefined; f = framer.next()) count++;
    assert.equal(framer.bufferedBytes, 0);
  }
  assert.equal(count, 2000);
});

Deno.test("framer accepts LF-only line endings (some cameras)", () => {
  const raw = "RTSP/1.0 200 OK\nCSeq: 2\nContent-Type: application/sdp\nContent-Length: 9\n\nv=0\ns=x\n\n";
  const expected: PlainFrame[] = [{
    kind: "response",
    statusCode: 200,
    reason: "OK",
    headers: [["CSeq", "2"], ["Content-Type", "application/sdp"], ["Content-Length", "9"]],
    body: "v=0\ns=x\n\n",
  }];
  assert.deepEqual(frameAll([bytes(raw)]), expected);
  assert.deepEqual(frameAll(bytewise(bytes(raw))), expected);
});

Deno.test("framer tolerates header spacing quirks and folds continuation lines", () => {
  const raw = "SETUP rtsp://cam/live/trackID=1  RTSP/1.0\r\nCSeq:3\r\nUser-Agent :  LibVLC/3.0.18  \r\n" +
    "Transport: RTP/AVP;unicast;\r\n\tclient_port=6970-6971\r\nX-Empty:\r\n\r\n";
  assert.deepEqual(frameAll(bytewise(bytes(raw))), [{
    kind: "request",
    method: "SETUP",
    url: "rtsp://cam/live/trackID=1",
    headers: [
      ["CSeq", "3"],
      ["User-Agent", "LibVLC/3.0.18"],
      ["Transport", "RTP/AVP;unicast; client_port=6970-6971"],
      ["X-Empty", ""],
    ],
    body: "",
  }]);
});

Deno.test("framer reads GET_PARAMETER and SET_PARAMETER bodies", () => {
  const raw = "GET_PARAMETER rtsp://cam/live RTSP/1.0\r\nCSeq: 7\r\nSession: 12345678\r\n" +
    "Content-Type: text/parameters\r\nContent-Length: 23\r\n\r\npacket_loss\r\njitter\r\n\r\n" +
    "SET_PARAMETER rtsp://cam/live RTSP/1.0\r\nCSeq: 8\r\nContent-Length: 15\r\n\r\nbarparam: barst";
  const frames = frameAll(randomSplit(bytes(raw), prng(3), 7));
  assert.equal(frames.length, 2);
  assert.deepEqual(frames.map((f) => f.kind === "request" ? [f.method, f.body] : f.kind), [
    ["GET_PARAMETER", "packet_loss\r\njitter\r\n\r\n"],
    ["SET_PARAMETER", "barparam: barst"],
  ]);
});

Deno.test("framer returns unknown methods as requests (the server answers 501)", () => {
  const frames = frameAll([bytes("FLUSH_ALL * RTSP/1.0\r\nCSeq: 1\r\n\r\n")]);
  assert.deepEqual(frames, [{
    kind: "request",
    method: "FLUSH_ALL",
    url: "*",
    headers: [["CSeq", "1"]],
    body: "",
  }]);
});

Deno.test("framer accepts a status line without reason phrase", () => {
  assert.deepEqual(frameAll([bytes("RTSP/1.0 200\r\nCSeq: 1\r\n\r\n")]), [
    { kind: "response", statusCode: 200, reason: "", headers: [["CSeq", "1"]], body: "" },
  ]);
});

Deno.test("framer resyncs over garbage between messages, counting discarded bytes", () => {
  const wire = concat(bytes(OPTIONS), bytes("\r\n\r\n"), bytes("junk\x01\x02"), bytes(OPTIONS));
  for (const chunks of [[wire], [...bytewise(wire)]]) {
    const framer = new RtspFramer();
    assert.deepEqual(frameAll(chunks, framer), [OPTIONS_PLAIN, OPTIONS_PLAIN]);
    assert.equal(framer.discardedBytes, 4 + 6);
  }
  const garbage = new Uint8Array([0x00, 0xff, 0x80, 0x0d, 0x0a, ...bytes("hello junk!! rtsp/1.0 200 Ok ")]);
  const framer = new RtspFramer();
  assert.deepEqual(frameAll([garbage, bytes(OPTIONS)], framer), [OPTIONS_PLAIN]);
  assert.equal(framer.discardedBytes, garbage.length);
});

Deno.test("framer treats an uppercase token without space as garbage", () => {
  const framer = new RtspFramer();
  assert.deepEqual(frameAll([bytes("ABCDEFG\r\n" + "X".repeat(200) + "\r\n" + OPTIONS)], framer), [
    OPTIONS_PLAIN,
  ]);
  assert.equal(framer.discardedBytes, 9 + 202);
});

Deno.test("framer rejects an oversized request line and resyncs after the message", () => {
  const long = `DESCRIBE rtsp://h/${"a".repeat(5000)} RTSP/1.0\r\nCSeq: 2\r\n\r\n`;
  const wire = bytes(long + OPTIONS);
  const expected: PlainFrame[] = [{ kind: "invalid", status: 400 }, OPTIONS_PLAIN];
  assert.deepEqual(frameAll([wire]), expected);
  assert.deepEqual(frameAll(bytewise(wire)), expected);
  assert.deepEqual(frameAll(randomSplit(wire, prng(11), 300)), expected);
});

Deno.test("framer rejects an oversized header line but still skips the message body", () => {
  const body = "v=0\r\nSETUP rtsp://h/p RTSP/1.0\r\n\r\n"; // a body that looks like a request
  const long = `ANNOUNCE rtsp://h/p RTSP/1.0\r\nContent-Length: ${body.length}\r\n` +
    `X-Long: ${"b".repeat(9000)}\r\nCSeq: 2\r\n\r\n${body}`;
  const wire = bytes(long + OPTIONS);
  const expected: PlainFrame[] = [{ kind: "invalid", status: 400 }, OPTIONS_PLAIN];
  assert.deepEqual(frameAll([wire]), expected);
  assert.deepEqual(frameAll(bytewise(wire)), expected);
  const framer = new RtspFramer();
  assert.deepEqual(frameAll(randomSplit(wire, prng(12), 100), framer), expected);
  assert.equal(framer.discardedBytes, long.length);
});

Deno.test("framer answers an oversized body with 413 and skips it without buffering it", () => {
  const size = 300_000;
  const head = bytes(`ANNOUNCE rtsp://h/p RTSP/1.0\r\nCSeq: 2\r\nContent-Length: ${size}\r\n\r\n`);
  const framer = new RtspFramer();
  const frames = frameAll([head], framer);
  assert.deepEqual(frames, [{ kind: "invalid", status: 413 }]);
  const chunk = new Uint8Array(4096).fill(0x41);
  for (let sent = 0; sent < size; sent += chunk.length) {
    const part = chunk.subarray(0, Math.min(chunk.length, size - sent));
    assert.deepEqual(frameAll([part], framer), []);
    assert.ok(framer.bufferedBytes <= 4096);
  }
  assert.deepEqual(frameAll([bytes(OPTIONS)], framer), [OPTIONS_PLAIN]);
});

Deno.test("framer rejects too many headers and continues with the next message", () => {
  const headers = Array.from({ length: 300 }, (_, i) => `X-H${i}: ${i}\r\n`).join("");
  const wire = bytes(`OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n${headers}\r\n${OPTIONS}`);
  const expected: PlainFrame[] = [{ kind: "invalid", status: 400 }, OPTIONS_PLAIN];
  assert.deepEqual(frameAll([wire]), expected);
  assert.deepEqual(frameAll(bytewise(wire)), expected);
});

Deno.test("framer rejects an oversized header block, skipping body and rest of the block", () => {
  const headers = Array.from({ length: 100 }, (_, i) => `X-Pad-${i}: ${"p".repeat(300)}\r\n`).join("");
  for (const where of ["first", "last"]) {
    const cl = "Content-Length: 5\r\n";
    const msg = `ANNOUNCE rtsp://h/p RTSP/1.0\r\n${where === "first" ? cl : ""}${headers}` +
      `${where === "last" ? cl : ""}\r\nhello`;
    const wire = bytes(msg + OPTIONS);
    const expected: PlainFrame[] = [{ kind: "invalid", status: 400 }, OPTIONS_PLAIN];
    assert.deepEqual(frameAll([wire]), expected, where);
    const framer = new RtspFramer();
    assert.deepEqual(frameAll(bytewise(wire), framer), expected, where);
    assert.equal(framer.discardedBytes, msg.length);
    assert.deepEqual(frameAll(randomSplit(wire, prng(99), 2000)), expected, where);
  }
});

Deno.test("framer rejects invalid Content-Length values", () => {
  for (const value of ["abc", "-1", "1.5", "5, 6", "99999999999999999999"]) {
    const wire = bytes(
      `ANNOUNCE rtsp://h/p RTSP/1.0\r\nCSeq: 2\r\nContent-Length: ${value}\r\n\r\n${OPTIONS}`,
    );
    const frames = frameAll([wire]);
    assert.equal(frames[0].kind, "invalid", value);
    assert.deepEqual(frames.slice(1), [OPTIONS_PLAIN], value);
  }
  // Two Content-Length headers that disagree leave the framing unknown (RFC 7230 §3.3.2).
  const frames = frameAll([bytes(`PLAY * RTSP/1.0\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n`)]);
  assert.deepEqual(frames, [{ kind: "invalid", status: 400 }]);
});

Deno.test("framer reports malformed start and header lines with the raw head", () => {
  const framer = new RtspFramer();
  framer.push(bytes("OPTIONS rtsp://h/p\r\nCSeq: 4\r\n\r\nPLAY rtsp://h/p RTSP/1.0\r\nCSeq 5\r\n\r\n"));
  const a = framer.next();
  const b = framer.next();
  assert.equal(a?.kind, "invalid");
  assert.equal(b?.kind, "invalid");
  if (a?.kind === "invalid") {
    assert.equal(a.error.status, 400);
    assert.match(a.raw ?? "", /CSeq: 4/); // lets the server echo the CSeq
  }
  if (b?.kind === "invalid") assert.match(b.error.message, /invalid header line/);
  assert.equal(framer.next(), undefined);
});

Deno.test("framer applies custom limits", () => {
  const framer = new RtspFramer({ maxBodyBytes: 10 });
  const msg = FFMPEG_PUBLISH[0].raw;
  assert.deepEqual(frameAll([bytes(msg + OPTIONS)], framer), [
    { kind: "invalid", status: 413 },
    OPTIONS_PLAIN,
  ]);
  assert.equal(DEFAULT_FRAMER_LIMITS.maxBodyBytes, 128 * 1024);
  assert.equal(DEFAULT_FRAMER_LIMITS.maxHeaderCount, 255);
  assert.throws(() => {
    (DEFAULT_FRAMER_LIMITS as { maxBodyBytes: number }).maxBodyBytes = 1;
  });
});

Deno.test("framer never throws on a truncated stream and keeps waiting", () => {
  for (const c of GST_READ) {
    const framer = new RtspFramer();
    const wire = bytes(c.raw);
    framer.push(wire.subarray(0, wire.length - 1));
    assert.equal(framer.next(), undefined);
    framer.push(wire.subarray(wire.length - 1));
    assert.equal(framer.next()?.kind, "request");
  }
});

Deno.test("framer handles CR and LF split across chunks and stray blank lines", () => {
  const rand = prng(42);
  for (let i = 0; i < 50; i++) {
    const extra = "\r\n".repeat(randInt(rand, 3));
    const wire = bytes(extra + OPTIONS + extra + OPTIONS);
    assert.deepEqual(frameAll(randomSplit(wire, rand, 3)), [OPTIONS_PLAIN, OPTIONS_PLAIN]);
  }
});
