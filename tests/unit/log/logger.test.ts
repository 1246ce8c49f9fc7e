/** The logger's hygiene: wire text cannot forge lines, secrets in URLs and headers are redacted. */
import assert from "node:assert/strict";
import { Logger, sanitizeLogText } from "../../../src/log/logger.ts";

function capture(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: new Logger("debug", (l) => lines.push(l)), lines };
}

Deno.test("logger: userinfo of every URL is redacted", () => {
  const { log, lines } = capture();
  log.with("[RTSP] [conn 1.2.3.4:5]").info("DESCRIBE rtsp://user:s3cret@host:8554/cam: 401 wrong");
  log.error("source rtsps://admin:pa%40ss@10.0.0.1/x failed; also http://u@h/ and rtsp://host/no-userinfo");
  const all = lines.join("\n");
  assert.ok(!all.includes("s3cret") && !all.includes("pa%40ss") && !all.includes("admin"), all);
  assert.match(lines[0], /DESCRIBE rtsp:\/\/\*\*\*@host:8554\/cam: 401 wrong$/);
  assert.match(lines[1], /http:\/\/\*\*\*@h\/ and rtsp:\/\/host\/no-userinfo$/);
});

Deno.test("logger: Authorization values are redacted, the scheme stays", () => {
  const { log, lines } = capture();
  log.debug(
    'OPTIONS rtsp://h/ RTSP/1.0\nAuthorization: Basic dXNlcjpwYXNz\nCSeq: 2\nauthorization: Digest username="u", response="abc"',
  );
  const all = lines.join("\n");
  assert.ok(!all.includes("dXNlcjpwYXNz") && !all.includes('response="abc"'), all);
  assert.ok(all.includes("Authorization: Basic ***") && all.includes("authorization: Digest ***"), all);
  assert.ok(all.includes("CSeq: 2"));
});

Deno.test("logger: control characters from the wire are escaped; continuation lines are indented", () => {
  const { log, lines } = capture();
  log.with("[path a\rb]").warn("bad\r2026/01/01 00:00:00 INF forged\x00\x1b[2J end");
  assert.equal(lines.length, 1);
  assert.ok(lines[0].endsWith("[path a\\rb] bad\\r2026/01/01 00:00:00 INF forged\\0\\x1b[2J end"), lines[0]);
  log.debug("first\nsecond");
  assert.ok(lines[1].endsWith("first\n\tsecond"));
  assert.equal(sanitizeLogText("\x7f\x85"), "\\x7f\\x85");
});

Deno.test("logger: Session header ids are redacted, the parameters stay", () => {
  const { log, lines } = capture();
  log.debug("200 OK\nSession: 0123456789abcdef;timeout=60\nCSeq: 3");
  assert.ok(lines[0].includes("Session: ***;timeout=60") && !lines[0].includes("0123456789abcdef"), lines[0]);
});

Deno.test("logger: JWTs passed as ?jwt= or ?token= are redacted, other query keys stay", () => {
  const { log, lines } = capture();
  log.info("DESCRIBE rtsp://h/cam?jwt=eyJhbGciOi.eyJzdWIi.sig&x=1: 401 denied");
  log.info("SETUP rtsp://h/cam?a=b&token=eyJabc/trackID=0");
  const all = lines.join("\n");
  assert.ok(!all.includes("eyJ"), all);
  assert.ok(all.includes("?jwt=***&x=1") && all.includes("?a=b&token=***"), all);
});
