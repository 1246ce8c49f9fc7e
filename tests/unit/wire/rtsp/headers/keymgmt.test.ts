import assert from "node:assert/strict";
import { formatKeyMgmt, type KeyMgmt, parseKeyMgmt } from "../../../../../src/wire/rtsp/headers/keymgmt.ts";
import { fuzzParser } from "./_fuzz.ts";

const MIKEY = "AQAFAPdGcdUBAACOAU4AAAAAAAAAAAAAAAAA5pYDQAAAAAA=";

const CASES: { name: string; raw: string; value: KeyMgmt; canonical?: true }[] = [
  {
    name: "server SETUP reply (RFC 4567 §3.1)",
    raw: `prot=mikey;uri="rtsps://127.0.0.1:8322/mystream/trackID=0";data="${MIKEY}"`,
    value: { uri: "rtsps://127.0.0.1:8322/mystream/trackID=0", data: MIKEY },
    canonical: true,
  },
  { name: "without uri", raw: `prot=mikey;data="${MIKEY}"`, value: { data: MIKEY }, canonical: true },
  {
    name: "unquoted values, spaces and upper-case prot (Axis)",
    raw: ` prot=MIKEY ; uri=rtsps://cam/axis-media/media.amp ; data=${MIKEY} `,
    value: { uri: "rtsps://cam/axis-media/media.amp", data: MIKEY },
  },
  {
    name: "quoted uri containing ';'",
    raw: `prot=mikey;uri="rtsps://cam/a;b";data="${MIKEY}"`,
    value: { uri: "rtsps://cam/a;b", data: MIKEY },
    canonical: true,
  },
];

for (const c of CASES) {
  Deno.test(`parseKeyMgmt: ${c.name}`, () => {
    assert.deepEqual(parseKeyMgmt(c.raw), c.value);
    if (c.canonical) assert.equal(formatKeyMgmt(c.value), c.raw);
    assert.deepEqual(parseKeyMgmt(formatKeyMgmt(c.value)), c.value);
  });
}

Deno.test("parseKeyMgmt rejects other protocols and invalid data", () => {
  for (
    const raw of [
      "",
      `data="${MIKEY}"`,
      `prot=sdes;data="${MIKEY}"`,
      "prot=mikey",
      'prot=mikey;data="not base64!"',
      'prot=mikey;data=""',
    ]
  ) {
    assert.throws(
      () => parseKeyMgmt(raw),
      (e: unknown) => e instanceof SyntaxError && /^Cannot parse KeyMgmt header: /.test(e.message),
      raw,
    );
  }
  assert.throws(() => formatKeyMgmt({ data: "###" }), RangeError);
});

Deno.test("parseKeyMgmt fuzz: only SyntaxError escapes", () => {
  fuzzParser(
    parseKeyMgmt,
    ["prot=", "mikey", ";", "uri=", '"', "rtsps://h/p", "data=", MIKEY, "=", " "],
    24,
    (k) => {
      assert.deepEqual(parseKeyMgmt(formatKeyMgmt(k)), k);
    },
  );
});
