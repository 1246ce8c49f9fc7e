import type { RtspRequest } from "../wire/rtsp/mod.ts";
import { RtspError } from "../wire/rtsp/mod.ts";
import type { SdpMedia } from "../wire/sdp/mod.ts";
import { SrtpContext } from "../wire/srtp/mod.ts";
import {
  checkMikeyTime,
  createMikeyMessage,
  formatMikeyKeyMgmt,
  KEY_MGMT_ATTRIBUTE,
  parseKeyMgmtAttribute,
  parseMikey,
  parseMikeyKeyMgmt,
} from "../wire/mikey/mod.ts";
import type { MikeyMessage } from "../wire/mikey/mod.ts";

/** A context that decrypts what the peer sends, keyed by its MIKEY message, with its ROCs. */
export function contextFromMikey(msg: MikeyMessage): SrtpContext {
  const ctx = new SrtpContext(msg.key);
  for (const s of msg.srtpStreams) ctx.setRoc(s.ssrc, s.roc);
  return ctx;
}

/**
 * The peer's own SRTP key for a media (RFC 4567): the SETUP `KeyMgmt` header first, then
 * the media's `a=key-mgmt` in the ANNOUNCE SDP. Undefined when neither is present; 400 when
 * one is present but unusable.
 */
export function peerKey(req: RtspRequest, announced?: SdpMedia): MikeyMessage | undefined {
  try {
    const header = req.headers.get("KeyMgmt");
    let msg: MikeyMessage | undefined;
    if (header !== undefined) msg = parseMikeyKeyMgmt(header).message;
    else {
      const attr = announced?.attributes.find((a) => a.key.toLowerCase() === KEY_MGMT_ATTRIBUTE);
      if (attr?.value !== undefined) msg = parseMikey(parseKeyMgmtAttribute(attr.value));
    }
    if (msg !== undefined) checkMikeyTime(msg, Date.now());
    return msg;
  } catch (e) {
    throw new RtspError(400, `invalid KeyMgmt header: ${(e as Error).message}`, { cause: e });
  }
}

/** A fresh key of the server for what it sends in one session (its receiver reports to a publisher). */
export function newSessionKey(ssrc: number): { ctx: SrtpContext; keyMgmt: (uri: string) => string } {
  const key = crypto.getRandomValues(new Uint8Array(30));
  const msg = createMikeyMessage(key, [{ ssrc, roc: 0 }], Date.now());
  return { ctx: new SrtpContext(key), keyMgmt: (uri) => formatMikeyKeyMgmt(uri, msg) };
}

/** The `KeyMgmt` header value announcing a stream media's key. */
export function streamKeyMgmt(uri: string, msg: MikeyMessage): string {
  return formatMikeyKeyMgmt(uri, msg);
}
