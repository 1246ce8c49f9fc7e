/**
 * Hook command lines, as MediaMTX runs them: split into words with POSIX-shell quoting (single
 * quotes, double quotes, backslash escapes) but run without a shell (no pipes, redirects or
 * globbing: write `sh -c '…'` for those), then `$VAR` / `${VAR}` expanded in every word.
 */

/** Splits a command line into words; throws SyntaxError on an unterminated quote or a trailing `\`. */
export function splitCommandLine(text: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === "\\") {
      if (i + 1 >= text.length) throw new SyntaxError("Cannot parse command line: trailing backslash");
      const next = text[++i];
      if (next !== "\n") word += next; // backslash-newline continues the line
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new SyntaxError("Cannot parse command line: unterminated single quote");
      word += text.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        // Inside double quotes a backslash only escapes these characters (POSIX 2.2.3).
        if (text[j] === "\\" && j + 1 < text.length && '\\"$`\n'.includes(text[j + 1])) {
          if (text[j + 1] !== "\n") word += text[j + 1];
          j++;
        } else {
          word += text[j];
        }
      }
      if (j >= text.length) throw new SyntaxError("Cannot parse command line: unterminated double quote");
      i = j;
    } else {
      word += c;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/**
 * Replaces `$NAME` and `${NAME}` with `lookup(NAME)` (unknown names become ""). A `$` that starts
 * no name is kept.
 */
export function expandVariables(word: string, lookup: (name: string) => string | undefined): string {
  return word.replace(
    /\$(?:\{([^}]*)\}|([A-Za-z0-9_]+))/g,
    (_, braced, plain) => lookup(braced ?? plain) ?? "",
  );
}

/** Splits `command` and expands every word: the argv of a hook. */
export function hookArgv(command: string, lookup: (name: string) => string | undefined): string[] {
  return splitCommandLine(command).map((w) => expandVariables(w, lookup));
}

/**
 * A raw query as Go's `url.QueryEscape` writes it (MediaMTX's `MTX_QUERY`): everything but
 * letters, digits and `-_.~` percent-encoded in upper case, spaces as `+`.
 */
export function queryEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase())
    .replace(/%20/g, "+");
}
