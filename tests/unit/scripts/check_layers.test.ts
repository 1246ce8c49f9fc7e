import assert from "node:assert/strict";
import { join } from "node:path";
import { checkLayers } from "../../../scripts/check_layers.ts";

/** Writes `files` (path → text) under a fresh temporary root. */
async function project(files: Record<string, string>): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "layers-" });
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(join(root, path, ".."), { recursive: true });
    await Deno.writeTextFile(join(root, path), text);
  }
  return root;
}

Deno.test("check_layers: each rule is reported, with the file that breaks it", async () => {
  const root = await project({
    "src/wire/mod.ts": 'export * from "./codec.ts";\n',
    "src/wire/codec.ts":
      'import { Server } from "../server/mod.ts";\nexport const codec = () => new Server();\n',
    "src/server/mod.ts": 'export * from "./server.ts";\n',
    "src/server/server.ts": 'import { helper } from "../transport/helper.ts";\n' +
      "export class Server {\n  l = Deno.listen({ port: 0 });\n  h = helper;\n}\n",
    "src/transport/mod.ts": 'export * from "./helper.ts";\n',
    "src/transport/helper.ts": "export const helper = 1;\nexport const neverUsed = 2;\n",
    "src/player/mod.ts": 'import { codec } from "../wire/codec.ts";\nexport const play = codec;\n',
    "main.ts":
      'import { codec } from "./src/wire/mod.ts";\nimport { play } from "./src/player/mod.ts";\ncodec();\nplay();\n',
  });
  try {
    const found = (await checkLayers(root)).map((v) => `${v.file} ${v.rule}`).sort();
    assert.deepEqual(found, [
      "src/server/server.ts mod",
      "src/server/server.ts networking",
      "src/transport/helper.ts unused-export",
      "src/wire/codec.ts direction",
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("check_layers: this repository keeps every rule", async () => {
  const violations = await checkLayers(new URL("../../..", import.meta.url).pathname);
  assert.deepEqual(violations.map((v) => `${v.file}: [${v.rule}] ${v.message}`), []);
});
