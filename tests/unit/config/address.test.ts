import { deepStrictEqual, throws } from "node:assert/strict";
import { parseListenAddress } from "../../../src/config/mod.ts";

const VALID: { raw: string; hostname: string; port: number }[] = [
  { raw: ":8554", hostname: "0.0.0.0", port: 8554 },
  { raw: "127.0.0.1:8554", hostname: "127.0.0.1", port: 8554 },
  { raw: "0.0.0.0:8000", hostname: "0.0.0.0", port: 8000 },
  { raw: "[::1]:8554", hostname: "::1", port: 8554 },
  { raw: "[::]:8322", hostname: "::", port: 8322 },
  { raw: "[fe80::1]:8554", hostname: "fe80::1", port: 8554 },
  { raw: "localhost:8554", hostname: "localhost", port: 8554 },
  { raw: "media.example.com:554", hostname: "media.example.com", port: 554 },
  { raw: ":0", hostname: "0.0.0.0", port: 0 },
  { raw: ":65535", hostname: "0.0.0.0", port: 65535 },
];

Deno.test("parseListenAddress reads host:port, :port and [v6]:port", () => {
  for (const { raw, hostname, port } of VALID) {
    deepStrictEqual(parseListenAddress(raw), { hostname, port }, raw);
  }
});

const INVALID: { raw: string; reason: RegExp }[] = [
  { raw: "8554", reason: /missing port/ },
  { raw: "localhost", reason: /missing port/ },
  { raw: ":", reason: /missing port/ },
  { raw: "", reason: /missing port/ },
  { raw: ":abc", reason: /invalid port "abc"/ },
  { raw: ":-1", reason: /invalid port/ },
  { raw: "::1:8554", reason: /brackets/ },
  { raw: "[::1]8554", reason: /missing port/ },
  { raw: "[::1:8554", reason: /missing '\]'/ },
  { raw: "[127.0.0.1]:8554", reason: /not an IPv6 address/ },
  { raw: "bad host:8554", reason: /invalid host/ },
  { raw: "under_score:8554", reason: /invalid host/ },
];

Deno.test("parseListenAddress rejects malformed addresses with a reason", () => {
  for (const { raw, reason } of INVALID) {
    throws(
      () => parseListenAddress(raw),
      (e: Error) => e instanceof SyntaxError && reason.test(e.message),
      raw,
    );
  }
  throws(() => parseListenAddress(":65536"), RangeError);
});
