import { ApiRouter, type ApiRouterOptions } from "./api_router.ts";
import { HttpSurfaceListener, type HttpSurfaceListenerOptions } from "./http_surface/mod.ts";

/** Options of the control API listener (`api*` keys, as plain values) and of its router. */
interface ApiServerOptions extends ApiRouterOptions {
  /** `{hostname, port}` (port 0 picks a free one) or `{path}` of a Unix socket (`apiAddress: unix://…`). */
  address: HttpSurfaceListenerOptions["address"];
  /** `apiEncryption`: HTTPS with these files (`apiServerCert`, `apiServerKey`). */
  tls?: { certFile: string; keyFile: string };
}

/** MediaMTX's control API v3 on its own listener (`apiAddress`, default :9997). */
export class ApiServer extends HttpSurfaceListener {
  /** Opens the listener; throws when the address is taken or a TLS file cannot be read. */
  constructor(opts: ApiServerOptions) {
    super({
      address: opts.address,
      tls: opts.tls,
      handler: new ApiRouter(opts).handle,
      log: opts.log.with("[API]"),
    });
  }
}
