/**
 * A strict parser of the Prometheus text exposition format (version 0.0.4), as Prometheus'
 * scraper reads it: `name{label="value",…} value [timestamp]`, `# HELP` / `# TYPE` lines, other
 * comments and blank lines. Anything it would reject throws a SyntaxError naming the line.
 * Used by the metrics tests to prove that every line of `/metrics` is scrapeable.
 */

/** One sample line. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestamp?: number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

/** Parses a whole exposition; throws SyntaxError on the first invalid line or duplicate series. */
export function parsePrometheusText(text: string): PromSample[] {
  if (text !== "" && !text.endsWith("\n")) throw new SyntaxError("exposition does not end with a newline");
  const samples: PromSample[] = [];
  const seen = new Set<string>();
  const typed = new Set<string>();
  text.split("\n").forEach((raw, index) => {
    const where = `line ${index + 1} ${JSON.stringify(raw)}`;
    const line = raw.replace(/^[ \t]+/, "");
    if (line === "") return;
    if (line.startsWith("#")) {
      const m = /^#[ \t]+(HELP|TYPE)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(line);
      if (m === null) return; // a plain comment
      if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(m[2])) throw new SyntaxError(`${where}: invalid metric name`);
      if (m[1] === "TYPE") {
        if (!TYPES.has(m[3] ?? "")) throw new SyntaxError(`${where}: unknown type`);
        if (typed.has(m[2])) throw new SyntaxError(`${where}: second TYPE line for ${m[2]}`);
        typed.add(m[2]);
      }
      return;
    }
    const sample = parseSample(line, where);
    const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (seen.has(key)) throw new SyntaxError(`${where}: duplicate series`);
    seen.add(key);
    samples.push(sample);
  });
  return samples;
}

function parseSample(line: string, where: string): PromSample {
  const name = METRIC_NAME.exec(line)?.[0];
  if (name === undefined) throw new SyntaxError(`${where}: invalid metric name`);
  let i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === "{") {
    i++;
    for (;;) {
      while (line[i] === " " || line[i] === "\t") i++;
      if (line[i] === "}") {
        i++;
        break;
      }
      const label = LABEL_NAME.exec(line.slice(i))?.[0];
      if (label === undefined) throw new SyntaxError(`${where}: invalid label name at column ${i + 1}`);
      if (label.startsWith("__")) throw new SyntaxError(`${where}: reserved label name ${label}`);
      if (Object.hasOwn(labels, label)) throw new SyntaxError(`${where}: label ${label} repeated`);
      i += label.length;
      if (line[i] !== "=" || line[i + 1] !== '"') throw new SyntaxError(`${where}: expected ="`);
      i += 2;
      let value = "";
      for (;;) {
        const c = line[i++];
        if (c === undefined) throw new SyntaxError(`${where}: unterminated label value`);
        if (c === '"') break;
        if (c === "\\") {
          const e = line[i++];
          if (e === "\\" || e === '"') value += e;
          else if (e === "n") value += "\n";
          else throw new SyntaxError(`${where}: invalid escape \\${e}`);
        } else value += c;
      }
      labels[label] = value;
      if (line[i] === ",") i++;
      else if (line[i] !== "}") throw new SyntaxError(`${where}: expected , or } after label ${label}`);
    }
  }
  if (line[i] !== " " && line[i] !== "\t") {
    throw new SyntaxError(`${where}: expected a blank before the value`);
  }
  const fields = line.slice(i).trim().split(/[ \t]+/);
  if (fields.length < 1 || fields.length > 2) throw new SyntaxError(`${where}: expected value [timestamp]`);
  const value = parseValue(fields[0]);
  if (value === undefined) throw new SyntaxError(`${where}: invalid value ${fields[0]}`);
  const sample: PromSample = { name, labels, value };
  if (fields.length === 2) {
    if (!/^-?\d+$/.test(fields[1])) throw new SyntaxError(`${where}: invalid timestamp ${fields[1]}`);
    sample.timestamp = Number(fields[1]);
  }
  return sample;
}

/** Go's ParseFloat as Prometheus uses it: decimals, exponents, NaN and ±Inf. */
function parseValue(text: string): number | undefined {
  if (/^[+-]?(inf|infinity)$/i.test(text)) return text.startsWith("-") ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** The value of the one sample named `name` whose labels include `labels`; throws if not exactly one. */
export function sampleValue(
  samples: PromSample[],
  name: string,
  labels: Record<string, string> = {},
): number {
  const found = samples.filter((s) =>
    s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)
  );
  if (found.length !== 1) {
    throw new Error(`expected one ${name}${JSON.stringify(labels)}, found ${found.length}`);
  }
  return found[0].value;
}
