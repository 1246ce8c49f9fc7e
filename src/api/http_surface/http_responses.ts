/** The answers MediaMTX's HTTP surfaces (API, metrics) share, as its gin router writes them. */

/** Compact JSON as Go's encoder writes it (`<`, `>`, `&` escaped), `application/json; charset=utf-8`. */
export function jsonResponse(status: number, body: unknown, headers: Headers): Response {
  const text = JSON.stringify(body).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  headers.set("Content-Type", "application/json; charset=utf-8");
  return new Response(text, { status, headers });
}

/** gin's default answer for a missing route (also a wrong method): plain `404 page not found`. */
export function notFoundResponse(headers: Headers): Response {
  headers.set("Content-Type", "text/plain");
  return new Response("404 page not found", { status: 404, headers });
}
