/**
 * Checks the layer rules of `src/` (see the README's layout and ../STYLE): run by `deno task check`.
 *
 * - Import direction: a folder imports only the folders listed for it in `ALLOWED` (a new folder must be
 *   added there, which makes its place in the layering a reviewed decision).
 * - Deno networking (listeners, dials, `node:tls`, `node:dgram`, …) only in `src/transport/`.
 * - Cross-folder imports go through the folder's `mod.ts` (except to and from the browser player:
 *   its bundle must only carry the modules it uses, and its mod.ts is the bundle's entry).
 * - No export that nothing imports: every exported name of `src/` is used by another file of the project
 *   (sources, scripts, tests or main.ts); an exported type also counts as used when its own file's
 *   exports mention it (it documents their parameters or results).
 *
 * Prints one line per violation and exits 1 when there is any; `--quiet` prints only the count.
 */

import { dirname, join, relative, resolve } from "node:path";

/** Which folders of `src/` each folder may import. */
export const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  wire: [],
  log: [],
  time: [],
  config: ["wire", "log"],
  transport: ["wire", "log", "time"],
  auth: ["wire", "log", "transport", "time"],
  server: ["wire", "log", "transport", "auth", "time"],
  client: ["wire", "log", "transport", "auth", "time"],
  player: ["wire"],
  hooks: ["wire", "log", "transport", "config", "time"],
  core: ["wire", "log", "transport", "auth", "server", "client", "config", "hooks", "time"],
  api: ["wire", "log", "transport", "auth", "server", "client", "config", "core", "hooks", "time"],
  metrics: ["wire", "log", "transport", "auth", "server", "client", "config", "core", "hooks", "time", "api"],
  app: [
    "time",
    "wire",
    "log",
    "transport",
    "auth",
    "server",
    "client",
    "config",
    "core",
    "hooks",
    "player",
    "api",
    "metrics",
  ],
};

/** Folders bundled for the browser (`deno bundle`): exempt from the mod.ts rule, see below. */
const BUNDLED: readonly string[] = ["player"];

/** Deno and Node networking entry points; allowed only in `src/transport/`. */
const NETWORKING = [
  /\bDeno\.(listen|listenTls|listenDatagram|connect|connectTls|startTls|serve|serveHttp|upgradeWebSocket)\b/,
  /from "node:(tls|dgram|http|https|http2)"/,
  /import\s*\{[^}]*\b(createServer|createConnection|connect|Socket|Server)\b[^}]*\}\s*from "node:net"/,
];

const IMPORT = /(?:import|export)\s+(?:type\s+)?(?:[^"';]*?\s+from\s+)?"(\.{1,2}\/[^"]+)"/g;
const EXPORTED =
  /^export\s+(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(function\*?|class|const|let|interface|type|enum)\s+([A-Za-z_$][\w$]*)/gm;

/** One broken rule, with the file it is in. */
export interface Violation {
  file: string;
  rule: "direction" | "networking" | "mod" | "unused-export";
  message: string;
}

async function listTs(dir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      const p = join(dir, e.name);
      if (e.isDirectory && e.name !== "node_modules" && e.name !== "fixtures") out.push(...await listTs(p));
      else if (e.isFile && p.endsWith(".ts")) out.push(p);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return out;
}

/** The top folder under `src/` of a path relative to the root, or undefined outside `src/`. */
function srcFolder(rel: string): string | undefined {
  const m = /^src\/([^/]+)\//.exec(rel);
  return m?.[1];
}

/** Checks every rule over the project rooted at `root`. */
export async function checkLayers(root: string): Promise<Violation[]> {
  const violations: Violation[] = [];
  const srcFiles = await listTs(join(root, "src"));
  const otherFiles = [
    ...await listTs(join(root, "scripts")),
    ...await listTs(join(root, "tests")),
    join(root, "main.ts"),
  ];
  const texts = new Map<string, string>();
  for (const f of [...srcFiles, ...otherFiles]) {
    try {
      texts.set(f, await Deno.readTextFile(f));
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  for (const file of srcFiles) {
    const rel = relative(root, file);
    const from = srcFolder(rel);
    const text = texts.get(file) ?? "";
    if (from === undefined) continue;
    if (from !== "transport") {
      for (const re of NETWORKING) {
        const m = re.exec(text);
        if (m) violations.push({ file: rel, rule: "networking", message: `${m[0]} outside src/transport/` });
      }
    }
    for (const m of text.matchAll(IMPORT)) {
      const target = relative(root, resolve(dirname(file), m[1]));
      const to = srcFolder(target);
      if (to === undefined || to === from) continue;
      const allowed = ALLOWED[from];
      if (allowed === undefined) {
        violations.push({ file: rel, rule: "direction", message: `folder src/${from}/ is not in ALLOWED` });
      } else if (!allowed.includes(to)) {
        violations.push({ file: rel, rule: "direction", message: `src/${from}/ must not import ${target}` });
      }
      // Browser code imports single modules (a barrel would drag Node-only code into the bundle),
      // and its mod.ts is the bundle's entry, so the server reaches its assets module directly.
      if (!/\/mod\.ts$/.test(target) && !BUNDLED.includes(from) && !BUNDLED.includes(to)) {
        violations.push({ file: rel, rule: "mod", message: `imports ${target} instead of src/${to}/mod.ts` });
      }
    }
  }
  violations.push(...unusedExports(root, srcFiles, texts));
  return violations;
}

/** Exported names of `src/` that no other file mentions. */
function unusedExports(root: string, srcFiles: string[], texts: Map<string, string>): Violation[] {
  const out: Violation[] = [];
  for (const file of srcFiles) {
    const text = texts.get(file) ?? "";
    for (const m of text.matchAll(EXPORTED)) {
      const [, kind, name] = m;
      const word = new RegExp(`\\b${name.replace(/\$/g, "\\$")}\\b`);
      // A type that names a parameter or result of the file's own exports documents its public API.
      const wordAll = new RegExp(word.source, "g");
      let used = (kind === "interface" || kind === "type") && (text.match(wordAll)?.length ?? 0) > 1;
      for (const [other, otherText] of texts) {
        if (other !== file && word.test(otherText)) {
          used = true;
          break;
        }
      }
      if (!used) {
        out.push({
          file: relative(root, file),
          rule: "unused-export",
          message: `export ${name} is never imported`,
        });
      }
    }
  }
  return out;
}

if (import.meta.main) {
  const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
  const violations = await checkLayers(root);
  if (!Deno.args.includes("--quiet")) {
    for (const v of violations) console.log(`${v.file}: [${v.rule}] ${v.message}`);
  }
  const counts: Record<string, number> = {};
  for (const v of violations) counts[v.rule] = (counts[v.rule] ?? 0) + 1;
  console.log(
    violations.length === 0
      ? "check_layers: ok"
      : `check_layers: ${violations.length} violations ${JSON.stringify(counts)}`,
  );
  if (violations.length > 0) Deno.exit(1);
}
