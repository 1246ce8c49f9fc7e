/**
 * `deno task compile [--ffi] [output]`: a self-contained server binary (default `dist/mediamtx-deno`)
 * with the permissions of scripts/permissions.ts baked in (`--ffi`: with FFI, for the fan-out's fast
 * paths).
 *
 * `deno compile` needs Deno's `denort` runtime, which it downloads from dl.deno.land. Offline, point
 * `DENORT_BIN` at a denort binary of the same Deno version (it is passed through to deno compile).
 */

import { fileURLToPath } from "node:url";
import { serverPermissionFlags, takeFfiOption } from "./permissions.ts";
import { SEND_WORKER_MODULES } from "../src/transport/udp_send_threads.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const DEFAULT_OUTPUT = `${ROOT}dist/mediamtx-deno`;

/** Compiles main.ts to `output`; resolves with deno compile's exit code. */
export async function compile(output: string = DEFAULT_OUTPUT, ffi = false): Promise<number> {
  const denort = Deno.env.get("DENORT_BIN");
  if (denort !== undefined) {
    try {
      Deno.statSync(denort);
    } catch {
      console.error(`DENORT_BIN=${denort} does not exist`);
      return 1;
    }
  }
  // The configuration path is given when the binary runs, so reads cannot be narrowed here.
  const flags = serverPermissionFlags({ anyReadPath: true, ffi });
  // The UDP send worker (rtspUDPSendThreads > 1) is started from a URL, which deno compile does not follow.
  const include = SEND_WORKER_MODULES.map((u) => `--include=${fileURLToPath(u)}`);
  const args = [
    "compile",
    `--config=${ROOT}deno.json`,
    ...flags,
    ...include,
    "--output",
    output,
    `${ROOT}main.ts`,
  ];
  console.error(`$ deno ${args.join(" ")}`);
  const result = await new Deno.Command(Deno.execPath(), {
    args,
    stdin: "null",
    stdout: "inherit",
    stderr: "piped",
    // DENORT_BIN, when set, is inherited with the rest of the environment.
  }).output();
  const stderr = new TextDecoder().decode(result.stderr);
  await Deno.stderr.write(result.stderr);
  if (result.success) {
    console.error(`compiled ${output}`);
    return 0;
  }
  if (denort === undefined && /denort|dl\.deno\.land|error sending request|dns error/i.test(stderr)) {
    console.error(
      `\ncannot download denort (Deno's runtime for compiled binaries, from dl.deno.land); ` +
        `set DENORT_BIN=/path/to/denort to compile offline (a denort ${Deno.version.deno} for this platform, ` +
        `from denort-<target>.zip of the Deno release)`,
    );
  }
  return result.code === 0 ? 1 : result.code;
}

if (import.meta.main) {
  const [args, ffi] = takeFfiOption(Deno.args);
  Deno.exit(await compile(args[0], ffi));
}
