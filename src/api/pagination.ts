import { ApiError } from "./api_error.ts";

/** MediaMTX's list envelope. `itemCount` is the total before paging. */
export interface ApiList<T> {
  itemCount: number;
  pageCount: number;
  items: T[];
}

const DEFAULT_ITEMS_PER_PAGE = 100;

/**
 * Parses `value` as Go's `strconv.ParseUint(value, 10, 31)` does, with its error text,
 * which MediaMTX returns as is.
 */
function parseUint31(value: string): number {
  if (!/^[0-9]+$/.test(value)) {
    throw new ApiError(400, `strconv.ParseUint: parsing ${goQuote(value)}: invalid syntax`);
  }
  const n = Number(value);
  if (n >= 2 ** 31) {
    throw new ApiError(400, `strconv.ParseUint: parsing ${goQuote(value)}: value out of range`);
  }
  return n;
}

/**
 * One page of `items` per `?page=` (0-based, default 0) and `?itemsPerPage=` (default 100); an
 * empty value counts as absent (gin's `Query` gives "" for both). Throws ApiError 400 on a
 * malformed value or `itemsPerPage=0`. A page past the end is empty.
 */
export function paginate<T>(items: readonly T[], query: URLSearchParams): ApiList<T> {
  const perPageText = query.get("itemsPerPage") ?? "";
  const pageText = query.get("page") ?? "";
  const perPage = perPageText === "" ? DEFAULT_ITEMS_PER_PAGE : parseUint31(perPageText);
  if (perPage === 0) throw new ApiError(400, "invalid items per page");
  const page = pageText === "" ? 0 : parseUint31(pageText);
  const start = page * perPage;
  return {
    itemCount: items.length,
    pageCount: Math.ceil(items.length / perPage),
    items: start >= items.length ? [] : items.slice(start, start + perPage),
  };
}

/** Go's `strconv.Quote` for the common cases (printable ASCII; others escaped as \uXXXX). */
function goQuote(s: string): string {
  return JSON.stringify(s).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
