/**
 * Property check: for random servers and random queries, `/metrics` is always valid Prometheus text
 * with no duplicate series, and without a filter it has exactly one line per item and family.
 */
import { equal } from "node:assert/strict";
import { formatMetrics, parseMetricsFilter } from "../../../src/metrics/mod.ts";
import { parsePrometheusText } from "../../_helpers/prometheus.ts";
import { apiConn, apiPath, apiSession, fakeStatus } from "./_fake_status.ts";

/** A small deterministic PRNG (mulberry32), so a failure can be replayed from its seed. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAME_CHARS = "abcxyz019_-./~";
const READER_TYPES = ["rtspSession", "rtspsSession", "rtspConn", "rtmpConn", "webRTCSession"];
const STATES = ["idle", "read", "publish"] as const;

Deno.test("formatMetrics: random servers and filters always give valid, duplicate-free Prometheus text", () => {
  for (let seed = 1; seed <= 300; seed++) {
    const r = rng(seed);
    const int = (n: number) => Math.floor(r() * n);
    const pick = <T>(xs: readonly T[]) => xs[int(xs.length)];
    const counter = () => (r() < 0.2 ? 0 : int(2 ** 40));
    const names = new Set<string>();
    while (names.size < int(5)) {
      names.add(Array.from({ length: 1 + int(12) }, () => pick([...NAME_CHARS])).join(""));
    }
    const paths = [...names].sort().map((name) =>
      apiPath(name, {
        ready: r() < 0.5,
        inboundBytes: counter(),
        bytesReceived: counter(),
        readers: Array.from({ length: int(6) }, (_, i) => ({ type: pick(READER_TYPES), id: String(i) })),
      })
    );
    const list = <T>(make: (id: string) => T) =>
      r() < 0.2 ? undefined : Array.from({ length: int(4) }, () => make(crypto.randomUUID()));
    const conns = list((id) => apiConn(id, { inboundBytes: counter() }));
    const sessions = list((id) =>
      apiSession(id, {
        state: pick(STATES),
        path: pick([...names, ""]),
        inboundRTPPacketsJitter: r() < 0.3 ? 0 : r() * 10 ** (int(12) - 6),
        rtpPacketsJitter: r() * 1000,
        outboundRTPPacketsDiscarded: counter(),
      })
    );
    const secureConns = list((id) => apiConn(id));
    const secureSessions = list((id) => apiSession(id, { state: pick(STATES) }));
    const status = fakeStatus({ paths, conns, sessions, secureConns, secureSessions });

    const all = parsePrometheusText(formatMetrics(status, parseMetricsFilter(new URLSearchParams())));
    const itemLines = (
      n: number | undefined,
      families: number,
    ) => (n === undefined ? 0 : Math.max(n, 1) * families);
    const readerLines = paths.reduce(
      (sum, p) => sum + Math.max(new Set(p.readers.map((x) => x.type)).size, 1),
      0,
    );
    const expected = (paths.length === 0 ? 7 : paths.length * 6 + readerLines) +
      itemLines(conns?.length, 5) + itemLines(sessions?.length, 23) +
      itemLines(secureConns?.length, 5) + itemLines(secureSessions?.length, 23);
    equal(all.length, expected, `seed ${seed}`);

    const query = new URLSearchParams();
    if (r() < 0.5) query.set("type", pick(["paths", "rtsp_conns", "rtsp_sessions", "rtsps_sessions", "x"]));
    if (r() < 0.3) query.set("path", pick([...names, "none"]));
    if (r() < 0.3) query.set("rtsp_session", sessions?.[0]?.id ?? "none");
    parsePrometheusText(formatMetrics(status, parseMetricsFilter(query)));
  }
});
