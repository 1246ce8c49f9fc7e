/** `/v3/config/*` against a fake target: every route, MediaMTX's error texts, redaction, durations. */
import assert from "node:assert/strict";
import { type Config, parseConfig } from "../../../src/config/mod.ts";
import {
  type ConfigApiResponse,
  type ConfigTarget,
  handleConfigApi,
  REDACTED,
} from "../../../src/api/config_api.ts";
import { formatApiDuration } from "../../../src/api/api_durations.ts";

const YAML = `
readTimeout: 1h
authInternalUsers:
  - user: admin
    pass: s3cret
    permissions: [{action: api}, {action: publish, path: cam}]
  - user: any
    permissions: [{action: read}]
pathDefaults:
  sourceOnDemandCloseAfter: 0s
paths:
  zeta:
    maxReaders: 3
  cam:
    source: rtsp://127.0.0.1:9/x
    sourceOnDemand: true
  some/nested:
  all_others:
`;

/** A target recording what was applied, and adopting it as the running configuration. */
class FakeTarget implements ConfigTarget {
  config: Config;
  applied: { config: Config; reason: string }[] = [];

  constructor(yaml = YAML) {
    this.config = parseConfig(yaml, "mediamtx.yml").config;
  }

  applyConfig(next: Config, reason: "API request"): Promise<void> {
    this.applied.push({ config: next, reason });
    this.config = next;
    return Promise.resolve();
  }
}

function call(target: ConfigTarget, method: string, route: string, body?: unknown, query = "") {
  return handleConfigApi({
    method,
    route,
    query: new URLSearchParams(query),
    body: body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body),
  }, target);
}

function assertError(res: ConfigApiResponse, status: number, error: string | RegExp): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  const body = res.body as { status: string; error: string };
  assert.equal(body.status, "error");
  if (typeof error === "string") assert.equal(body.error, error);
  else assert.match(body.error, error);
}

const OK = { status: 200, body: { status: "ok" } };

Deno.test("config api: durations are written as MediaMTX's API writes them", () => {
  const cases: [number, string][] = [
    [0, ""],
    [10_000, "10s"],
    [500, "500ms"],
    [90_000, "1m30s"],
    [
      3_600_000,
      "1h0m0s",
    ],
    [86_400_000, "1d"],
    [90_000_000, "1d1h0m0s"],
  ];
  for (const [ms, text] of cases) assert.equal(formatApiDuration(ms), text, `${ms} ms`);
});

Deno.test("config api: global/get has every global key, durations as strings, passwords redacted", async () => {
  const res = await call(new FakeTarget(), "GET", "global/get");
  assert.equal(res.status, 200);
  const g = res.body as Record<string, unknown>;
  assert.equal(g.readTimeout, "1h0m0s");
  assert.equal(g.writeTimeout, "10s");
  assert.equal(g.rtspAddress, ":8554");
  assert.deepEqual(g.rtspTransports, ["udp", "multicast", "tcp"]);
  assert.ok(!("pathDefaults" in g) && !("paths" in g));
  for (
    const key of ["logLevel", "rtsp", "rtspEncryption", "authMethod", "runOnConnect", "multicastIPRange"]
  ) {
    assert.ok(key in g, key);
  }
  const users = g.authInternalUsers as { user: string; pass: string }[];
  assert.deepEqual(users.map((u) => [u.user, u.pass]), [["admin", REDACTED], ["any", ""]]);
  assert.ok(!JSON.stringify(g).includes("s3cret"));
});

Deno.test("config api: pathdefaults/get holds every path key; a zero duration is an empty string", async () => {
  const res = await call(new FakeTarget(), "GET", "pathdefaults/get");
  const d = res.body as Record<string, unknown>;
  assert.equal(d.sourceOnDemandCloseAfter, "");
  assert.equal(d.sourceOnDemandStartTimeout, "10s");
  assert.equal(d.source, "publisher");
  assert.ok(!("name" in d));
});

Deno.test("config api: global/patch merges, validates and applies live with reason API request", async () => {
  const t = new FakeTarget();
  assert.deepEqual(
    await call(t, "PATCH", "global/patch", { readTimeout: "20s", rtspTransports: ["tcp"] }),
    OK,
  );
  assert.equal(t.applied.length, 1);
  assert.equal(t.applied[0].reason, "API request");
  assert.equal(t.config.readTimeout, 20_000);
  assert.deepEqual(t.config.rtspTransports, ["tcp"]);
  // Untouched parts stay as they were, passwords included.
  assert.equal(t.config.authInternalUsers[0].pass, "s3cret");
  assert.deepEqual(t.config.paths.map((p) => p.name), ["zeta", "cam", "some/nested", "all_others"]);
  // "1d" and "" (as global/get writes them) are accepted back.
  assert.deepEqual(await call(t, "PATCH", "global/patch", { readTimeout: "1d" }), OK);
  assert.equal(t.config.readTimeout, 86_400_000);
});

