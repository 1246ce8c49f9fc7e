/**
 * The RTSP session state machine, method by method and state by state, without sockets: requests
 * go through `dispatchRequest` with a fake ServerContext, a fake PathManagerPort and a fake
 * connection. The expectations are literal tables: changing a transition fails this test.
 */
import assert from "node:assert/strict";
import { dispatchRequest } from "../../../src/server/handlers/mod.ts";
import { ServerSession } from "../../../src/server/server_session.ts";
import type { CarrierConn } from "../../../src/server/server_session.ts";
import type { ServerConn } from "../../../src/server/server_conn.ts";
import type { RtspServerOptions, ServerContext } from "../../../src/server/server_context.ts";
import type {
  PathManagerPort,
  PublisherHandle,
  ReaderHandle,
  StreamMediaInfo,
} from "../../../src/server/stream_port.ts";
import { TRANSITIONS } from "../../../src/server/session_phase.ts";
import type { SessionMethod, SessionState, Transition } from "../../../src/server/session_phase.ts";
import { Logger } from "../../../src/log/logger.ts";
import { RtspHeaders } from "../../../src/wire/rtsp/headers.ts";
import { RtspError } from "../../../src/wire/rtsp/rtsp_error.ts";
import { parseSdp } from "../../../src/wire/sdp/mod.ts";
import { FakeClock } from "../../_helpers/fake_clock.ts";

const SDP = new TextEncoder().encode(
  [
    "v=0",
    "o=- 0 0 IN IP4 127.0.0.1",
    "s=No Name",
    "c=IN IP4 127.0.0.1",
    "t=0 0",
    "m=video 0 RTP/AVP 96",
    "a=rtpmap:96 H264/90000",
    "a=fmtp:96 packetization-mode=1",
    "a=control:streamid=0",
    "m=audio 0 RTP/AVP 0",
    "a=rtpmap:0 PCMU/8000",
    "a=control:streamid=1",
    "",
  ].join("\r\n"),
);
const URL = "rtsp://127.0.0.1:8554/s";

/** What a test world records: the calls the session made on its reader and publisher. */
interface World {
  ctx: ServerContext;
  conn: FakeConn;
  calls: string[];
}

/** The connection as handlers and sessions use it (a TCP connection on loopback). */
class FakeConn implements CarrierConn {
  readonly remote = { transport: "tcp", hostname: "127.0.0.1", port: 40000 } as const;
  readonly stream = { kind: "tcp", secure: false };
  readonly uuid = crypto.randomUUID();
  readonly nonce = "nonce";
  readonly sessions = new Set<ServerSession>();
  readonly writer = { enqueue: () => true } as unknown as CarrierConn["writer"];
  pendingSession: ServerSession | undefined;
  tcpSession: ServerSession | undefined;
  closed = false;
  attach(session: ServerSession): void {
    this.sessions.add(session);
    session.conns.add(this);
  }
  adopt(session: ServerSession): void {
    this.attach(session);
    this.pendingSession = session;
  }
  carry(session: ServerSession): void {
    this.tcpSession = session;
  }
  release(session: ServerSession): void {
    this.sessions.delete(session);
    if (this.tcpSession === session) this.tcpSession = undefined;
    if (this.pendingSession === session) this.pendingSession = undefined;
  }
  close(): void {
    this.closed = true;
  }
}

