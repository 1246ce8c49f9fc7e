/** The test helper's Prometheus parser must be strict, or "every line parses" proves nothing. */
import { deepStrictEqual, throws } from "node:assert/strict";
import { parsePrometheusText } from "../../_helpers/prometheus.ts";

Deno.test("the Prometheus test parser accepts the text format", () => {
  const text = "# Paths\n# HELP x help text\n# TYPE x counter\nx 1\n" +
    'y{a="1",b="q\\"\\\\\\n"} 2.5 1700000000000\nz{} NaN\nw{a="x",} +Inf\n\n';
  deepStrictEqual(parsePrometheusText(text), [
    { name: "x", labels: {}, value: 1 },
    { name: "y", labels: { a: "1", b: 'q"\\\n' }, value: 2.5, timestamp: 1700000000000 },
    { name: "z", labels: {}, value: NaN },
    { name: "w", labels: { a: "x" }, value: Infinity },
  ]);
});

Deno.test("the Prometheus test parser rejects what a scraper rejects", () => {
  const bad = [
    "x 1", // no final newline
    "1x 1\n",
    "x{a=1} 1\n",
    'x{a="1" b="2"} 1\n',
    'x{a="1",a="2"} 1\n',
    'x{a="\\t"} 1\n',
    'x{a="1"\n',
    "x 1e\n",
    "x 0x10\n",
    "x\n",
    "x 1 2 3\n",
    "x 1 1.5\n",
    "x 1\nx 2\n", // duplicate series
    "# TYPE x nonsense\n",
    "# TYPE x counter\n# TYPE x gauge\n",
    'x{__name__="y"} 1\n',
  ];
  for (const text of bad) throws(() => parsePrometheusText(text), SyntaxError, JSON.stringify(text));
});
