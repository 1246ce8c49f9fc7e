/**
 * MediaMTX's Prometheus text for `/metrics`, printed from the same status objects the control API
 * serves. Layout, as MediaMTX writes it: each block starts with a plain comment line (`# Paths`,
 * `# RTSP sessions (deprecated)`, …) and ends with a blank line; one line per item and family,
 * `name{k="v",…} value`, label keys in alphabetical order; no `# HELP` / `# TYPE` lines.
 */

import type { ApiPath, ApiRtspConn, ApiRtspSession, StatusSource } from "../api/mod.ts";
import type { MetricsFilter } from "./metrics_filter.ts";
import { NO_METRICS_FILTER } from "./metrics_filter.ts";

type Labels = Record<string, string>;

/** One block of a group: its header, the lines of one item, and the lines when the list is empty. */
interface Block<T> {
  header: string;
  lines(item: T): string[];
  zero: string[];
}

/** Formats every running server's status as MediaMTX's `/metrics` body. */
export function formatMetrics(status: StatusSource, filter: MetricsFilter = NO_METRICS_FILTER): string {
  const out: string[] = [];
  if (wanted(filter, "paths", filter.path)) {
    writeGroup(out, status.paths(), filter.path, (p) => p.name, PATH_BLOCKS);
  }
  for (const secure of [false, true]) {
    const prefix = secure ? "rtsps" : "rtsp";
    const conns = status.rtspConns(secure);
    const connSelector = secure ? filter.rtspsConn : filter.rtspConn;
    if (conns !== undefined && wanted(filter, `${prefix}_conns`, connSelector)) {
      writeGroup(out, conns, connSelector, (c) => c.id, connBlocks(prefix));
    }
    const sessions = status.rtspSessions(secure);
    const sessionSelector = secure ? filter.rtspsSession : filter.rtspSession;
    if (sessions !== undefined && wanted(filter, `${prefix}_sessions`, sessionSelector)) {
      writeGroup(out, sessions, sessionSelector, (s) => s.id, sessionBlocks(prefix));
    }
  }
  return out.join("");
}

/** MediaMTX's rule: the type matches (or is unset), and either no selector is set or this one is. */
function wanted(filter: MetricsFilter, type: string, selector: string): boolean {
  return (filter.type === "" || filter.type === type) && (!filter.anySelector || selector !== "");
}

/**
 * Writes the blocks of one list. A non-empty list always gets its headers, even when the selector
 * matches nothing (as MediaMTX); an empty list gets zero lines, unless a selector asks for an item.
 */
function writeGroup<T>(
  out: string[],
  items: readonly T[],
  selector: string,
  keyOf: (item: T) => string,
  blocks: readonly Block<T>[],
): void {
  if (items.length === 0 && selector !== "") return;
  for (const block of blocks) {
    out.push(`# ${block.header}\n`);
    if (items.length === 0) {
      for (const name of block.zero) out.push(`${name} 0\n`);
    } else {
      for (const item of items) {
        if (selector === "" || keyOf(item) === selector) out.push(...block.lines(item));
      }
    }
    out.push("\n");
  }
}

// --- paths ------------------------------------------------------------------------------------------

function pathLabels(p: ApiPath): Labels {
  return { name: p.name, state: p.ready ? "ready" : "notReady" };
}

/** One `paths_readers` line per reader type (sorted), or one with `readerType=""` and 0. */
function readerLines(p: ApiPath, labels: Labels): string[] {
  const byType = new Map<string, number>();
  for (const r of p.readers) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
  if (byType.size === 0) return [line("paths_readers", { ...labels, readerType: "" }, 0)];
  return [...byType.keys()].sort(compareText).map((type) =>
    line("paths_readers", { ...labels, readerType: type }, byType.get(type) ?? 0)
  );
}

const PATH_BLOCKS: readonly Block<ApiPath>[] = [
  {
    header: "Paths",
    lines(p) {
      const l = pathLabels(p);
      return [
        line("paths", l, 1),
        ...readerLines(p, l),
        line("paths_inbound_bytes", l, p.inboundBytes),
        line("paths_outbound_bytes", l, p.outboundBytes),
        line("paths_inbound_frames_in_error", l, p.inboundFramesInError),
      ];
    },
    zero: ["paths", "paths_inbound_bytes", "paths_outbound_bytes", "paths_inbound_frames_in_error"],
  },
  {
    header: "Paths (deprecated)",
    lines(p) {
      const l = pathLabels(p);
      return [line("paths_bytes_received", l, p.bytesReceived), line("paths_bytes_sent", l, p.bytesSent)];
    },
    // MediaMTX prints the empty-list `paths_readers 0` here, under the deprecated header.
    zero: ["paths_bytes_received", "paths_bytes_sent", "paths_readers"],
  },
];

// --- RTSP(S) connections and sessions ---------------------------------------------------------------

function connBlocks(prefix: string): Block<ApiRtspConn>[] {
  const title = prefix.toUpperCase();
  const n = (suffix: string) => `${prefix}_conns${suffix}`;
  return [
    {
      header: `${title} connections`,
      lines: (c) => {
        const l = { id: c.id };
        return [
          line(n(""), l, 1),
          line(n("_inbound_bytes"), l, c.inboundBytes),
          line(n("_outbound_bytes"), l, c.outboundBytes),
        ];
      },
      zero: [n(""), n("_inbound_bytes"), n("_outbound_bytes")],
    },
    {
      header: `${title} connections (deprecated)`,
      lines: (c) => {
        const l = { id: c.id };
        return [line(n("_bytes_received"), l, c.bytesReceived), line(n("_bytes_sent"), l, c.bytesSent)];
      },
      zero: [n("_bytes_received"), n("_bytes_sent")],
    },
  ];
}

