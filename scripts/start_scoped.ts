/**
 * `deno task start:scoped [--ffi] [options] [path/to/mediamtx.yml]`: runs main.ts with exactly the
 * permissions of scripts/permissions.ts instead of `-A` (`--ffi` adds FFI for the fan-out's fast
 * paths), forwarding the other arguments, signals and the exit code.
 */

import { fileURLToPath } from "node:url";
import { serverPermissionFlags, takeFfiOption } from "./permissions.ts";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));
const DENO_JSON = fileURLToPath(new URL("../deno.json", import.meta.url));
const FORWARDED: Deno.Signal[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** Runs the server under the scoped permissions and resolves with its exit code. */
export async function startScoped(argv: string[]): Promise<number> {
  const [args, ffi] = takeFfiOption(argv);
  const configPath = args.find((a) => !a.startsWith("-"));
  const flags = serverPermissionFlags({ configPath, ffi });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", `--config=${DENO_JSON}`, ...flags, MAIN, ...args],
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
    // Own process group: a Ctrl-C on the terminal reaches this wrapper only, which forwards it once.
    // (Delivered twice, the second SIGINT would interrupt the server's graceful shutdown.)
    detached: true,
  }).spawn();
  const handlers = FORWARDED.map((signal) => {
    const handler = () => {
      try {
        child.kill(signal);
      } catch {
        // Already exited.
      }
    };
    Deno.addSignalListener(signal, handler);
    return [signal, handler] as const;
  });
  try {
    return (await child.status).code;
  } finally {
    for (const [signal, handler] of handlers) Deno.removeSignalListener(signal, handler);
  }
}

if (import.meta.main) {
  Deno.exit(await startScoped(Deno.args));
}
