import assert from "node:assert/strict";
import { formatSdp, parseSdp, type SessionDescription } from "../../../../src/wire/sdp/mod.ts";

const crlf = (...lines: string[]) => lines.join("\r\n") + "\r\n";

/** Canonical SDPs: parse(raw) == value and format(value) == raw. */
const cases: Array<{ name: string; raw: string; value: SessionDescription }> = [
  {
    name: "every session-level field",
    raw: crlf(
      "v=0",
      "o=jdoe 2890844526 2890842807 IN IP4 10.47.16.5",
      "s=SDP Seminar",
      "i=A Seminar on the session description protocol",
      "u=http://www.example.com/seminars/sdp.pdf",
      "c=IN IP4 224.2.17.12/127",
      "b=AS:2000",
      "t=2873397496 2873404696",
      "a=recvonly",
      "a=control:*",
      "m=audio 49170 RTP/AVP 0",
      "m=video 51372/2 RTP/AVP 99 100",
      "i=main camera",
      "c=IN IP6 ff15::101",
      "b=AS:1000",
      "b=TIAS:1000000",
      "a=rtpmap:99 h263-1998/90000",
      "a=control:",
    ),
    value: {
      version: 0,
      origin: {
        username: "jdoe",
        sessionId: "2890844526",
        sessionVersion: "2890842807",
        netType: "IN",
        addrType: "IP4",
        address: "10.47.16.5",
      },
      sessionName: "SDP Seminar",
      info: "A Seminar on the session description protocol",
      uri: "http://www.example.com/seminars/sdp.pdf",
      connection: "IN IP4 224.2.17.12/127",
      bandwidths: ["AS:2000"],
      times: ["2873397496 2873404696"],
      attributes: [{ key: "recvonly" }, { key: "control", value: "*" }],
      medias: [
        { type: "audio", port: 49170, protocol: "RTP/AVP", formats: ["0"], bandwidths: [], attributes: [] },
        {
          type: "video",
          port: 51372,
          portCount: 2,
          protocol: "RTP/AVP",
          formats: ["99", "100"],
          title: "main camera",
          connection: "IN IP6 ff15::101",
          bandwidths: ["AS:1000", "TIAS:1000000"],
          attributes: [{ key: "rtpmap", value: "99 h263-1998/90000" }, { key: "control", value: "" }],
        },
      ],
    },
  },
  {
    name: "a media with no formats and an attribute value containing colons",
    raw: crlf(
      "v=0",
      "o=- 0 0 IN IP4 127.0.0.1",
      "s= ",
      "t=0 0",
      "m=application 0 RTP/AVP",
      "a=control:rtsp://cam:554/live/track=1",
    ),
    value: {
      version: 0,
      origin: {
        username: "-",
        sessionId: "0",
        sessionVersion: "0",
        netType: "IN",
        addrType: "IP4",
        address: "127.0.0.1",
      },
      sessionName: "",
      bandwidths: [],
      times: ["0 0"],
      attributes: [],
      medias: [{
        type: "application",
        port: 0,
        protocol: "RTP/AVP",
        formats: [],
        bandwidths: [],
        attributes: [{ key: "control", value: "rtsp://cam:554/live/track=1" }],
      }],
    },
  },
];

for (const c of cases) {
  Deno.test(`parseSdp() decodes ${c.name}`, () => {
    assert.deepEqual(parseSdp(c.raw), c.value);
  });
  Deno.test(`formatSdp() encodes ${c.name}`, () => {
    assert.equal(formatSdp(c.value), c.raw);
  });
}

Deno.test("formatSdp() writes canonical order whatever the input order, and a t= line when missing", () => {
  const sd = parseSdp(
    "a=x-session:1\nm=video 0 RTP/AVP 96\na=rtpmap:96 H264/90000\nc=IN IP4 1.2.3.4\nb=AS:1\ns=Name\nv=0\n",
  );
  // The c= and b= after m= belong to the media; s= and v= after m= are ignored.
  assert.equal(
    formatSdp(sd),
    crlf(
      "v=0",
      "o=- 0 0 IN IP4 0.0.0.0",
      "s= ",
      "t=0 0",
      "a=x-session:1",
      "m=video 0 RTP/AVP 96",
      "c=IN IP4 1.2.3.4",
      "b=AS:1",
      "a=rtpmap:96 H264/90000",
    ),
  );
});

Deno.test("parseSdp() keeps attribute values as written but trims keys", () => {
  const sd = parseSdp("v=0\r\na= fmtp :96  a=1 \r\na=flag\r\na=:odd\r\n");
  assert.deepEqual(sd.attributes, [{ key: "fmtp", value: "96  a=1" }, { key: "flag" }, {
    key: "",
    value: "odd",
  }]);
});

Deno.test("parseSdp() ignores e=, p=, z=, k=, r= and unknown line types", () => {
  const sd = parseSdp(
    crlf("v=0", "e=a@b.c", "p=+1 555", "z=0 0", "k=clear:x", "t=0 0", "r=7d 1h 0 25h", "x=unknown", "s=S"),
  );
  assert.equal(sd.sessionName, "S");
  assert.deepEqual(sd.times, ["0 0"]);
  assert.deepEqual(sd.attributes, []);
});

Deno.test("parseSdp() accepts an upper-case line type", () => {
  assert.equal(parseSdp("V=0\r\nS=Upper\r\n").sessionName, "Upper");
});

Deno.test("parseSdp() reads a non-numeric v= as 0", () => {
  assert.equal(parseSdp("v=x\r\ns=a\r\n").version, 0);
  assert.equal(parseSdp("v=1\r\ns=a\r\n").version, 1);
});

const hopeless = [
  { name: "an empty body", raw: "" },
  { name: "only whitespace", raw: " \r\n\t\r\n" },
  { name: "plain text", raw: "hello world\nthis is not sdp" },
  { name: "only unknown line types", raw: "x=1\r\ny=2\r\n" },
  { name: "binary bytes", raw: "\u0000\u0001\u0002\uffff" },
  { name: "an m= line without a protocol", raw: "v=0\r\nm=video 0\r\n" },
  { name: "an m= line with a non-numeric port", raw: "v=0\r\nm=video abc RTP/AVP 96\r\n" },
  { name: "an m= line with a negative port", raw: "v=0\r\nm=video -1 RTP/AVP 96\r\n" },
];

for (const c of hopeless) {
  Deno.test(`parseSdp() throws SyntaxError on ${c.name}`, () => {
    assert.throws(
      () => parseSdp(c.raw),
      (e: unknown) => e instanceof SyntaxError && /^Cannot parse SDP: /.test(e.message),
    );
  });
}

Deno.test("parseSdp() accepts invalid UTF-8 bytes when some lines are valid", () => {
  const bytes = new Uint8Array([...new TextEncoder().encode("v=0\r\ns=A\r\n"), 0xff, 0xc0, 0x0d, 0x0a]);
  assert.equal(parseSdp(bytes).sessionName, "A");
});
