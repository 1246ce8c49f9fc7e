import assert from "node:assert/strict";
import {
  formatTransport,
  formatTransports,
  parseTransport,
  parseTransports,
  type TransportSpec,
} from "../../../../../src/wire/rtsp/headers/transport.ts";
import { prng } from "../../../../_helpers/fuzz.ts";

interface Case {
  name: string;
  raw: string;
  value: TransportSpec[];
  /** Formatting gives back `raw` exactly. */
  canonical?: true;
}

const CASES: Case[] = [
  {
    name: "ffmpeg 5.1 UDP play",
    raw: "RTP/AVP/UDP;unicast;client_port=5000-5001",
    value: [{
      profile: "AVP",
      lower: "UDP",
      delivery: "unicast",
      clientPort: [5000, 5001],
      raw: "RTP/AVP/UDP;unicast;client_port=5000-5001",
    }],
  },
  {
    name: "ffmpeg 5.1 UDP record",
    raw: "RTP/AVP/UDP;unicast;client_port=5000-5001;mode=record",
    value: [{
      profile: "AVP",
      lower: "UDP",
      delivery: "unicast",
      clientPort: [5000, 5001],
      mode: "record",
      raw: "RTP/AVP/UDP;unicast;client_port=5000-5001;mode=record",
    }],
  },
  {
    name: "ffmpeg 5.1 TCP",
    raw: "RTP/AVP/TCP;unicast;interleaved=0-1",
    value: [{
      profile: "AVP",
      lower: "TCP",
      delivery: "unicast",
      interleaved: [0, 1],
      raw: "RTP/AVP/TCP;unicast;interleaved=0-1",
    }],
    canonical: true,
  },
  {
    name: "GStreamer 1.22 rtspsrc list",
    raw: "RTP/AVP;unicast;client_port=45678-45679,RTP/AVP/TCP;unicast;interleaved=0-1",
    value: [
      {
        profile: "AVP",
        lower: "UDP",
        delivery: "unicast",
        clientPort: [45678, 45679],
        raw: "RTP/AVP;unicast;client_port=45678-45679",
      },
      {
        profile: "AVP",
        lower: "TCP",
        delivery: "unicast",
        interleaved: [0, 1],
        raw: "RTP/AVP/TCP;unicast;interleaved=0-1",
      },
    ],
    canonical: true,
  },
  {
    name: "GStreamer 1.22 rtspclientsink upper-case RECORD",
    raw: "RTP/AVP;unicast;client_port=55000-55001;mode=RECORD",
    value: [{
      profile: "AVP",
      lower: "UDP",
      delivery: "unicast",
      clientPort: [55000, 55001],
      mode: "record",
      raw: "RTP/AVP;unicast;client_port=55000-55001;mode=RECORD",
    }],
  },
  {
    name: "server UDP reply",
    raw: "RTP/AVP;unicast;client_port=5000-5001;server_port=8000-8001;ssrc=0A1B2C3D",
    value: [{
      profile: "AVP",
      lower: "UDP",
      delivery: "unicast",
      clientPort: [5000, 5001],
      serverPort: [8000, 8001],
      ssrc: 0x0a1b2c3d,
      raw: "RTP/AVP;unicast;client_port=5000-5001;server_port=8000-8001;ssrc=0A1B2C3D",
    }],
    canonical: true,
  },
  {
    name: "server multicast reply",
    raw: "RTP/AVP;multicast;destination=224.1.0.1;port=8002-8003;ttl=16",
    value: [{
      profile: "AVP",
      lower: "UDP",
      delivery: "multicast",
      destination: "224.1.0.1",
      port: [8002, 8003],
      ttl: 16,
      raw: "RTP/AVP;multicast;destination=224.1.0.1;port=8002-8003;ttl=16",
    }],
    canonical: true,
  },
  {
    name: "SRTP over TCP with record mode",
    raw: "RTP/SAVP/TCP;unicast;interleaved=2-3;mode=record",
    value: [{
      profile: "SAVP",
      lower: "TCP",
      delivery: "unicast",
      interleaved: [2, 3],
      mode: "record",
      raw: "RTP/SAVP/TCP;unicast;interleaved=2-3;mode=record",
    }],
    canonical: true,
  },
  {
    name: "SRTP over UDP, explicit lower transport",
    raw: "RTP/SAVP/UDP;unicast;client_port=6000-6001",
    value: [{
      profile: "SAVP",
      lower: "UDP",
      delivery: "unicast",
      clientPort: [6000, 6001],
      raw: "RTP/SAVP/UDP;unicast;client_port=6000-6001",
    }],
  },
  {
    name: "camera with quoted PLAY mode",
    raw: 'RTP/AVP;unicast;client_port=6970-6971;mode="PLAY"',
    value: [{
      profile: "AVP",
      lower: "UDP",
      delivery: "unicast",
      clientPort: [6970, 6971],
      mode: "play",
      raw: 'RTP/AVP;unicast;client_port=6970-6971;mode="PLAY"',
    }],
  },
  {
    name: "single interleaved channel means a pair",
    raw: "RTP/AVP/TCP;interleaved=0",
    value: [{ profile: "AVP", lower: "TCP", interleaved: [0, 1], raw: "RTP/AVP/TCP;interleaved=0" }],
  },
  {
    name: "spaces around separators",
    raw: " RTP/AVP ; unicast ; client_port = 5000 - 5001 ; ssrc = 1234abcd ",
    value: [{
      profile: "AVP",
      lower: "UDP",
      delivery: "unicast",
      clientPort: [5000, 5001],
      ssrc: 0x1234abcd,
      raw: "RTP/AVP ; unicast ; client_port = 5000 - 5001 ; ssrc = 1234abcd",
    }],
  },
  {
    name: "decimal-looking ssrc is hex",
    raw: "RTP/AVP;unicast;client_port=5000-5001;ssrc=12345678",
    value: [{
      profile: "AVP",
      lower: "UDP",
      delivery: "unicast",
      clientPort: [5000, 5001],
      ssrc: 0x12345678,
      raw: "RTP/AVP;unicast;client_port=5000-5001;ssrc=12345678",
    }],
  },
  {
    name: "Darwin / ffmpeg -listen receive mode, single client port",
    raw: "RTP/AVP/UDP;unicast;client_port=7000;mode=receive",
    value: [{
      profile: "AVP",
      lower: "UDP",
      delivery: "unicast",
      clientPort: [7000, 7001],
      mode: "record",
      raw: "RTP/AVP/UDP;unicast;client_port=7000;mode=receive",
    }],
  },
  {
    name: "source and destination, unknown params ignored",
    raw: "RTP/AVP;unicast;destination=10.0.0.5;source=10.0.0.1;append;layers=1;RTCP-mux;x-dynamic-rate=1",
    value: [{
      profile: "AVP",
      lower: "UDP",
      delivery: "unicast",
      destination: "10.0.0.5",
      source: "10.0.0.1",
      raw: "RTP/AVP;unicast;destination=10.0.0.5;source=10.0.0.1;append;layers=1;RTCP-mux;x-dynamic-rate=1",
    }],
  },
  {
    name: "unknown protocol is skipped, the next spec is used",
    raw: "RAW/RAW/UDP;unicast;client_port=1-2,RTP/AVP/TCP;unicast;interleaved=4-5",
    value: [{
      profile: "AVP",
      lower: "TCP",
      delivery: "unicast",
      interleaved: [4, 5],
      raw: "RTP/AVP/TCP;unicast;interleaved=4-5",
    }],
  },
  {
    name: "comma inside a quoted value does not split",
    raw: 'RTP/AVP;unicast;x-note="a,b";client_port=5000-5001',
    value: [{
      profile: "AVP",
      lower: "UDP",
      delivery: "unicast",
      clientPort: [5000, 5001],
      raw: 'RTP/AVP;unicast;x-note="a,b";client_port=5000-5001',
    }],
  },
  {
    name: "lower-case profile from an old camera",
    raw: "rtp/avp;unicast;client_port=5000-5001",
    value: [{
      profile: "AVP",
      lower: "UDP",
      delivery: "unicast",
      clientPort: [5000, 5001],
      raw: "rtp/avp;unicast;client_port=5000-5001",
    }],
  },
];

