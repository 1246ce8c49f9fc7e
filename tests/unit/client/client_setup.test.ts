/** SETUP offers and answers, the first transport, and ANNOUNCE bodies. */
import assert from "node:assert/strict";
import {
  acceptedTransport,
  announcedSdp,
  initialTransport,
  offerTransport,
  udpPeerOf,
} from "../../../src/client/client_setup.ts";
import { newResponse } from "../../../src/wire/rtsp/format.ts";
import { formatTransport, parseTransport } from "../../../src/wire/rtsp/headers/transport.ts";
import { RtspError } from "../../../src/wire/rtsp/rtsp_error.ts";
import { mediaControl } from "../../../src/wire/sdp/media_format.ts";
import { parseSdp } from "../../../src/wire/sdp/parse.ts";

Deno.test("initialTransport: automatic starts with UDP only on plain TCP carriers", () => {
  const cases: [Parameters<typeof initialTransport>, "tcp" | "udp"][] = [
    [["automatic", "tcp", false], "udp"],
    [["automatic", "tcp", true], "tcp"],
    [["automatic", "tls", false], "tcp"],
    [["automatic", "http", false], "tcp"],
    [["automatic", "websocket", false], "tcp"],
    [["tcp", "tcp", false], "tcp"],
    [["udp", "tcp", false], "udp"],
    [["udp", "tls", false], "udp"],
  ];
  for (const [args, want] of cases) assert.equal(initialTransport(...args), want, args.join(","));
  assert.throws(() => initialTransport("udp", "websocket", false), /tunnel/);
});

Deno.test("offerTransport: interleaved 2i-2i+1, client ports, mode=record only when publishing", () => {
  const cases: [ReturnType<typeof offerTransport>, string][] = [
    [offerTransport(0, "tcp", "play"), "RTP/AVP/TCP;unicast;interleaved=0-1"],
    [offerTransport(3, "tcp", "record"), "RTP/AVP/TCP;unicast;interleaved=6-7;mode=record"],
    [offerTransport(1, "udp", "play", [40000, 40001]), "RTP/AVP;unicast;client_port=40000-40001"],
    [
      offerTransport(1, "udp", "record", [40000, 40001]),
      "RTP/AVP;unicast;client_port=40000-40001;mode=record",
    ],
  ];
  for (const [spec, want] of cases) assert.equal(formatTransport(spec), want);
  assert.throws(() => offerTransport(128, "tcp", "play"), RangeError);
  assert.throws(() => offerTransport(0, "udp", "play"), RangeError);
});

Deno.test("acceptedTransport: the server's choice, 461 for a TCP answer to UDP or for multicast", () => {
  const offer = offerTransport(0, "udp", "play", [40000, 40001]);
  const res = (t?: string) => newResponse(200, t === undefined ? {} : { Transport: t });
  const answer = acceptedTransport(
    res("RTP/AVP;unicast;client_port=40000-40001;server_port=8000-8001"),
    offer,
  );
  assert.deepEqual(answer.serverPort, [8000, 8001]);
  const status = (t?: string) => {
    try {
      acceptedTransport(res(t), offer);
      return 200;
    } catch (e) {
      assert.ok(e instanceof RtspError);
      return e.status;
    }
  };
  assert.equal(status("RTP/AVP/TCP;unicast;interleaved=0-1"), 461, "Hikvision answers UDP with TCP");
  assert.equal(status("RTP/AVP;multicast;destination=224.1.0.1;port=8002-8003"), 461);
  assert.equal(status(undefined), 400);
});

Deno.test("udpPeerOf: source= wins over the RTSP peer; server_port absent, 0 or 1 means any port", () => {
  const peer = (t: string) => udpPeerOf(parseTransport(t), "192.0.2.1");
  assert.deepEqual(peer("RTP/AVP;unicast;server_port=8000-8001"), {
    hostname: "192.0.2.1",
    rtpPort: 8000,
    rtcpPort: 8001,
    anyPort: false,
  });
  assert.equal(peer("RTP/AVP;unicast;source=192.0.2.9;server_port=8000-8001").hostname, "192.0.2.9");
  for (const t of ["RTP/AVP;unicast", "RTP/AVP;unicast;server_port=0-1", "RTP/AVP;unicast;server_port=1"]) {
    assert.deepEqual(peer(t), {
      hostname: "192.0.2.1",
      rtpPort: undefined,
      rtcpPort: undefined,
      anyPort: true,
    }, t);
  }
});

Deno.test("announcedSdp: text kept when every media has a control, trackID=<i> added otherwise", () => {
  const withControls = "v=0\r\ns=x\r\nm=video 0 RTP/AVP 96\r\na=control:streamid=0\r\n";
  assert.equal(announcedSdp(withControls).text, withControls);

  const original = parseSdp(
    "v=0\r\ns=x\r\nm=video 0 RTP/AVP 96\r\nm=audio 0 RTP/AVP 0\r\na=control:audio\r\n",
  );
  const { text, sdp } = announcedSdp(original);
  assert.deepEqual(sdp.medias.map(mediaControl), ["trackID=0", "audio"]);
  assert.match(text, /m=video 0 RTP\/AVP 96\r\na=control:trackID=0\r\n/);
  assert.equal(mediaControl(original.medias[0]), undefined, "the caller's SDP is not modified");
  assert.throws(() => announcedSdp("v=0\r\ns=x\r\n"), RangeError);
});
