/**
 * Rewrites cross-folder imports of `src/` that bypass a folder's `mod.ts` (the `mod` rule of
 * `scripts/check_layers.ts`): the specifier becomes the target directory's `mod.ts`, and that `mod.ts`
 * gains an `export * from "./file.ts"` line (the file is created when missing). Run it, then
 * `deno fmt` and `deno check`: two files of one folder exporting the same name need a hand-made
 * `export { … }` instead.
 *
 *   deno run -A scripts/fix_mod_imports.ts
 */

import { basename, dirname, join, relative, resolve } from "node:path";

const IMPORT = /((?:import|export)\s+(?:type\s+)?(?:[^"';]*?\s+from\s+)?)"(\.{1,2}\/[^"]+)"/g;

async function listTs(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) out.push(...await listTs(p));
    else if (e.isFile && p.endsWith(".ts")) out.push(p);
  }
  return out;
}

function topFolder(root: string, file: string): string | undefined {
  return /^src\/([^/]+)\//.exec(relative(root, file))?.[1];
}

/** Adds `export * from "./<file>"` to the mod.ts beside `target` unless it is there already. */
async function ensureReExport(modPath: string, target: string): Promise<void> {
  const line = `export * from "./${basename(target)}";`;
  let text = "";
  try {
    text = await Deno.readTextFile(modPath);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    text = `/**\n * The public surface of this folder.\n *\n * @module\n */\n`;
  }
  if (text.includes(line)) return;
  await Deno.writeTextFile(modPath, text.replace(/\n*$/, "\n") + line + "\n");
}

if (import.meta.main) {
  const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
  let rewritten = 0;
  for (const file of await listTs(join(root, "src"))) {
    const from = topFolder(root, file);
    if (from === "player") continue; // the browser bundle imports single modules (see check_layers.ts)
    const text = await Deno.readTextFile(file);
    const pending: Array<[string, string]> = [];
    const next = text.replace(IMPORT, (whole, clause: string, spec: string) => {
      const target = resolve(dirname(file), spec);
      const to = topFolder(root, target);
      if (to === undefined || to === from || to === "player" || basename(target) === "mod.ts") return whole;
      const modPath = join(dirname(target), "mod.ts");
      if (modPath === file) return whole;
      pending.push([modPath, target]);
      let rel = relative(dirname(file), modPath);
      if (!rel.startsWith(".")) rel = `./${rel}`;
      rewritten++;
      return `${clause}"${rel}"`;
    });
    for (const [modPath, target] of pending) await ensureReExport(modPath, target);
    if (next !== text) await Deno.writeTextFile(file, next);
  }
  console.log(`fix_mod_imports: ${rewritten} imports rewritten`);
}
