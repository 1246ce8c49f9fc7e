/**
 * Go duration syntax (`time.ParseDuration`), which MediaMTX uses for every duration key:
 * an optional sign, then one or more `<number><unit>` pairs such as `1h30m`, `2.5s` or `500ms`.
 * Units: ns, us (or µs/μs), ms, s, m, h. The only unit-less value Go accepts is `0`.
 */

const NS_PER_UNIT: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  "µs": 1_000n, // U+00B5 MICRO SIGN
  "μs": 1_000n, // U+03BC GREEK SMALL LETTER MU
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

// Go stores durations as int64 nanoseconds.
const MAX_NS = (1n << 63n) - 1n;
const PART = /^(\d*)(?:\.(\d*))?([^\d.]*)/;

/**
 * Parses a Go duration and returns milliseconds (fractional below 1 ms).
 * Throws SyntaxError for malformed text and RangeError for values beyond Go's int64 nanoseconds.
 */
export function parseDuration(text: string): number {
  let rest = text;
  let negative = false;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    negative = rest[0] === "-";
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") throw new SyntaxError(`Cannot parse duration "${text}": empty`);
  if (/^[\d.]+$/.test(rest)) {
    throw new SyntaxError(
      `Cannot parse duration "${text}": missing unit; write a Go duration such as "${rest}s", "500ms" or "1m30s"`,
    );
  }
  let total = 0n;
  while (rest !== "") {
    const m = PART.exec(rest)!;
    const [whole, intDigits, fracDigits, unit] = m;
    if (intDigits === "" && (fracDigits === undefined || fracDigits === "")) {
      throw new SyntaxError(`Cannot parse duration "${text}": expected a number at "${rest}"`);
    }
    if (unit === "") throw new SyntaxError(`Cannot parse duration "${text}": missing unit after "${whole}"`);
    const scale = NS_PER_UNIT[unit];
    if (scale === undefined) {
      throw new SyntaxError(
        `Cannot parse duration "${text}": unknown unit "${unit}" (use ns, us, ms, s, m, h)`,
      );
    }
    let ns = BigInt(intDigits === "" ? "0" : intDigits) * scale;
    if (fracDigits !== undefined && fracDigits !== "") {
      // Go truncates the fraction to whole nanoseconds.
      ns += BigInt(fracDigits) * scale / 10n ** BigInt(fracDigits.length);
    }
    total += ns;
    if (total > MAX_NS) throw new RangeError(`Cannot parse duration "${text}": too large`);
    rest = rest.slice(whole.length);
  }
  const ms = Number(total) / 1e6;
  return negative ? -ms : ms;
}

/** Formats milliseconds as a Go duration, e.g. 90000 -> "1m30s", 1500 -> "1.5s", 0 -> "0s". */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  const sign = ms < 0 ? "-" : "";
  let rest = Math.abs(ms);
  if (rest < 1000) return `${sign}${trim(rest)}ms`;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = rest / 1000;
  let out = sign;
  if (hours > 0) out += `${hours}h`;
  if (hours > 0 || minutes > 0) out += `${minutes}m`;
  return `${out}${trim(seconds)}s`;
}

function trim(n: number): string {
  return String(Number(n.toFixed(6)));
}