function newWorld(): World {
  const calls: string[] = [];
  const sdpMedias = parseSdp(SDP).medias;
  const medias: StreamMediaInfo[] = sdpMedias.map((media, i) => ({
    media,
    ssrc: 1000 + i,
    clockRate: 90000,
    rtpTimeAt: () => undefined,
    srtpMikey: () => {
      throw new Error("no SRTP in this test");
    },
    encryptRtcp: (p) => p,
  }));
  const reader: ReaderHandle = {
    medias,
    fanOut: { attach: () => [], detach: () => {} },
    play: (_sink, indexes) => {
      calls.push(`play ${indexes.join(",")}`);
      return indexes.map(() => ({ seq: 1, rtptime: 2 }));
    },
    pause: () => calls.push("pause"),
    remove: () => calls.push("reader removed"),
  };
  const publisher: PublisherHandle = {
    start: () => {
      calls.push("publisher started");
      return { writeRtp: () => {} };
    },
    remove: () => calls.push("publisher removed"),
  };
  const pathManager: PathManagerPort = {
    checkPath: () => {},
    describe: () => Promise.reject(new RtspError(404, "no stream")),
    addReader: () => Promise.resolve(reader),
    addPublisher: () => Promise.resolve(publisher),
  };
  const log = new Logger("error", () => {});
  const options: RtspServerOptions = {
    label: "RTSP",
    hostname: "127.0.0.1",
    port: 8554,
    transports: ["tcp"],
    readTimeoutMs: 10_000,
    writeTimeoutMs: 10_000,
    writeQueueSize: 512,
    sessionTimeoutMs: 60_000,
    pathManager,
    log,
  };
  const ctx: ServerContext = {
    options,
    log,
    clock: new FakeClock(),
    rtcpReportIntervalMs: 10_000,
    udp: undefined,
    sessions: new Map(),
    srtp: false,
    allows: (t) => t === "tcp",
    multicastSenderFor: () => Promise.reject(new RtspError(461, "no multicast")),
    multicastAddressFor: () => undefined,
  };
  return { ctx, conn: new FakeConn(), calls };
}

type Request = readonly [method: string, url: string, headers?: Record<string, string>, body?: Uint8Array];

/** The requests of each method this test sends (SETUP twice: for reading and for recording). */
type Probe = SessionMethod | "SETUP(play)" | "SETUP(record)";

const PROBES: Record<Exclude<Probe, "SETUP">, Request> = {
  "ANNOUNCE": ["ANNOUNCE", URL, { "Content-Type": "application/sdp" }, SDP],
  "SETUP(play)": ["SETUP", `${URL}/trackID=1`, {
    Transport: "RTP/AVP/TCP;unicast;interleaved=2-3;mode=play",
  }],
  "SETUP(record)": ["SETUP", `${URL}/streamid=1`, {
    Transport: "RTP/AVP/TCP;unicast;interleaved=2-3;mode=record",
  }],
  "PLAY": ["PLAY", `${URL}/`],
  "RECORD": ["RECORD", `${URL}/`],
  "PAUSE": ["PAUSE", `${URL}/`],
  "TEARDOWN": ["TEARDOWN", `${URL}/`],
  "GET_PARAMETER": ["GET_PARAMETER", `${URL}/`],
};

/** Requests that bring a fresh connection's session into each state. */
const SCENARIOS: Record<string, Request[]> = {
  "no session": [],
  "prePlay": [["SETUP", `${URL}/trackID=0`, { Transport: "RTP/AVP/TCP;unicast;interleaved=0-1" }]],
  "play": [
    ["SETUP", `${URL}/trackID=0`, { Transport: "RTP/AVP/TCP;unicast;interleaved=0-1" }],
    ["PLAY", `${URL}/`],
  ],
  "preRecord (one of two medias set up)": [
    PROBES.ANNOUNCE,
    ["SETUP", `${URL}/streamid=0`, { Transport: "RTP/AVP/TCP;unicast;interleaved=0-1;mode=record" }],
  ],
  "preRecord (every media set up)": [
    PROBES.ANNOUNCE,
    ["SETUP", `${URL}/streamid=0`, { Transport: "RTP/AVP/TCP;unicast;interleaved=0-1;mode=record" }],
    PROBES["SETUP(record)"],
  ],
  "record": [
    PROBES.ANNOUNCE,
    ["SETUP", `${URL}/streamid=0`, { Transport: "RTP/AVP/TCP;unicast;interleaved=0-1;mode=record" }],
    PROBES["SETUP(record)"],
    ["RECORD", `${URL}/`],
  ],
};

/** Sends one request as ServerConn does (the session named by `Session`), returns status and log text. */
async function send(w: World, [method, url, headers, body]: Request, session?: ServerSession) {
  const h = new RtspHeaders({ CSeq: "1", ...headers });
  if (session !== undefined) h.set("Session", session.id);
  try {
    const result = await dispatchRequest({
      ctx: w.ctx,
      conn: w.conn as unknown as ServerConn,
      req: { method, url, version: "RTSP/1.0", headers: h, body: body ?? new Uint8Array() },
      session,
    });
    result.after?.();
    return { status: result.response.statusCode, error: "" };
  } catch (e) {
    if (!(e instanceof RtspError)) throw e;
    return { status: e.status, error: e.message };
  }
}

