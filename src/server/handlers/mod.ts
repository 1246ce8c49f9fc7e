import { RtspError } from "../../wire/rtsp/mod.ts";
import type { RequestContext, RequestHandler, RequestResult } from "./request_context.ts";
import { handleOptions } from "./options.ts";
import { handleDescribe } from "./describe.ts";
import { handleAnnounce } from "./announce.ts";
import { handleSetup } from "./setup.ts";
import { handlePlay } from "./play.ts";
import { handleRecord } from "./record.ts";
import { handlePause } from "./pause.ts";
import { handleGetParameter } from "./get_parameter.ts";
import { handleTeardown } from "./teardown.ts";

export type { RequestContext, RequestResult } from "./request_context.ts";

const HANDLERS: Record<string, RequestHandler> = {
  OPTIONS: handleOptions,
  DESCRIBE: handleDescribe,
  ANNOUNCE: handleAnnounce,
  SETUP: handleSetup,
  PLAY: handlePlay,
  RECORD: handleRecord,
  PAUSE: handlePause,
  GET_PARAMETER: handleGetParameter,
  TEARDOWN: handleTeardown,
};

/** Runs the handler of the request's method; 501 for methods the server does not implement. */
export function dispatchRequest(rc: RequestContext): Promise<RequestResult> {
  const handler = HANDLERS[rc.req.method];
  if (handler === undefined) {
    // SET_PARAMETER, REDIRECT and unknown methods: MediaMTX answers 501 (gortsplib's server behaviour; RFC 2326 §11.3.1).
    return Promise.reject(new RtspError(501, `method ${rc.req.method} is not implemented`));
  }
  return handler(rc);
}