for (const c of CASES) {
  Deno.test(`parseTransports: ${c.name}`, () => {
    assert.deepEqual(parseTransports(c.raw), c.value);
    if (c.canonical) assert.equal(formatTransports(c.value), c.raw);
    // Formatting then parsing keeps every field (the raw text aside).
    for (const spec of c.value) {
      const again = parseTransport(formatTransport(spec));
      assert.deepEqual({ ...again, raw: "" }, { ...spec, raw: "" });
    }
  });
}

Deno.test("parseTransports rejects a header with no usable spec", () => {
  const bad: [string, RegExp][] = [
    ["", /no transport spec/],
    ["RAW/RAW/UDP", /unsupported protocol "RAW\/RAW\/UDP"/],
    ["RTP/AVP;client_port=abc", /invalid client_port "abc"/],
    ["RTP/AVP;client_port=70000-70001", /invalid client_port/],
    ["RTP/AVP;client_port=65535", /invalid client_port/],
    ["RTP/AVP/TCP;interleaved=256-257", /invalid interleaved/],
    // Leniency gortsplib does not have: port 0, descending ranges.
    ["RTP/AVP;unicast;client_port=0-0", /invalid client_port "0-0"/],
    ["RTP/AVP;unicast;client_port=0", /invalid client_port "0": port 0/],
    ["RTP/AVP;unicast;client_port=5-4", /invalid client_port "5-4": descending range/],
    ["RTP/AVP/TCP;unicast;interleaved=1-0", /invalid interleaved "1-0": descending range/],
    ["RTP/AVP;ssrc=123456789", /invalid ssrc/],
    ["RTP/AVP;ssrc=xyz", /invalid ssrc/],
    ["RTP/AVP;ttl=300", /invalid ttl/],
    ["RTP/AVP;mode=teardown", /invalid mode/],
    ["RTP/AVP;destination=a b", /invalid destination/],
  ];
  for (const [raw, why] of bad) {
    assert.throws(() => parseTransports(raw), (e: unknown) => {
      assert.ok(e instanceof SyntaxError, raw);
      assert.match(e.message, /^Cannot parse Transport header: /);
      assert.match(e.message, why);
      return true;
    });
  }
});