/** Session families in MediaMTX's order: name suffix, value, and whether it is a float. */
type SessionFamily = [suffix: string, value: (s: ApiRtspSession) => number, float?: boolean];

const SESSION_FAMILIES: readonly SessionFamily[] = [
  ["_inbound_bytes", (s) => s.inboundBytes],
  ["_inbound_rtp_packets", (s) => s.inboundRTPPackets],
  ["_inbound_rtp_packets_lost", (s) => s.inboundRTPPacketsLost],
  ["_inbound_rtp_packets_in_error", (s) => s.inboundRTPPacketsInError],
  ["_inbound_rtp_packets_jitter", (s) => s.inboundRTPPacketsJitter, true],
  ["_inbound_rtcp_packets", (s) => s.inboundRTCPPackets],
  ["_inbound_rtcp_packets_in_error", (s) => s.inboundRTCPPacketsInError],
  ["_outbound_bytes", (s) => s.outboundBytes],
  ["_outbound_rtp_packets", (s) => s.outboundRTPPackets],
  ["_outbound_rtp_packets_reported_lost", (s) => s.outboundRTPPacketsReportedLost],
  ["_outbound_rtp_packets_discarded", (s) => s.outboundRTPPacketsDiscarded],
  ["_outbound_rtcp_packets", (s) => s.outboundRTCPPackets],
];

const DEPRECATED_SESSION_FAMILIES: readonly SessionFamily[] = [
  ["_bytes_received", (s) => s.bytesReceived],
  ["_bytes_sent", (s) => s.bytesSent],
  ["_rtp_packets_received", (s) => s.rtpPacketsReceived],
  ["_rtp_packets_sent", (s) => s.rtpPacketsSent],
  ["_rtp_packets_lost", (s) => s.rtpPacketsLost],
  ["_rtp_packets_in_error", (s) => s.rtpPacketsInError],
  ["_rtp_packets_jitter", (s) => s.rtpPacketsJitter, true],
  ["_rtcp_packets_received", (s) => s.rtcpPacketsReceived],
  ["_rtcp_packets_sent", (s) => s.rtcpPacketsSent],
  ["_rtcp_packets_in_error", (s) => s.rtcpPacketsInError],
];

function sessionBlocks(prefix: string): Block<ApiRtspSession>[] {
  const title = prefix.toUpperCase();
  const base = `${prefix}_sessions`;
  const labels = (s: ApiRtspSession): Labels => ({
    id: s.id,
    path: s.path,
    remoteAddr: s.remoteAddr,
    state: s.state,
  });
  const familyLines = (families: readonly SessionFamily[]) => (s: ApiRtspSession) => {
    const l = labels(s);
    return families.map(([suffix, value, float]) =>
      float ? floatLine(base + suffix, l, value(s)) : line(base + suffix, l, value(s))
    );
  };
  return [
    {
      header: `${title} sessions`,
      lines: (s) => [line(base, labels(s), 1), ...familyLines(SESSION_FAMILIES)(s)],
      zero: [base, ...SESSION_FAMILIES.map(([suffix]) => base + suffix)],
    },
    {
      header: `${title} sessions (deprecated)`,
      lines: familyLines(DEPRECATED_SESSION_FAMILIES),
      zero: DEPRECATED_SESSION_FAMILIES.map(([suffix]) => base + suffix),
    },
  ];
}

// --- lines ------------------------------------------------------------------------------------------

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `{a="x",b="y"}` with keys sorted. MediaMTX writes values as they are; every value it can hold
 * (path names, UUIDs, addresses, states) is free of `\`, `"` and newlines, and for safety those three
 * are escaped as the text format requires, so an odd value can never break a scraper.
 */
function formatLabels(labels: Labels): string {
  const keys = Object.keys(labels).sort(compareText);
  const pairs = keys.map((k) =>
    `${k}="${labels[k].replace(/[\\"\n]/g, (c) => c === "\n" ? "\\n" : `\\${c}`)}"`
  );
  return `{${pairs.join(",")}}`;
}

/** An integer sample (counters are whole numbers; anything else is truncated). */
function line(name: string, labels: Labels, value: number): string {
  return `${name}${formatLabels(labels)} ${formatInteger(value)}\n`;
}

function floatLine(name: string, labels: Labels, value: number): string {
  return `${name}${formatLabels(labels)} ${formatFloat(value)}\n`;
}

/** Decimal digits of an integer, without exponent even above 2^53. */
export function formatInteger(value: number): string {
  if (!Number.isFinite(value)) return "0";
  const n = Math.trunc(value);
  return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
}

/**
 * The shortest decimal that reads back as `value`, never in exponent form (Go's
 * `strconv.FormatFloat(v, 'f', -1, 64)`): `0`, `12.5`, `0.0000001`. Non-finite values are written as
 * Prometheus spells them (`NaN`, `+Inf`, `-Inf`).
 */
export function formatFloat(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "+Inf" : "-Inf";
  const text = String(value);
  const e = text.indexOf("e");
  if (e < 0) return text;
  // Move the decimal point of the shortest mantissa by the exponent.
  const negative = text.startsWith("-");
  const mantissa = text.slice(negative ? 1 : 0, e);
  const exponent = Number(text.slice(e + 1));
  const dot = mantissa.indexOf(".");
  const digits = mantissa.replace(".", "");
  const point = (dot < 0 ? mantissa.length : dot) + exponent;
  let out: string;
  if (point <= 0) out = `0.${"0".repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + "0".repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${out}` : out;
}
