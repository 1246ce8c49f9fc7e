import { equal } from "node:assert/strict";
import { httpAuthorization } from "../../../src/auth/mod.ts";

Deno.test("httpAuthorization reads Bearer as MediaMTX's HTTP surfaces do", () => {
  const basic = (u: string, p: string) => `Basic ${btoa(`${u}:${p}`)}`;
  const table: [string | null, string | undefined][] = [
    [null, undefined],
    ["", undefined],
    [basic("u", "p"), basic("u", "p")],
    ["Bearer user:pass", basic("user", "pass")],
    ["bearer user:pass", basic("user", "pass")],
    ["Bearer eyJ.abc.def", basic("", "eyJ.abc.def")],
    ["Bearer a:b:c", basic("", "a:b:c")],
    ["Bearer  admin:secret ", basic("admin", "secret")],
    // Nothing Go's BasicAuth can read: no credentials (a challenge, not a wrong password).
    ['Digest username="x"', undefined],
    ["Basic !!!", undefined],
    [`Basic ${btoa("nocolon")}`, undefined],
    ["Bearer", undefined],
    [`Basic ${btoa("admin:s:ecret")}`, basic("admin", "s:ecret")],
  ];
  for (const [header, expected] of table) equal(httpAuthorization(header), expected, String(header));
});
