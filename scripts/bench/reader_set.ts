/**
 * Opens the load process's N reader sessions against the server: one SETUP per media and a PLAY
 * each, a few readers at a time, over UDP (a socket pair per media), TCP (interleaved), multicast
 * (one shared socket per group: on a LAN the copies are made by switches, not by the server) or the
 * HTTP tunnel; slow readers are TCP readers that stop reading after PLAY. Also the TCP floor's readers:
 * plain connections without RTSP.
 *
 * @module
 */
import type { LoadConfig } from "./load.ts";
import type { Reactor } from "./reactor.ts";
import { ReaderConn } from "./reader_conn.ts";
import { Tally, type Window } from "./tally.ts";
import { bindPairs, UdpReceiver } from "./udp_receiver.ts";

/** The open readers of a run. */
export interface ReaderSet {
  /** One per receiver: per reader, or one for all multicast readers. */
  tallies: Tally[];
  /** Local addresses of the slow readers (`127.0.0.1:port`). */
  slow: string[];
  /** Readers whose setup failed, and why (first few reasons). */
  failed: number;
  /** Reader connections that failed after PLAY (the server closed them, …), by reason. */
  closedReasons(): Record<string, number>;
  /** Sends a keepalive on every session. */
  keepalive(): void;
  close(): void;
}

/** The slow reader's socket buffer: small, so the server's writes block soon. */
const SLOW_RCVBUF = 4096;

