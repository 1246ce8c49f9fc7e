/** "Did you mean …?" suggestions for misspelt keys. */

/** Levenshtein distance between two strings. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The candidate closest to `input`, when close enough to be a plausible typo: same letters in
 * another case, an edit distance of at most 2 (3 for names longer than 12 characters), or one
 * name extending the other.
 */
export function suggest(input: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  const lower = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of list) {
    if (candidate.toLowerCase() === lower) return candidate;
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = input.length > 12 ? 3 : 2;
  if (bestDistance <= limit) return best;
  // "password" for "pass", "maxReader" for "maxReaders": one name extends the other.
  for (const candidate of list) {
    const c = candidate.toLowerCase();
    if (Math.min(c.length, lower.length) >= 3 && (c.startsWith(lower) || lower.startsWith(c))) {
      return candidate;
    }
  }
  return undefined;
}
