/**
 * A bounded, loopback-only load check for issue 10: starts the server in a child process (with
 * a low descriptor limit, as an attacker would meet on a small box), then runs each attack and
 * prints the server's open descriptors and whether a new client is still served.
 *
 *   deno run -A scripts/attack.ts [--root=DIR] [--conns=300] [--ulimit=256] [--cases=flood,slowloris,tls]
 *
 * `--root` runs another checkout's main.ts (e.g. an older commit exported with `git archive`), to
 * compare before and after a fix. Cases:
 *   flood      `conns` TCP connections that send nothing
 *   slowloris  `conns` connections trickling a request head, one byte every second
 *   tls        `conns` RTSPS connections sending 11 bytes of a ClientHello, then nothing
 * Each case counts descriptors and probes RTSP and RTSPS with fresh clients 0.5 s into the attack
 * and again after readTimeout (3 s here) + 3 s, counts the attack connections the server has
 * closed, and closes everything before the next case. Loopback only; at most 2000 connections.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import net from "node:net";
import tls from "node:tls";

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    root: { type: "string" },
    conns: { type: "string" },
    ulimit: { type: "string" },
    cases: { type: "string" },
  },
});
const ROOT = flags.root ?? fileURLToPath(new URL("../", import.meta.url));
const CONNS = Math.min(Number(flags.conns ?? 300), 2000);
const ULIMIT = Number(flags.ulimit ?? 256);
const CASES = (flags.cases ?? "flood,slowloris,tls").split(",");
const HOST = "127.0.0.1";
const READ_TIMEOUT_S = 3;
const enc = new TextEncoder();

/** Six consecutive ports from an even base (RTP ports must be even), free right now. */
function freePorts(): number[] {
  for (;;) {
    const base = 40000 + 2 * Math.floor(Math.random() * 9000);
    const ports = [0, 1, 2, 3, 4, 5].map((i) => base + i);
    try {
      for (const port of ports) {
        Deno.listen({ hostname: HOST, port }).close();
        Deno.listenDatagram({ hostname: HOST, port, transport: "udp" }).close();
      }
      return ports;
    } catch {
      // taken: try another base
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function makeCert(dir: string): Promise<void> {
  const out = await new Deno.Command("openssl", {
    args: [
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
      ...[
        "-keyout",
        `${dir}/server.key`,
        "-out",
        `${dir}/server.crt`,
        "-days",
        "2",
        "-subj",
        "/CN=localhost",
      ],
      ...[
        "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-addext",
        "basicConstraints=critical,CA:FALSE",
      ],
    ],
    stdout: "null",
    stderr: "null",
  }).output();
  if (!out.success) throw new Error("openssl failed");
}

/** Open descriptors of `pid` (Linux /proc). */
function fds(pid: number): number {
  let n = 0;
  for (const _ of Deno.readDirSync(`/proc/${pid}/fd`)) n++;
  return n;
}

/**
 * Whether a fresh client, from `from` (127.0.0.2: another host than the attacker's 127.0.0.1,
 * still loopback), gets `200` to OPTIONS within 3 s.
 */
function served(port: number, secure: boolean, ca: string, from = "127.0.0.2"): Promise<string> {
  return new Promise((resolve) => {
    const raw = net.connect({ host: HOST, port, localAddress: from });
    const sock: net.Socket = secure ? tls.connect({ socket: raw, ca, servername: "localhost" }) : raw;
    let text = "";
    const done = (result: string) => {
      clearTimeout(timer);
      sock.destroy();
      raw.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done("no (no answer in 3 s)"), 3000);
    sock.on(secure ? "secureConnect" : "connect", () => {
      sock.write(`OPTIONS rtsp://${HOST}:${port}/x RTSP/1.0\r\nCSeq: 1\r\n\r\n`);
    });
    sock.on("data", (d: Uint8Array) => {
      text += new TextDecoder().decode(d);
      if (text.includes("\r\n")) {
        done(text.startsWith("RTSP/1.0 200") ? "yes" : `no (${text.split("\r\n")[0]})`);
      }
    });
    sock.on("error", (e: Error) => done(`no (${e.message.slice(0, 60)})`));
    sock.on("close", () => done("no (closed)"));
  });
}

/** The probes of one report line: RTSP and RTSPS from another IP, RTSP from the attacker's IP. */
async function probes(pid: number, rtsp: number, rtsps: number, ca: string): Promise<string> {
  return `fds=${fds(pid)} rtsp=${await served(rtsp, false, ca)} rtsps=${await served(rtsps, true, ca)} ` +
    `rtsp-same-ip=${await served(rtsp, false, ca, HOST)}`;
}

/** Opens up to `CONNS` connections (stops at the first refusal: the client has limits too). */
async function openMany(port: number, first: Uint8Array | undefined): Promise<Deno.Conn[]> {
  const conns: Deno.Conn[] = [];
  for (let i = 0; i < CONNS; i++) {
    try {
      const c = await Deno.connect({ hostname: HOST, port });
      if (first !== undefined) await c.write(first).catch(() => 0);
      conns.push(c);
    } catch {
      break;
    }
  }
  return conns;
}

/** Counts connections the server has closed (a read returns EOF or fails within 50 ms). */
async function closedByServer(conns: Deno.Conn[]): Promise<number> {
  const buf = new Uint8Array(4096);
  const results = await Promise.all(conns.map(async (c) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const open = new Promise<boolean>((r) => timer = setTimeout(() => r(false), 50));
    const drained = (async () => {
      for (;;) {
        const n = await c.read(buf).catch(() => null);
        if (n === null) return true;
      }
    })();
    const closed = await Promise.race([drained, open]);
    clearTimeout(timer);
    return closed;
  }));
  return results.filter(Boolean).length;
}

async function main(): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "rtsp-attack-" });
  await makeCert(dir);
  const ca = await Deno.readTextFile(`${dir}/server.crt`);
  const [rtp, rtcp, srtp, srtcp, rtsp, rtsps] = freePorts();
  const cfg = `${dir}/mediamtx.yml`;
  await Deno.writeTextFile(
    cfg,
    [
      "logLevel: warn",
      `readTimeout: ${READ_TIMEOUT_S}s`,
      `rtspAddress: ${HOST}:${rtsp}`,
      `rtspsAddress: ${HOST}:${rtsps}`,
      `rtpAddress: ${HOST}:${rtp}`,
      `rtcpAddress: ${HOST}:${rtcp}`,
      `srtpAddress: ${HOST}:${srtp}`,
      `srtcpAddress: ${HOST}:${srtcp}`,
      "rtspEncryption: optional",
      `rtspServerCert: ${dir}/server.crt`,
      `rtspServerKey: ${dir}/server.key`,
      "paths:",
      "  all_others:",
    ].join("\n"),
  );
  const child = new Deno.Command("sh", {
    args: ["-c", `ulimit -n ${ULIMIT} && exec "${Deno.execPath()}" run -A "${ROOT}/main.ts" "${cfg}"`],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const serverLog: string[] = [];
  const collect = async (s: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const bytes of s) serverLog.push(decoder.decode(bytes, { stream: true }));
  };
  const logsDone = Promise.all([collect(child.stdout), collect(child.stderr)]);
  try {
    const deadline = Date.now() + 15_000;
    while ((await served(rtsp, false, ca, HOST)) !== "yes") {
      if (Date.now() > deadline) throw new Error(`server did not start:\n${serverLog.join("")}`);
      await sleep(200);
    }
    console.log(
      `server ${ROOT} pid ${child.pid}, ulimit -n ${ULIMIT}, readTimeout ${READ_TIMEOUT_S}s, ${CONNS} conns`,
    );
    console.log(`idle     : ${await probes(child.pid, rtsp, rtsps, ca)}`);
    for (const kind of CASES) {
      let conns: Deno.Conn[] = [];
      let trickling = false;
      let trickler: Promise<void> | undefined;
      if (kind === "flood") conns = await openMany(rtsp, undefined);
      else if (kind === "tls") {
        conns = await openMany(rtsps, new Uint8Array([0x16, 3, 1, 0, 0xc8, 1, 0, 0, 0xc4, 3, 3]));
      } else if (kind === "slowloris") {
        conns = await openMany(rtsp, enc.encode(`OPTIONS rtsp://${HOST}/x RTSP/1.0\r\nCSeq: 1\r\n`));
        trickling = true;
        trickler = (async () => {
          while (trickling) {
            await Promise.all(conns.map((c) => c.write(enc.encode("X")).catch(() => 0)));
            await sleep(1000);
          }
        })();
      } else throw new Error(`unknown case ${kind}`);
      const t0 = performance.now();
      await sleep(500); // let the server accept the backlog before counting its descriptors
      const during = await probes(child.pid, rtsp, rtsps, ca);
      await sleep(Math.max(0, (READ_TIMEOUT_S + 3) * 1000 - (performance.now() - t0)));
      const after = await probes(child.pid, rtsp, rtsps, ca);
      trickling = false;
      await trickler;
      const closed = await closedByServer(conns);
      console.log(
        `${kind.padEnd(9)}: opened ${conns.length}\n  at once   : ${during}\n  after ${
          READ_TIMEOUT_S + 3
        } s : ${after}` +
          `\n  closed by the server: ${closed}/${conns.length}`,
      );
      for (const c of conns) {
        try {
          c.close();
        } catch {
          // already closed
        }
      }
      await sleep(1000);
    }
  } finally {
    try {
      child.kill("SIGTERM");
    } catch {
      // already gone
    }
    await child.status;
    await logsDone;
    await Deno.remove(dir, { recursive: true });
  }
  const notable = serverLog.join("").split("\n").filter((l) => /ERR|WAR/.test(l));
  const counts = new Map<string, number>();
  for (const l of notable) {
    const key = l.replace(/^\S+ \S+ /, "").replace(/\d+\.\d+\.\d+\.\d+:\d+/g, "*").slice(0, 100);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  for (const [k, n] of counts) console.log(`  server log ×${n}: ${k}`);
}

await main();
