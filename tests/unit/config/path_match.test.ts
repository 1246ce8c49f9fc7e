import { deepStrictEqual, equal, throws } from "node:assert/strict";
import { findPathConf, validatePathName } from "../../../src/config/mod.ts";
import { parse } from "./_helpers.ts";

const YAML = `
paths:
  all_others:
  ~^z:
  ~^cam(\\d+)(?:_(hd))?$:
  ~^cam:
  cam1:
  site/door:
`;

Deno.test("findPathConf: exact name first, then regex paths in name order, all_others last", () => {
  const { config } = parse(YAML);
  const table: [string, string, string[]][] = [
    ["cam1", "cam1", ["cam1"]],
    ["site/door", "site/door", ["site/door"]],
    // Both cam regexes match; "~^cam" sorts first (a prefix sorts before its extensions).
    ["cam2", "~^cam", ["cam"]],
    ["zebra", "~^z", ["z"]],
    ["other", "all_others", ["other"]],
  ];
  for (const [requested, name, matches] of table) {
    const found = findPathConf(config, requested);
    equal(found?.conf.name, name, requested);
    deepStrictEqual(found?.matches, matches, requested);
  }
});

Deno.test("findPathConf returns regex groups; unmatched groups are empty strings", () => {
  const { config } = parse("paths:\n  ~^cam(\\d+)(?:_(hd))?$:\n");
  deepStrictEqual(findPathConf(config, "cam12_hd")?.matches, ["cam12_hd", "12", "hd"]);
  deepStrictEqual(findPathConf(config, "cam7")?.matches, ["cam7", "7", ""]);
  equal(findPathConf(config, "camera"), undefined);
});

Deno.test("findPathConf sorts regex names by byte order, whatever the file order", () => {
  const { config } = parse("paths:\n  ~b:\n  ~a:\n  all_others:\n");
  equal(findPathConf(config, "ab")?.conf.name, "~a");
  const { config: reversed } = parse("paths:\n  all_others:\n  ~a:\n  ~b:\n");
  equal(findPathConf(reversed, "ab")?.conf.name, "~a");
});

Deno.test("findPathConf: a regex is searched anywhere in the name unless anchored (Go semantics)", () => {
  const { config } = parse("paths:\n  ~cam:\n");
  equal(findPathConf(config, "mycam1")?.conf.name, "~cam");
});

Deno.test("findPathConf: a name matching nothing gives undefined; all_others is not an exact name", () => {
  const { config } = parse("paths:\n  cam:\n");
  equal(findPathConf(config, "other"), undefined);
  const { config: withAll } = parse("paths:\n  all_others:\n");
  deepStrictEqual(findPathConf(withAll, "all_others")?.matches, ["all_others"]);
});

Deno.test("validatePathName accepts MediaMTX path names", () => {
  for (const name of ["cam", "cam_1", "a-b", "site/cam.1", "a/b/c", "..a", "a..b/c", "0"]) {
    validatePathName(name);
  }
});

Deno.test("validatePathName rejects bad names with a reason", () => {
  const table: [string, RegExp][] = [
    ["", /empty/],
    ["/cam", /begin with a slash/],
    ["cam/", /end with a slash/],
    ["a b", /only letters/],
    ["cam?x", /only letters/],
    ["~^cam", /only letters/],
    ["a/./b", /'\.' or '\.\.'/],
    ["../etc", /'\.' or '\.\.'/],
    ["..", /'\.' or '\.\.'/],
  ];
  for (const [name, reason] of table) {
    throws(
      () => validatePathName(name),
      (e: Error) => reason.test(e.message) && e.message.includes("invalid path name"),
      name,
    );
  }
});
