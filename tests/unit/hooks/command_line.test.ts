import assert from "node:assert/strict";
import { expandVariables, hookArgv, queryEscape, splitCommandLine } from "../../../src/hooks/mod.ts";

Deno.test("hooks: command lines split with POSIX-shell quoting, without a shell", () => {
  const cases: { raw: string; words: string[] }[] = [
    { raw: "ffmpeg -i in.mp4  -f rtsp out", words: ["ffmpeg", "-i", "in.mp4", "-f", "rtsp", "out"] },
    { raw: "sh -c 'echo $MTX_PATH > /tmp/x'", words: ["sh", "-c", "echo $MTX_PATH > /tmp/x"] },
    { raw: 'a "b c" d\\ e', words: ["a", "b c", "d e"] },
    { raw: 'x "say \\"hi\\" \\n"', words: ["x", 'say "hi" \\n'] },
    { raw: "a'b'\"c\"d", words: ["abcd"] },
    { raw: "a '' b", words: ["a", "", "b"] },
    { raw: "cat file | grep x", words: ["cat", "file", "|", "grep", "x"] },
    { raw: "  ", words: [] },
  ];
  for (const { raw, words } of cases) assert.deepEqual(splitCommandLine(raw), words, raw);
  for (const bad of ["a 'b", 'a "b', "a \\"]) assert.throws(() => splitCommandLine(bad), SyntaxError, bad);
});

Deno.test("hooks: $VAR and ${VAR} expanded in each word after splitting; unknown names are empty", () => {
  const vars: Record<string, string> = { MTX_PATH: "cam 1", RTSP_PORT: "8554", G1: "7" };
  const lookup = (k: string) => vars[k];
  assert.equal(
    expandVariables("rtsp://localhost:$RTSP_PORT/${MTX_PATH}_x", lookup),
    "rtsp://localhost:8554/cam 1_x",
  );
  assert.equal(expandVariables("$NOPE-$G1-$", lookup), "-7-$");
  // A value with spaces stays one word: expansion happens after splitting.
  assert.deepEqual(hookArgv("echo $MTX_PATH 'a $G1'", lookup), ["echo", "cam 1", "a 7"]);
});

Deno.test("hooks: MTX_QUERY is escaped like Go's url.QueryEscape", () => {
  assert.equal(queryEscape("a=1&b=2"), "a%3D1%26b%3D2");
  assert.equal(queryEscape("x y!*'()~-_."), "x+y%21%2A%27%28%29~-_.");
  assert.equal(queryEscape(""), "");
});
