/**
 * MediaMTX-compatible Prometheus metrics (`metrics: yes`): the text formatter over the shared
 * status objects, the `?type=&path=&rtsp_conn=…` filter, and the `/metrics` HTTP listener with
 * CORS and `metrics` authentication.
 *
 * @module
 */
export { formatFloat, formatInteger, formatMetrics } from "./metrics_format.ts";
export { type MetricsFilter, NO_METRICS_FILTER, parseMetricsFilter } from "./metrics_filter.ts";
export { createMetricsHandler, type MetricsHandlerOptions } from "./metrics_handler.ts";
export { MetricsServer, type MetricsServerOptions } from "./metrics_server.ts";
