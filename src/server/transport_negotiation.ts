import type { TransportSpec } from "../wire/rtsp/headers/mod.ts";
import { RtspError } from "../wire/rtsp/mod.ts";
import type { ServerContext } from "./server_context.ts";
import type { SessionTransport } from "./server_session.ts";

/** Where a SETUP arrives: decides which transports can be offered. */
export interface NegotiationContext {
  mode: "play" | "record";
  /** The control connection is a tunnel (HTTP, WebSocket): only interleaved works inside. */
  tunnel: boolean;
  /** The control connection is TLS (RTSPS). */
  secure: boolean;
}

/** The chosen transport spec and its kind. */
export interface Negotiated {
  spec: TransportSpec;
  kind: SessionTransport;
}

/** Why a spec cannot be used, or undefined when it can. */
function rejection(ctx: ServerContext, spec: TransportSpec, nc: NegotiationContext): string | undefined {
  if (spec.profile === "SAVP" && !nc.secure) return "SAVP needs RTSPS: keys would travel in clear";
  if (spec.profile === "SAVP" && !ctx.srtp) return "SRTP is not available on this server";
  if (spec.lower === "TCP") return ctx.allows("tcp") ? undefined : "TCP transport is disabled";
  if (nc.tunnel) return "only TCP-interleaved transport is possible inside a tunnel";
  // Clients that try plain UDP first next to a TLS control connection (GStreamer's default)
  // must fall back to an encrypted transport (GStreamer rtspsrc quirk).
  if (nc.secure && spec.profile === "AVP") return "plain RTP over UDP is refused on RTSPS";
  if (spec.delivery === "multicast") {
    // Publishing by multicast has no way to tell the server where to listen (RFC 2326 §12.39: the server chooses the group; gortsplib refuses it).
    if (nc.mode === "record") return "multicast is not supported for publishing";
    return ctx.allows("multicast") ? undefined : "multicast transport is disabled";
  }
  if (!ctx.allows("udp") || ctx.udp === undefined) return "UDP transport is disabled";
  return undefined;
}

/**
 * Picks the first acceptable spec of a `Transport` list (RFC 2326 §12.39), or throws
 * 461 Unsupported Transport with every reason, so clients that try UDP first fall back.
 */
export function negotiateTransport(
  ctx: ServerContext,
  specs: readonly TransportSpec[],
  nc: NegotiationContext,
): Negotiated {
  const reasons: string[] = [];
  for (const spec of specs) {
    const why = rejection(ctx, spec, nc);
    if (why !== undefined) {
      reasons.push(`${spec.raw}: ${why}`);
      continue;
    }
    const kind: SessionTransport = spec.lower === "TCP"
      ? "tcp"
      : spec.delivery === "multicast"
      ? "multicast"
      : "udp";
    return { spec, kind };
  }
  throw new RtspError(461, `no supported transport (${reasons.join("; ")})`);
}
