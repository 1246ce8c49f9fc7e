/**
 * Fuzz loops: mutated configurations, durations and addresses must either parse or fail with
 * the documented error type, never with a crash of another kind.
 */

import { ok } from "node:assert/strict";
import { ConfigError, parseConfig, parseDuration, parseListenAddress } from "../../../src/config/mod.ts";
import { prng as random } from "../../_helpers/fuzz.ts";

const ROOT_YML = await Deno.readTextFile(new URL("../../../mediamtx.yml", import.meta.url));
const FULL_YML = await Deno.readTextFile(new URL("../../fixtures/config/mediamtx_full.yml", import.meta.url));

const ALPHABET = " \n\t:-[]{},#&*!|>'\"%@`~?0123456789abcxyzAZ._/\\$µ";

function mutate(text: string, rand: () => number): string {
  let out = text;
  const edits = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(rand() * (out.length + 1));
    const op = Math.floor(rand() * 4);
    if (op === 0) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(rand() * 8));
    else if (op === 1) {
      out = out.slice(0, at) + ALPHABET[Math.floor(rand() * ALPHABET.length)] + out.slice(at);
    } else if (op === 2) {
      const lines = out.split("\n");
      const a = Math.floor(rand() * lines.length);
      const b = Math.floor(rand() * lines.length);
      [lines[a], lines[b]] = [lines[b], lines[a]];
      out = lines.join("\n");
    } else out = out.slice(0, at) + out.slice(Math.floor(rand() * out.length), at + 16) + out.slice(at);
  }
  return out;
}

Deno.test("mutated configuration files load or fail with ConfigError", () => {
  const rand = random(20240601);
  for (const base of [ROOT_YML, FULL_YML]) {
    for (let i = 0; i < 500; i++) {
      const text = mutate(base, rand);
      try {
        parseConfig(text, "fuzz.yml", {});
      } catch (error) {
        ok(error instanceof ConfigError, `crash on input:\n${text}\n${(error as Error).stack}`);
        ok(error.message.startsWith("Invalid configuration: "), error.message);
      }
    }
  }
});

Deno.test("mutated environment values load or fail with ConfigError naming the variable", () => {
  const rand = random(7);
  const variables = [
    "MTX_RTSPTRANSPORTS",
    "MTX_READTIMEOUT",
    "MTX_MULTICASTIPRANGE",
    "MTX_RTPADDRESS",
    "MTX_PATHS_CAM_SOURCE",
    "MTX_PATHS_CAM_RTSPUDPSOURCEPORTRANGE",
    "MTX_AUTHINTERNALUSERS_0_IPS",
    "MTX_AUTHINTERNALUSERS_1_PERMISSIONS_0_PATH",
  ];
  for (let i = 0; i < 2000; i++) {
    const variable = variables[Math.floor(rand() * variables.length)];
    const value = mutate("tcp,udp 10s :8000 224.1.0.0/16 rtsp://a:b@h:1/x ~^c(\\d)", rand).slice(0, 40);
    try {
      parseConfig("", "fuzz.yml", { [variable]: value });
    } catch (error) {
      ok(error instanceof ConfigError, `crash on ${variable}=${value}: ${(error as Error).stack}`);
      ok(error.variable === variable, `${variable}=${value}: ${error.message}`);
    }
  }
});

Deno.test("parseDuration and parseListenAddress throw only SyntaxError or RangeError", () => {
  const rand = random(99);
  for (let i = 0; i < 5000; i++) {
    const text = mutate(i % 2 === 0 ? "1h30m2.5s" : "[::1]:8554", rand).slice(0, 24);
    for (const parse of [parseDuration, parseListenAddress]) {
      try {
        parse(text);
      } catch (error) {
        ok(
          error instanceof SyntaxError || error instanceof RangeError,
          `${parse.name}(${JSON.stringify(text)}): ${error}`,
        );
      }
    }
  }
});