Deno.test("config api: strict decoding and validation errors are 400 and apply nothing", async () => {
  const t = new FakeTarget();
  assertError(await call(t, "PATCH", "global/patch", { foo: 1 }), 400, 'json: unknown field "foo"');
  assertError(await call(t, "PATCH", "global/patch", { paths: {} }), 400, 'json: unknown field "paths"');
  assertError(
    await call(t, "PATCH", "global/patch", { authInternalUsers: [{ user: "x", foo: 1 }] }),
    400,
    'json: unknown field "authInternalUsers[0].foo"',
  );
  assertError(
    await call(t, "PATCH", "global/patch", { rtspTransports: ["quic"] }),
    400,
    /rtspTransports\[0\]/,
  );
  assertError(await call(t, "PATCH", "global/patch", { readTimeout: 5 }), 400, /readTimeout/);
  assertError(await call(t, "PATCH", "global/patch", "{"), 400, /JSON/);
  assertError(await call(t, "PATCH", "global/patch", "[]"), 400, /cannot unmarshal array/);
  assertError(await call(t, "PATCH", "pathdefaults/patch", { bar: true }), 400, 'json: unknown field "bar"');
  assert.equal(t.applied.length, 0);
  // MediaMTX keys this server does not use are accepted (and ignored), as MediaMTX accepts them.
  assert.deepEqual(await call(t, "PATCH", "global/patch", { hls: false }), OK);
});

Deno.test("config api: a user written back with the redacted password keeps the password", async () => {
  const t = new FakeTarget();
  const users =
    ((await call(t, "GET", "global/get")).body as { authInternalUsers: unknown[] }).authInternalUsers;
  (users[0] as { ips: string[] }).ips = ["127.0.0.1"];
  assert.deepEqual(await call(t, "PATCH", "global/patch", { authInternalUsers: users }), OK);
  assert.equal(t.config.authInternalUsers[0].pass, "s3cret");
  assert.deepEqual(t.config.authInternalUsers[0].ips, ["127.0.0.1"]);
});

Deno.test("config api: pathdefaults/patch reaches the paths that inherit the key", async () => {
  const t = new FakeTarget();
  assert.deepEqual(await call(t, "PATCH", "pathdefaults/patch", { maxReaders: 7 }), OK);
  const byName = new Map(t.config.paths.map((p) => [p.name, p]));
  assert.equal(byName.get("cam")!.maxReaders, 7);
  assert.equal(byName.get("zeta")!.maxReaders, 3, "its own value wins");
});

Deno.test("config api: paths/list is sorted by name, has a name field, and pages", async () => {
  const t = new FakeTarget();
  const res = await call(t, "GET", "paths/list");
  const list = res.body as { itemCount: number; pageCount: number; items: Record<string, unknown>[] };
  assert.equal(list.itemCount, 4);
  assert.equal(list.pageCount, 1);
  assert.deepEqual(list.items.map((i) => i.name), ["all_others", "cam", "some/nested", "zeta"]);
  assert.equal(list.items[1].source, "rtsp://127.0.0.1:9/x");
  assert.equal(list.items[1].sourceOnDemandCloseAfter, "", "pathDefaults merged in");
  const page = (await call(t, "GET", "paths/list", undefined, "itemsPerPage=3&page=1")).body as typeof list;
  assert.deepEqual([page.itemCount, page.pageCount, page.items.map((i) => i.name)], [4, 2, ["zeta"]]);
  const past = (await call(t, "GET", "paths/list", undefined, "page=9")).body as typeof list;
  assert.deepEqual(past.items, []);
  assertError(await call(t, "GET", "paths/list", undefined, "itemsPerPage=0"), 400, "invalid items per page");
  assertError(
    await call(t, "GET", "paths/list", undefined, "page=abc"),
    400,
    'strconv.ParseUint: parsing "abc": invalid syntax',
  );
  assertError(
    await call(t, "GET", "paths/list", undefined, "page=4294967296"),
    400,
    'strconv.ParseUint: parsing "4294967296": value out of range',
  );
});

