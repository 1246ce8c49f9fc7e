/**
 * Quote-aware splitting shared by the header codecs. Private to `headers/`.
 *
 * @module
 */

/** Splits `text` on `sep` outside double quotes (a backslash escapes inside quotes). */
export function splitOutsideQuotes(text: string, sep: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === "\\") i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === sep) {
      parts.push(text.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(text.slice(from));
  return parts;
}

/** Removes one pair of surrounding double quotes and backslash escapes, if quoted. */
export function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) {
    return v.slice(1, -1).replace(/\\(.)/g, "$1");
  }
  return v;
}

/** Wraps `value` in double quotes, escaping `"` and `\` (RFC 2616 §2.2 quoted-string). */
export function quote(value: string): string {
  return `"${value.replace(/["\\]/g, "\\$&")}"`;
}

/** Splits `key=value` (value optional) around the first `=`, trimming both. */
export function splitKeyValue(part: string): [key: string, value: string | undefined] {
  const eq = part.indexOf("=");
  if (eq < 0) return [part.trim(), undefined];
  return [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
}

/** Whether the text holds a CR, LF or other control character a header value must not carry. */
export function hasControl(text: string): boolean {
  // deno-lint-ignore no-control-regex
  return /[\x00-\x08\x0a-\x1f\x7f]/.test(text);
}
