/**
 * A protocol failure that carries the RTSP status to answer with.
 *
 * Thrown anywhere below the connection handler and turned into a response in one
 * place (the server connection), so handlers never build error responses by hand.
 */
export class RtspError extends Error {
  /** RTSP status code to answer with, e.g. 400, 454, 461. */
  readonly status: number;
  /** Close the connection after answering (e.g. wrong credentials). */
  readonly close: boolean;
  /** Headers the answer must carry (e.g. `WWW-Authenticate` with a 401). */
  readonly headers: readonly [string, string][];

  constructor(
    status: number,
    message: string,
    options?: { cause?: unknown; close?: boolean; headers?: readonly [string, string][] },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "RtspError";
    this.status = status;
    this.close = options?.close ?? false;
    this.headers = options?.headers ?? [];
  }
}
