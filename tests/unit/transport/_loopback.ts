/**
 * Loopback sockets for transport tests: a listener that runs `acceptCarrier` on every
 * connection (as the server's accept loop will), raw clients that speak bytes, and a client bound
 * to another loopback address. Everything is disposable and closes every socket it made.
 */
import net from "node:net";
import { type ByteStream, DenoConnStream } from "../../../src/transport/byte_stream.ts";
import { acceptCarrier, type TunnelContext, TunnelRegistry } from "../../../src/transport/sniff.ts";
import { withTimeout } from "../../_helpers/wait.ts";

const enc = new TextEncoder();
const dec = new TextDecoder("latin1");

/** Anything with a `closed` promise (the tunnel adapters). */
function closedOf(s: ByteStream): Promise<void> | undefined {
  return (s as { closed?: Promise<void> }).closed;
}

/** Settings of a `CarrierServer`. */
export interface CarrierServerOptions extends Partial<Omit<TunnelContext, "registry">> {
  pairTimeoutMs?: number;
  /** PEM certificate and key: listen with TLS. */
  tls?: { cert: string; key: string };
}

/** A loopback listener whose connections go through `acceptCarrier`. */
export class CarrierServer implements AsyncDisposable {
  readonly port: number;
  readonly registry: TunnelRegistry;
  /** Why connections were refused, in order. */
  readonly rejects: string[] = [];
  /** What each `acceptCarrier` call resolved to, in settling order. */
  readonly settled: (ByteStream | undefined)[] = [];
  #listener: Deno.Listener;
  #raw: ByteStream[] = [];
  #carriers: ByteStream[] = [];
  #waiters: ((s: ByteStream) => void)[] = [];
  #ready: ByteStream[] = [];
  #tasks: Promise<void>[] = [];
  #loop: Promise<void>;