Deno.test("config api: paths/get finds a name with slashes; 404 names MediaMTX's message", async () => {
  const t = new FakeTarget();
  const res = await call(t, "GET", "paths/get/some/nested");
  assert.equal(res.status, 200);
  assert.equal((res.body as { name: string }).name, "some/nested");
  assertError(await call(t, "GET", "paths/get/nope"), 404, "path configuration not found");
  assertError(await call(t, "GET", "paths/get/"), 400, "invalid name");
});

Deno.test("config api: paths/add creates an entry; an existing name is 400 path already exists", async () => {
  const t = new FakeTarget();
  assert.deepEqual(
    await call(t, "POST", "paths/add/new%2Fcam", {
      source: "rtsp://127.0.0.1:9/y",
      sourceOnDemandCloseAfter: "1m",
    }),
    OK,
  );
  const conf = t.config.paths.find((p) => p.name === "new/cam")!;
  assert.equal(conf.source, "rtsp://127.0.0.1:9/y");
  assert.equal(conf.sourceOnDemandCloseAfter, 60_000);
  assertError(await call(t, "POST", "paths/add/cam", {}), 400, "path already exists");
  assertError(await call(t, "POST", "paths/add/bad name", {}), 400, /invalid path name/);
  assertError(await call(t, "POST", "paths/add/x", { source: "ftp://nope" }), 400, /source/);
  // A body as paths/get returns it (with "name") is accepted.
  const got = (await call(t, "GET", "paths/get/zeta")).body as Record<string, unknown>;
  assert.deepEqual(await call(t, "POST", "paths/add/zeta2", got), OK);
  assert.equal(t.config.paths.find((p) => p.name === "zeta2")!.maxReaders, 3);
});

Deno.test("config api: paths/patch merges into the entry; paths/replace replaces it (creating an absent one)", async () => {
  const t = new FakeTarget();
  assert.deepEqual(await call(t, "PATCH", "paths/patch/cam", { maxReaders: 4 }), OK);
  let cam = t.config.paths.find((p) => p.name === "cam")!;
  assert.deepEqual([cam.maxReaders, cam.source, cam.sourceOnDemand], [4, "rtsp://127.0.0.1:9/x", true]);
  assertError(await call(t, "PATCH", "paths/patch/nope", { maxReaders: 1 }), 404, "path not found");

  assert.deepEqual(await call(t, "POST", "paths/replace/cam", { maxReaders: 2 }), OK);
  cam = t.config.paths.find((p) => p.name === "cam")!;
  assert.deepEqual([cam.maxReaders, cam.source, cam.sourceOnDemand], [2, "publisher", false]);
  // MediaMTX quirk: replace creates an absent entry instead of answering 404.
  assert.deepEqual(await call(t, "POST", "paths/replace/fresh", {}), OK);
  assert.ok(t.config.paths.some((p) => p.name === "fresh"));
});

Deno.test("config api: paths/delete removes the entry; an absent one is 404 path not found", async () => {
  const t = new FakeTarget();
  assert.deepEqual(await call(t, "DELETE", "paths/delete/zeta"), OK);
  assert.ok(!t.config.paths.some((p) => p.name === "zeta"));
  assertError(await call(t, "DELETE", "paths/delete/zeta"), 404, "path not found");
});

Deno.test("config api: unknown routes and wrong methods are left to the router's 404", async () => {
  const t = new FakeTarget();
  for (
    const [method, route] of [
      ["POST", "global/get"],
      ["GET", "global/patch"],
      ["GET", "paths/add/x"],
      ["POST", "paths/delete/zeta"],
      ["GET", "nothing"],
      ["GET", "global/get/extra"],
    ]
  ) {
    const res = await call(t, method, route);
    assert.deepEqual(res, { status: 404, body: undefined }, `${method} ${route}`);
  }
  assert.equal(t.applied.length, 0);
});

Deno.test("config api: concurrent edits are applied one after the other, none lost", async () => {
  const t = new FakeTarget();
  const results = await Promise.all([
    call(t, "POST", "paths/add/one", {}),
    call(t, "POST", "paths/add/two", {}),
    call(t, "PATCH", "global/patch", { writeTimeout: "3s" }),
  ]);
  for (const r of results) assert.deepEqual(r, OK);
  assert.ok(t.config.paths.some((p) => p.name === "one") && t.config.paths.some((p) => p.name === "two"));
  assert.equal(t.config.writeTimeout, 3000);
});