/** Expected answer and next state ("closed": torn down; "none": still no session). */
type Outcome = readonly [status: number, next: SessionState | "closed" | "none", error?: string];

const EXPECTED: Record<string, Record<Exclude<Probe, "SETUP">, Outcome>> = {
  "no session": {
    "ANNOUNCE": [200, "preRecord"],
    "SETUP(play)": [200, "prePlay"],
    "SETUP(record)": [400, "none", "transport mode is record, but the session reads"],
    "PLAY": [501, "none", "PLAY without a Session header"],
    "RECORD": [501, "none", "RECORD without a Session header"],
    "PAUSE": [501, "none", "PAUSE without a Session header"],
    "TEARDOWN": [501, "none", "TEARDOWN without a Session header"],
    "GET_PARAMETER": [501, "none", "GET_PARAMETER is only supported inside a session"],
  },
  "prePlay": {
    "ANNOUNCE": [400, "prePlay", "ANNOUNCE is not valid in state prePlay"],
    "SETUP(play)": [200, "prePlay"],
    "SETUP(record)": [400, "prePlay", "transport mode is record, but the session reads"],
    "PLAY": [200, "play"],
    "RECORD": [400, "prePlay", "RECORD is not valid in state prePlay"],
    "PAUSE": [200, "prePlay"],
    "TEARDOWN": [200, "closed"],
    "GET_PARAMETER": [200, "prePlay"],
  },
  "play": {
    "ANNOUNCE": [400, "play", "ANNOUNCE is not valid in state play"],
    "SETUP(play)": [400, "play", "SETUP is not valid in state play"],
    "SETUP(record)": [400, "play", "SETUP is not valid in state play"],
    "PLAY": [200, "play"],
    "RECORD": [400, "play", "RECORD is not valid in state play"],
    "PAUSE": [200, "prePlay"],
    "TEARDOWN": [200, "closed"],
    "GET_PARAMETER": [200, "play"],
  },
  "preRecord (one of two medias set up)": {
    "ANNOUNCE": [400, "preRecord", "ANNOUNCE is not valid in state preRecord"],
    "SETUP(play)": [400, "preRecord", "transport mode is play, but the session records"],
    "SETUP(record)": [200, "preRecord"],
    "PLAY": [400, "preRecord", "PLAY is not valid in state preRecord"],
    "RECORD": [400, "preRecord", "not all announced medias have been setup"],
    "PAUSE": [200, "preRecord"],
    "TEARDOWN": [200, "closed"],
    "GET_PARAMETER": [200, "preRecord"],
  },
  "preRecord (every media set up)": {
    "ANNOUNCE": [400, "preRecord", "ANNOUNCE is not valid in state preRecord"],
    "SETUP(play)": [400, "preRecord", "transport mode is play, but the session records"],
    "SETUP(record)": [400, "preRecord", "media has already been set up"],
    "PLAY": [400, "preRecord", "PLAY is not valid in state preRecord"],
    "RECORD": [200, "record"],
    "PAUSE": [200, "preRecord"],
    "TEARDOWN": [200, "closed"],
    "GET_PARAMETER": [200, "preRecord"],
  },
  "record": {
    "ANNOUNCE": [400, "record", "ANNOUNCE is not valid in state record"],
    "SETUP(play)": [400, "record", "SETUP is not valid in state record"],
    "SETUP(record)": [400, "record", "SETUP is not valid in state record"],
    "PLAY": [400, "record", "PLAY is not valid in state record"],
    "RECORD": [400, "record", "RECORD is not valid in state record"],
    "PAUSE": [200, "preRecord"],
    "TEARDOWN": [200, "closed"],
    "GET_PARAMETER": [200, "record"],
  },
};

