/** MediaMTX's list envelope and its `?page=&itemsPerPage=` paging. */

/** A list answer: `itemCount` is the total before paging. */
export interface ListEnvelope<T> {
  itemCount: number;
  pageCount: number;
  items: T[];
}

/** Parses one paging parameter as Go's `strconv.ParseUint(s, 10, 31)` would; throws its error text. */
function parseUint31(text: string): number {
  if (!/^[0-9]+$/.test(text)) {
    throw new Error(`strconv.ParseUint: parsing ${JSON.stringify(text)}: invalid syntax`);
  }
  const n = Number(text);
  if (n >= 2 ** 31) throw new Error(`strconv.ParseUint: parsing ${JSON.stringify(text)}: value out of range`);
  return n;
}

/**
 * One page of `items` (page 0-based, 100 items per page by default); a page past the end is empty.
 * Throws Error with MediaMTX's message for bad parameters (answered with 400).
 */
export function paginate<T>(items: readonly T[], query: URLSearchParams): ListEnvelope<T> {
  const pageText = query.get("page");
  const sizeText = query.get("itemsPerPage");
  const page = pageText === null || pageText === "" ? 0 : parseUint31(pageText);
  const size = sizeText === null || sizeText === "" ? 100 : parseUint31(sizeText);
  if (size === 0) throw new Error("invalid items per page");
  const start = page * size;
  return {
    itemCount: items.length,
    pageCount: Math.ceil(items.length / size),
    items: start >= items.length ? [] : items.slice(start, start + size),
  };
}