Deno.test("formatTransport writes ssrc as 8 upper-case hex digits and refuses bad values", () => {
  const base: TransportSpec = { profile: "AVP", lower: "UDP", raw: "" };
  assert.equal(formatTransport({ ...base, ssrc: 0xab }), "RTP/AVP;ssrc=000000AB");
  assert.equal(formatTransport({ ...base, ssrc: 0xffffffff }), "RTP/AVP;ssrc=FFFFFFFF");
  assert.equal(formatTransport({ ...base, mode: "play" }), "RTP/AVP;mode=play");
  assert.throws(() => formatTransport({ ...base, ssrc: 2 ** 32 }), RangeError);
  assert.throws(() => formatTransport({ ...base, clientPort: [70000, 70001] }), RangeError);
  assert.throws(() => formatTransport({ ...base, destination: "1.2.3.4;ttl=1" }), RangeError);
});

Deno.test("parseTransports fuzz: only SyntaxError escapes", () => {
  const pieces = [
    "RTP/AVP",
    "/TCP",
    "/UDP",
    ";",
    ",",
    "=",
    "unicast",
    "client_port",
    "interleaved",
    "ssrc",
    "mode",
    '"',
    "-",
    "1",
    "99999",
    " ",
    "a",
  ];
  const rand = prng(3);
  for (let i = 0; i < 5000; i++) {
    let s = "";
    for (let n = Math.floor(rand() * 12); n > 0; n--) s += pieces[Math.floor(rand() * pieces.length)];
    try {
      for (const spec of parseTransports(s)) parseTransport(formatTransport(spec));
    } catch (e) {
      assert.ok(e instanceof SyntaxError, `${s}: ${e}`);
    }
  }
});