/** Control URLs of the path's medias, from one DESCRIBE. */
async function describe(
  reactor: Reactor,
  cfg: LoadConfig,
  url: string,
  tls?: { caCerts: string[] },
): Promise<string[]> {
  const port = tls === undefined ? cfg.port! : cfg.tlsPort!;
  const conn = await ReaderConn.open(reactor, { host: cfg.host, port, bufferBytes: 16384, tls });
  try {
    for (let attempt = 0;; attempt++) {
      const res = await conn.request("DESCRIBE", url, { Accept: "application/sdp" });
      if (res.status === 200) {
        const base = res.headers.get("content-base") ?? `${url}/`;
        return [...res.body.matchAll(/^a=control:(\S+)/gm)].map((m) => m[1]).filter((c) => c !== "*")
          .map((c) => (/^rtsp:\/\//.test(c) ? c : base.replace(/\/?$/, "/") + c));
      }
      // The publisher may not have reached RECORD yet.
      if (res.status !== 404 || attempt > 50) throw new Error(`DESCRIBE answered ${res.status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    conn.close();
  }
}

/** Opens `cfg.readers` readers (and `cfg.slowReaders` slow ones); reports progress. */
export async function openReaders(
  reactor: Reactor,
  cfg: LoadConfig,
  window: Window,
  progress: (opened: number) => void,
): Promise<ReaderSet> {
  // SRTP: readers use RTSPS (keys travel in the TLS session) and receive SRTP on UDP sockets;
  // the RTP header stays in clear, so they count and time packets without decrypting.
  const srtp = cfg.mode === "srtp";
  const tls = srtp ? { caCerts: [await Deno.readTextFile(cfg.caCertFile!)] } : undefined;
  const url = srtp
    ? `rtsps://${cfg.host}:${cfg.tlsPort}/${cfg.path}`
    : `rtsp://${cfg.host}:${cfg.port}/${cfg.path}`;
  const udp = cfg.mode === "udp" || srtp;
  const controls = await describe(reactor, cfg, url, tls);
  const medias = controls.length;
  const conns: ReaderConn[] = [];
  const sockets: UdpReceiver[] = [];
  const tallies: Tally[] = [];
  const slow: string[] = [];
  const groups = new Map<string, UdpReceiver>();
  const shared = new Tally(window);
  const pairs = udp ? bindPairs(reactor, "127.0.0.1", cfg.readers * medias, cfg.udpBase ?? 20000) : [];
  for (const p of pairs) sockets.push(p.rtp, p.rtcp);
  if (cfg.mode === "multicast") tallies.push(shared);

  let failed = 0;
  const failures = new Map<string, number>();
  const openOne = async (i: number, isSlow: boolean): Promise<void> => {
    const tunnel = cfg.mode === "tunnel";
    const conn = await ReaderConn.open(reactor, {
      host: cfg.host,
      port: srtp ? cfg.tlsPort! : cfg.port!,
      bufferBytes: udp || cfg.mode === "multicast" ? 4096 : 65536,
      socketReceiveBuffer: isSlow ? SLOW_RCVBUF : undefined,
      tunnelPath: tunnel ? cfg.path : undefined,
      tls,
    });
    conns.push(conn);
    const tally = new Tally(window);
    for (let m = 0; m < medias; m++) {
      let transport: string;
      if (udp) {
        const p = pairs[i * medias + m];
        p.rtp.start((seq, t) => tally.record(m, seq, t));
        transport = `RTP/${srtp ? "SAVP" : "AVP"};unicast;client_port=${p.rtp.port}-${p.rtcp.port}`;
      } else if (cfg.mode === "multicast") {
        transport = "RTP/AVP;multicast";
      } else {
        transport = `RTP/AVP/TCP;unicast;interleaved=${2 * m}-${2 * m + 1}`;
      }
      const res = await conn.request("SETUP", controls[m], { Transport: transport });
      if (res.status !== 200) throw new Error(`SETUP ${controls[m]} answered ${res.status}`);
      if (cfg.mode === "multicast") {
        const t = res.headers.get("transport") ?? "";
        const group = /destination=([\d.]+)/.exec(t)?.[1];
        const port = Number(/port=(\d+)/.exec(t)?.[1]);
        if (group === undefined || !port) throw new Error(`no multicast group in Transport: ${t}`);
        const key = `${group}:${port}`;
        if (!groups.has(key)) {
          const r = UdpReceiver.joinGroup(reactor, group, port);
          r.start((seq, at) => shared.record(m, seq, at));
          groups.set(key, r);
          sockets.push(r);
        }
      }
    }
    if (!udp && cfg.mode !== "multicast") {
      conn.onFrame = (ch, seq, at) => {
        if ((ch & 1) === 0) tally.record(ch >> 1, seq, at);
      };
    }
    const play = await conn.request("PLAY", url, { Range: "npt=0.000-" });
    if (play.status !== 200) throw new Error(`PLAY answered ${play.status}`);
    if (isSlow) {
      conn.stopReading();
      slow.push(`127.0.0.1:${conn.localPort}`);
    } else if (cfg.mode !== "multicast") {
      tallies.push(tally);
    }
  };

  const total = cfg.readers + (cfg.slowReaders ?? 0);
  let next = 0;
  let opened = 0;
  let lastProgress = performance.now();
  // Past the deadline no new reader is opened: an overloaded server is measured with the readers it took.
  const deadline = performance.now() + (cfg.setupDeadlineS ?? 60 + 0.1 * total) * 1000;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      if (performance.now() > deadline) {
        failed++;
        failures.set("setup deadline passed", (failures.get("setup deadline passed") ?? 0) + 1);
        if (i < cfg.readers && cfg.mode !== "multicast") tallies.push(new Tally(window));
        continue;
      }
      try {
        await openOne(i, i >= cfg.readers);
        opened++;
      } catch (e) {
        // An overloaded server may refuse or drop readers: they count as receiving nothing.
        failed++;
        const why = (e as Error).message;
        failures.set(why, (failures.get(why) ?? 0) + 1);
        if (i < cfg.readers && cfg.mode !== "multicast") tallies.push(new Tally(window));
      }
      if (performance.now() - lastProgress > 2000) {
        lastProgress = performance.now();
        progress(opened);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(total, cfg.concurrency ?? 8) }, worker));
  if (failed === total) {
    for (const c of conns) c.close();
    for (const s of sockets) s.close();
    throw new Error(`no reader could be set up: ${[...failures.keys()].join("; ")}`);
  }
  return {
    tallies,
    slow,
    failed,
    closedReasons() {
      const out: Record<string, number> = Object.fromEntries(failures);
      for (const c of conns) if (c.failure !== undefined) out[c.failure] = (out[c.failure] ?? 0) + 1;
      return out;
    },
    keepalive() {
      for (const c of conns) c.fireAndForget("GET_PARAMETER", url);
    },
    close() {
      for (const c of conns) c.close();
      for (const s of sockets) s.close();
    },
  };
}

/**
 * Opens `cfg.readers` plain TCP connections to the TCP floor (no RTSP: the floor sends interleaved
 * frames to whoever connects) and resolves once every one has received data, so the floor has
 * accepted them all; readers with no data by the deadline count as failed.
 */
export async function openFloorTcpReaders(
  reactor: Reactor,
  cfg: LoadConfig,
  window: Window,
  progress: (opened: number) => void,
): Promise<ReaderSet> {
  const conns: ReaderConn[] = [];
  const tallies: Tally[] = [];
  const failures = new Map<string, number>();
  const fail = (why: string) => failures.set(why, (failures.get(why) ?? 0) + 1);
  const deadline = performance.now() + (cfg.setupDeadlineS ?? 30 + 0.05 * cfg.readers) * 1000;
  for (let i = 0; i < cfg.readers; i += 64) {
    const batch = Array.from({ length: Math.min(64, cfg.readers - i) }, async () => {
      const tally = new Tally(window);
      tallies.push(tally);
      try {
        const conn = await ReaderConn.open(reactor, { host: cfg.host, port: cfg.floorTcpPort! });
        conn.onFrame = (ch, seq, at) => {
          if ((ch & 1) === 0) tally.record(ch >> 1, seq, at);
        };
        conns.push(conn);
      } catch (e) {
        fail((e as Error).message);
      }
    });
    await Promise.all(batch);
    progress(conns.length);
  }
  let waiting = conns.filter((c) => c.bytes === 0 && c.failure === undefined);
  while (waiting.length > 0 && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    waiting = waiting.filter((c) => c.bytes === 0 && c.failure === undefined);
  }
  for (const c of waiting) {
    fail("no data from the floor before the set-up deadline");
    c.close();
  }
  const failed = cfg.readers - conns.length + waiting.length;
  if (failed === cfg.readers) {
    for (const c of conns) c.close();
    throw new Error(`no floor reader could be set up: ${[...failures.keys()].join("; ")}`);
  }
  return {
    tallies,
    slow: [],
    failed,
    closedReasons() {
      const out: Record<string, number> = Object.fromEntries(failures);
      for (const c of conns) {
        if (c.failure !== undefined && !waiting.includes(c)) out[c.failure] = (out[c.failure] ?? 0) + 1;
      }
      return out;
    },
    keepalive() {},
    close() {
      for (const c of conns) c.close();
    },
  };
}