  constructor(opts: CarrierServerOptions = {}) {
    this.registry = new TunnelRegistry({ pairTimeoutMs: opts.pairTimeoutMs });
    const ctx: TunnelContext = {
      ...opts,
      registry: this.registry,
      onReject: (reason) => this.rejects.push(reason),
    };
    const listener = opts.tls === undefined
      ? Deno.listen({ hostname: "127.0.0.1", port: 0 })
      : Deno.listenTls({ hostname: "127.0.0.1", port: 0, cert: opts.tls.cert, key: opts.tls.key });
    this.#listener = listener;
    this.port = (listener.addr as Deno.NetAddr).port;
    const kind = opts.tls === undefined ? "tcp" : "tls";
    this.#loop = (async () => {
      for await (const conn of listener) {
        const raw = new DenoConnStream(conn, kind);
        this.#raw.push(raw);
        this.#tasks.push(
          acceptCarrier(raw, ctx).then((s) => {
            this.settled.push(s);
            if (s === undefined) return;
            this.#carriers.push(s);
            const w = this.#waiters.shift();
            if (w !== undefined) w(s);
            else this.#ready.push(s);
          }),
        );
      }
    })().catch(() => {});
  }

  /** The next carrier `acceptCarrier` resolved with (not the undefined ones). */
  next(timeoutMs = 5000): Promise<ByteStream> {
    const ready = this.#ready.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return withTimeout(
      new Promise((resolve) => this.#waiters.push(resolve)),
      timeoutMs,
      "no carrier accepted",
    );
  }

  /** A client connection to this server (TLS when the server is), tracked for disposal. */
  async connect(opts: { caCert?: string } = {}): Promise<RawClient> {
    const conn = opts.caCert === undefined
      ? await Deno.connect({ hostname: "127.0.0.1", port: this.port })
      : await Deno.connectTls({ hostname: "127.0.0.1", port: this.port, caCerts: [opts.caCert] });
    if (opts.caCert === undefined) (conn as Deno.TcpConn).setNoDelay(true);
    const client = new RawClient(new DenoConnStream(conn, opts.caCert === undefined ? "tcp" : "tls"));
    this.#raw.push(client.stream);
    return client;
  }

  /** Tracks a stream made elsewhere, so disposal closes it. */
  track<T extends ByteStream>(s: T): T {
    this.#carriers.push(s);
    return s;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.registry.close();
    this.#listener.close();
    await this.#loop;
    await Promise.all(this.#tasks);
    for (const s of [...this.#carriers, ...this.#raw]) s.close();
    await Promise.all(this.#carriers.map((s) => closedOf(s)).filter((p) => p !== undefined));
  }
}

/** A byte-level client: send text, read until something shows up, read to the end. */
export class RawClient {
  readonly stream: ByteStream;
  #buf = new Uint8Array(0);
  #eof = false;

  constructor(stream: ByteStream) {
    this.stream = stream;
  }

  /** Sends text (latin1) or bytes. */
  send(data: string | Uint8Array): Promise<void> {
    return this.stream.write(typeof data === "string" ? enc.encode(data) : data);
  }

  /** Reads until the received text contains `marker`; returns everything up to and including it. */
  async readUntil(marker: string, timeoutMs = 5000): Promise<string> {
    return await withTimeout(
      (async () => {
        while (true) {
          const text = dec.decode(this.#buf);
          const at = text.indexOf(marker);
          if (at >= 0) {
            this.#buf = this.#buf.slice(at + marker.length);
            return text.slice(0, at + marker.length);
          }
          if (!await this.#fill()) throw new Error(`EOF before "${marker}"; got ${JSON.stringify(text)}`);
        }
      })(),
      timeoutMs,
      `waiting for ${JSON.stringify(marker)}`,
    );
  }

  /** Reads exactly `n` bytes. */
  async readBytes(n: number, timeoutMs = 5000): Promise<Uint8Array> {
    return await withTimeout(
      (async () => {
        while (this.#buf.length < n) {
          if (!await this.#fill()) throw new Error(`EOF after ${this.#buf.length} of ${n} bytes`);
        }
        const out = this.#buf.slice(0, n);
        this.#buf = this.#buf.slice(n);
        return out;
      })(),
      timeoutMs,
      `waiting for ${n} bytes`,
    );
  }

  /** Whatever is buffered, or the next chunk; null at the end of the stream. */
  async readChunk(timeoutMs = 5000): Promise<Uint8Array | null> {
    return await withTimeout(
      (async () => {
        if (this.#buf.length === 0 && !await this.#fill()) return null;
        const out = this.#buf;
        this.#buf = new Uint8Array(0);
        return out;
      })(),
      timeoutMs,
      "waiting for bytes",
    );
  }

  /** Reads to the end of the stream (EOF or reset); returns what was still unread. */
  async readToEnd(timeoutMs = 5000): Promise<string> {
    return await withTimeout(
      (async () => {
        while (await this.#fill());
        const text = dec.decode(this.#buf);
        this.#buf = new Uint8Array(0);
        return text;
      })(),
      timeoutMs,
      "waiting for the connection to close",
    );
  }

  close(): void {
    this.stream.close();
  }

  async #fill(): Promise<boolean> {
    if (this.#eof) return false;
    const chunk = new Uint8Array(65536);
    let n: number | null;
    try {
      n = await this.stream.read(chunk);
    } catch {
      n = null; // a reset ends the stream as far as the test is concerned
    }
    if (n === null) {
      this.#eof = true;
      return false;
    }
    const grown = new Uint8Array(this.#buf.length + n);
    grown.set(this.#buf);
    grown.set(chunk.subarray(0, n), this.#buf.length);
    this.#buf = grown;
    return true;
  }
}

/**
 * A client connection from a chosen local address (Deno.connect cannot bind one; node:net can),
 * used to come from 127.0.0.2. Collects what it receives until the server closes.
 */
export class BoundClient implements AsyncDisposable {
  #socket: net.Socket;
  #received = "";
  #ended: Promise<void>;

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.on("data", (d: Uint8Array) => this.#received += dec.decode(d));
    this.#ended = new Promise((resolve) => socket.on("close", () => resolve()));
    socket.on("error", () => {});
  }

  /** Connects to 127.0.0.1:`port` from `localAddress`. */
  static connect(port: number, localAddress: string): Promise<BoundClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: "127.0.0.1", port, localAddress });
      socket.once("connect", () => resolve(new BoundClient(socket)));
      socket.once("error", reject);
    });
  }

  send(text: string): Promise<void> {
    return new Promise((resolve, reject) => this.#socket.write(text, (e) => e ? reject(e) : resolve()));
  }

  /** Waits until the server closes the connection; returns all that was received. */
  async received(timeoutMs = 5000): Promise<string> {
    await withTimeout(this.#ended, timeoutMs, "waiting for the server to close");
    return this.#received;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#socket.destroy();
    await this.#ended;
  }
}
