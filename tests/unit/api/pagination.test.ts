import { deepEqual, equal, throws } from "node:assert/strict";
import { paginate } from "../../../src/api/pagination.ts";
import { ApiError } from "../../../src/api/api_error.ts";

const items = Array.from({ length: 7 }, (_, i) => i);
const q = (s: string) => new URLSearchParams(s);

Deno.test("pagination: defaults, pages, past the end, empty list", () => {
  deepEqual(paginate(items, q("")), { itemCount: 7, pageCount: 1, items });
  deepEqual(paginate(items, q("itemsPerPage=3")), { itemCount: 7, pageCount: 3, items: [0, 1, 2] });
  deepEqual(paginate(items, q("itemsPerPage=3&page=2")), { itemCount: 7, pageCount: 3, items: [6] });
  deepEqual(paginate(items, q("itemsPerPage=3&page=9")), { itemCount: 7, pageCount: 3, items: [] });
  deepEqual(paginate([], q("")), { itemCount: 0, pageCount: 0, items: [] });
  // gin's Query gives "" for an empty value as for a missing one: the defaults.
  deepEqual(paginate(items, q("page=&itemsPerPage=")), { itemCount: 7, pageCount: 1, items });
});

Deno.test("pagination: malformed values are 400 with Go's parse error text", () => {
  const cases: [string, string][] = [
    ["itemsPerPage=0", "invalid items per page"],
    ["page=-1", 'strconv.ParseUint: parsing "-1": invalid syntax'],
    ["page=abc", 'strconv.ParseUint: parsing "abc": invalid syntax'],
    ["itemsPerPage=2147483648", 'strconv.ParseUint: parsing "2147483648": value out of range'],
  ];
  for (const [query, message] of cases) {
    throws(
      () => paginate(items, q(query)),
      (e) => e instanceof ApiError && e.status === 400 && e.message === message,
    );
  }
  equal(paginate(items, q("itemsPerPage=2147483647")).pageCount, 1);
});
