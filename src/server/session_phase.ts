import { RtspError } from "../wire/rtsp/mod.ts";
import type { SdpMedia } from "../wire/sdp/mod.ts";
import type { Delivery, SessionConn, SessionTransport } from "./delivery.ts";
import type { ServerSession } from "./server_session.ts";
import type { PublisherHandle, ReaderHandle, RtpStart, StreamPublisher } from "./stream_port.ts";

/** RTSP session states (RFC 2326 appendix A.2, as MediaMTX names them). */
export type SessionState = "initial" | "prePlay" | "play" | "preRecord" | "record";

/** The methods that act on a session's state. */
export type SessionMethod = "ANNOUNCE" | "SETUP" | "PLAY" | "RECORD" | "PAUSE" | "TEARDOWN" | "GET_PARAMETER";

/** What a method does in a state: the next state ("closed" after TEARDOWN), or the refusal. */
export type Transition = SessionState | "closed" | { status: number; message: string };

const STATES: readonly SessionState[] = ["initial", "prePlay", "play", "preRecord", "record"];

function refused(method: SessionMethod, state: SessionState): Transition {
  return { status: 400, message: `${method} is not valid in state ${state}` };
}

/** Builds one row: `valid` lists the states where the method is allowed and where it leads. */
function row(
  method: SessionMethod,
  valid: Partial<Record<SessionState, SessionState | "closed">>,
  refusal: (state: SessionState) => Transition = (state) => refused(method, state),
): Record<SessionState, Transition> {
  return Object.fromEntries(STATES.map((s) => [s, valid[s] ?? refusal(s)])) as Record<
    SessionState,
    Transition
  >;
}

/**
 * The session state machine (gortsplib's checkState): method × state → next state or refusal.
 * "initial" is also where a request without a session starts (ANNOUNCE or a first SETUP create it).
 * SETUP reads in "initial"/"prePlay" and records in "preRecord"; its mode follows the state.
 */
export const TRANSITIONS: Readonly<Record<SessionMethod, Readonly<Record<SessionState, Transition>>>> = {
  ANNOUNCE: row("ANNOUNCE", { initial: "preRecord" }),
  SETUP: row("SETUP", { initial: "prePlay", prePlay: "prePlay", preRecord: "preRecord" }),
  PLAY: row("PLAY", { prePlay: "play", play: "play" }),
  RECORD: row("RECORD", { preRecord: "record" }),
  // Pausing twice is harmless; rtspclientsink pauses a recording before TEARDOWN.
  PAUSE: row(
    "PAUSE",
    { prePlay: "prePlay", play: "prePlay", preRecord: "preRecord", record: "preRecord" },
    () => ({ status: 400, message: "PAUSE is not valid before SETUP" }),
  ),
  TEARDOWN: row("TEARDOWN", {
    initial: "closed",
    prePlay: "closed",
    play: "closed",
    preRecord: "closed",
    record: "closed",
  }),
  GET_PARAMETER: row("GET_PARAMETER", {
    initial: "initial",
    prePlay: "prePlay",
    play: "play",
    preRecord: "preRecord",
    record: "record",
  }),
};

/** The state `method` leads to from `state`; throws the table's RtspError when it is not valid there. */
export function checkTransition(method: SessionMethod, state: SessionState): SessionState | "closed" {
  const t = TRANSITIONS[method][state];
  if (typeof t === "object") throw new RtspError(t.status, t.message);
  return t;
}

/** What a reader's session holds: its path, its reader handle, how packets travel. */
interface ReaderFields {
  readonly reader: ReaderHandle;
  readonly delivery: Delivery;
  readonly path: string;
  readonly query: string;
}

/** What a publisher's session holds: its path, the announced SDP and its publisher handle. */
interface PublisherFields {
  readonly publisher: PublisherHandle;
  readonly announced: { readonly medias: SdpMedia[]; readonly url: string };
  readonly path: string;
  readonly query: string;
}

/** A session's state and the fields that exist in it. */
export type SessionPhase =
  | { readonly state: "initial" }
  | ({ readonly state: "prePlay" | "play" } & ReaderFields)
  | (
    & { readonly state: "preRecord"; readonly delivery?: Delivery; readonly input?: StreamPublisher }
    & PublisherFields
  )
  | (
    & { readonly state: "record"; readonly delivery: Delivery; readonly input: StreamPublisher }
    & PublisherFields
  );

/** A connection that can carry a session's interleaved packets (TCP transport). */
export interface CarrierConn extends SessionConn {
  /** The session whose interleaved packets travel on this connection. */
  readonly tcpSession: ServerSession | undefined;
  /** Makes this connection carry `session`'s interleaved packets. */
  carry(session: ServerSession): void;
}

/** What PLAY started: the RTP-Info starts by media index, and what the log line names. */
export interface PlayStarted {
  starts: (RtpStart | undefined)[];
  reader: ReaderHandle;
  path: string;
  transport: SessionTransport;
}

/** What RECORD started: whether it resumed a paused publisher, and what the log line names. */
export interface RecordStarted {
  resumed: boolean;
  announced: readonly SdpMedia[];
  path: string;
  transport: SessionTransport;
}
