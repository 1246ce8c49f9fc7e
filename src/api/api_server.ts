import type { Logger } from "../log/logger.ts";
import { HttpListener } from "../transport/http_listener.ts";
import { ApiRouter, type ApiRouterOptions } from "./api_router.ts";

/** Options of the control API listener (`api*` keys, as plain values) and of its router. */
interface ApiServerOptions extends ApiRouterOptions {
  /** `{hostname, port}` (port 0 picks a free one) or `{path}` of a Unix socket (`apiAddress: unix://…`). */
  address: { hostname: string; port: number } | { path: string };
  /** `apiEncryption`: HTTPS with these files (`apiServerCert`, `apiServerKey`). */
  tls?: { certFile: string; keyFile: string };
}

/** MediaMTX's control API v3 on its own listener (`apiAddress`, default :9997), as `MetricsServer` for `/metrics`. */
export class ApiServer implements AsyncDisposable {
  readonly #listener: HttpListener;
  readonly #log: Logger;

  /** Opens the listener; throws when the address is taken or a TLS file cannot be read. */
  constructor(opts: ApiServerOptions) {
    this.#log = opts.log.with("[API]");
    const router = new ApiRouter(opts);
    this.#listener = HttpListener.start({
      address: opts.address,
      tls: opts.tls,
      handler: router.handle,
      onError: (e) => this.#log.error(e instanceof Error ? e.message : String(e)),
    });
    this.#log.info(`listener opened on ${this.#listener.address}`);
  }

  /** The bound TCP port (0 on a Unix socket). */
  get port(): number {
    return this.#listener.port;
  }

  /** Closes the listener. */
  async close(): Promise<void> {
    this.#log.info("listener is closing");
    await this.#listener.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