for (const [scenario, steps] of Object.entries(SCENARIOS)) {
  for (const [probe, request] of Object.entries(PROBES) as [Exclude<Probe, "SETUP">, Request][]) {
    const [status, next, error] = EXPECTED[scenario][probe];
    Deno.test(`${probe} in ${scenario}: ${status}, then ${next}`, async () => {
      const w = newWorld();
      for (const step of steps) {
        const r = await send(w, step, w.conn.pendingSession);
        assert.deepStrictEqual(r, { status: 200, error: "" }, `${scenario}: ${step[0]} ${step[1]}`);
      }
      const before = w.conn.pendingSession;
      const r = await send(w, request, before);
      assert.deepStrictEqual(r, { status, error: error ?? "" });
      const session = w.conn.pendingSession ?? before;
      const state = session === undefined ? "none" : session.closed ? "closed" : session.state;
      assert.deepStrictEqual(state, next);
      // A refused request changes nothing: the session is still the server's, and still this connection's.
      if (status !== 200 && session !== undefined) {
        assert.deepStrictEqual(w.ctx.sessions.get(session.id), session);
      }
    });
  }
}

Deno.test("the session releases its reader or publisher exactly once, whatever ends it", async () => {
  for (const [scenario, steps] of Object.entries(SCENARIOS)) {
    if (steps.length === 0) continue;
    const w = newWorld();
    for (const step of steps) await send(w, step, w.conn.pendingSession);
    await send(w, PROBES.TEARDOWN, w.conn.pendingSession);
    w.conn.pendingSession?.close("again");
    const removed = w.calls.filter((c) => c.endsWith("removed"));
    assert.deepStrictEqual(removed, [
      scenario.startsWith("pre") && !scenario.startsWith("prePlay") || scenario === "record"
        ? "publisher removed"
        : "reader removed",
    ], scenario);
    assert.deepStrictEqual(w.conn.pendingSession, undefined, scenario);
    assert.deepStrictEqual(w.conn.tcpSession, undefined, scenario);
  }
});

Deno.test("PAUSE of a reader pauses its stream; PLAY again plays the set-up medias; RECORD again resumes", async () => {
  const w = newWorld();
  for (const step of SCENARIOS.play) await send(w, step, w.conn.pendingSession);
  await send(w, PROBES.PAUSE, w.conn.pendingSession);
  await send(w, PROBES.PLAY, w.conn.pendingSession);
  assert.deepStrictEqual(w.calls, ["play 0", "pause", "play 0"]);
  assert.deepStrictEqual(w.conn.tcpSession, w.conn.pendingSession);

  const p = newWorld();
  for (const step of SCENARIOS.record) await send(p, step, p.conn.pendingSession);
  await send(p, PROBES.PAUSE, p.conn.pendingSession);
  await send(p, PROBES.RECORD, p.conn.pendingSession);
  assert.deepStrictEqual(p.calls, ["publisher started"]); // resumed: the stream carries on
  assert.deepStrictEqual(p.conn.pendingSession?.state, "record");
});

/** The transition table itself, literally: the single source of truth the handlers check. */
const TABLE: Record<SessionMethod, Record<SessionState, SessionState | "closed" | number>> = {
  ANNOUNCE: { initial: "preRecord", prePlay: 400, play: 400, preRecord: 400, record: 400 },
  SETUP: { initial: "prePlay", prePlay: "prePlay", play: 400, preRecord: "preRecord", record: 400 },
  PLAY: { initial: 400, prePlay: "play", play: "play", preRecord: 400, record: 400 },
  RECORD: { initial: 400, prePlay: 400, play: 400, preRecord: "record", record: 400 },
  PAUSE: { initial: 400, prePlay: "prePlay", play: "prePlay", preRecord: "preRecord", record: "preRecord" },
  TEARDOWN: { initial: "closed", prePlay: "closed", play: "closed", preRecord: "closed", record: "closed" },
  GET_PARAMETER: {
    initial: "initial",
    prePlay: "prePlay",
    play: "play",
    preRecord: "preRecord",
    record: "record",
  },
};

Deno.test("TRANSITIONS: every method in every state", () => {
  const flat = (t: Transition) => typeof t === "object" ? t.status : t;
  const actual = Object.fromEntries(
    Object.entries(TRANSITIONS).map((
      [m, row],
    ) => [m, Object.fromEntries(Object.entries(row).map(([s, t]) => [s, flat(t)]))]),
  );
  assert.deepStrictEqual(actual, TABLE);
  assert.deepStrictEqual(TRANSITIONS.PAUSE.initial, {
    status: 400,
    message: "PAUSE is not valid before SETUP",
  });
  assert.deepStrictEqual(TRANSITIONS.PLAY.record, {
    status: 400,
    message: "PLAY is not valid in state record",
  });
});
