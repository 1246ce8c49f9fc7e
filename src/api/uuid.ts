import { ApiError } from "./api_error.ts";

/**
 * Parses a UUID the way Go's `uuid.Parse` accepts it (hyphenated, `urn:uuid:`-prefixed, braced or
 * 32 bare hex digits) and returns it lowercase and hyphenated. Errors carry the parser's text
 * (`invalid UUID length: 3`, `invalid UUID format`) with status 400, as MediaMTX answers.
 */
export function parseApiUuid(text: string): string {
  let s = text;
  switch (s.length) {
    case 36:
      break;
    case 45:
      if (s.slice(0, 9).toLowerCase() !== "urn:uuid:") {
        throw new ApiError(400, "invalid urn prefix: " + s.slice(0, 9));
      }
      s = s.slice(9);
      break;
    case 38:
      if (s[0] !== "{" || s[37] !== "}") throw new ApiError(400, "invalid UUID format");
      s = s.slice(1, 37);
      break;
    case 32:
      if (!/^[0-9a-fA-F]{32}$/.test(s)) throw new ApiError(400, "invalid UUID format");
      s = `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
      break;
    default:
      throw new ApiError(400, `invalid UUID length: ${s.length}`);
  }
  if (!/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(s)) {
    throw new ApiError(400, "invalid UUID format");
  }
  return s.toLowerCase();
}
