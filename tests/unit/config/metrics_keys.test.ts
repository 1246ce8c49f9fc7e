import { deepStrictEqual, equal, match } from "node:assert/strict";
import { configError, parse } from "./_helpers.ts";

Deno.test("metrics keys load with MediaMTX's names, and no longer warn as ignored", () => {
  const { config, warnings } = parse([
    "metrics: yes",
    "metricsAddress: 127.0.0.1:9999",
    "metricsEncryption: yes",
    "metricsServerKey: /k.pem",
    "metricsServerCert: /c.pem",
    "metricsAllowOrigins: ['http://grafana.lan', '*']",
    "metricsTrustedProxies: [10.0.0.1, 192.168.0.0/16]",
  ].join("\n"));
  deepStrictEqual(warnings, []);
  equal(config.metrics, true);
  equal(config.metricsAddress, "127.0.0.1:9999");
  equal(config.metricsEncryption, true);
  equal(config.metricsServerKey, "/k.pem");
  equal(config.metricsServerCert, "/c.pem");
  deepStrictEqual(config.metricsAllowOrigins, ["http://grafana.lan", "*"]);
  deepStrictEqual(config.metricsTrustedProxies, ["10.0.0.1", "192.168.0.0/16"]);
});

Deno.test("the deprecated metricsAllowOrigin (one string) becomes metricsAllowOrigins", () => {
  deepStrictEqual(parse("metricsAllowOrigin: http://a.lan\n").config.metricsAllowOrigins, ["http://a.lan"]);
});

Deno.test("metrics keys from MTX_ variables: lists are comma-separated", () => {
  const { config } = parse("", {
    MTX_METRICS: "yes",
    MTX_METRICSALLOWORIGINS: "http://a.lan,http://b.lan",
    MTX_METRICSTRUSTEDPROXIES: "127.0.0.1",
  });
  equal(config.metrics, true);
  deepStrictEqual(config.metricsAllowOrigins, ["http://a.lan", "http://b.lan"]);
  deepStrictEqual(config.metricsTrustedProxies, ["127.0.0.1"]);
});

Deno.test("bad metrics values are refused with the key named", () => {
  const cases: [string, string, RegExp][] = [
    ["metricsAddress: nope\n", "metricsAddress", /listen address/],
    ["metricsTrustedProxies: [example.com]\n", "metricsTrustedProxies[0]", /not an IP address or CIDR/],
    ["metrics: maybe\n", "metrics", /boolean/],
  ];
  for (const [yaml, key, reason] of cases) {
    const e = configError(() => parse(yaml));
    equal(e.key, key, yaml);
    match(e.message, reason);
  }
});
