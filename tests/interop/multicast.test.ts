/**
 * Multicast runs inside a private network namespace (`unshare -n`, loopback up, 224.0.0.0/4
 * routed to lo) so no packet can leave the machine. This host-side test re-runs the suite
 * in `netns/multicast_in_netns.ts` there and fails with its output when it fails.
 */
import assert from "node:assert/strict";
import { isCI } from "../_helpers/clients.ts";
import { REPO_ROOT } from "../_helpers/server_process.ts";

async function canUnshare(): Promise<boolean> {
  try {
    const out = await new Deno.Command("unshare", { args: ["-n", "true"], stdout: "null", stderr: "null" })
      .output();
    return out.success;
  } catch {
    return false;
  }
}

const available = await canUnshare();
if (!available && !isCI()) console.log("multicast tests skipped: `unshare -n` needs root (or CAP_SYS_ADMIN)");

Deno.test({
  name: "multicast suite in a private network namespace (ffmpeg, GStreamer, groups, counters)",
  ignore: !available && !isCI(),
  async fn() {
    const script = [
      "set -e",
      "ip link set lo up",
      "ip route add 224.0.0.0/4 dev lo",
      `exec "${Deno.execPath()}" test -A --no-check "${REPO_ROOT}/tests/interop/netns/multicast_in_netns.ts"`,
    ].join("\n");
    const out = await new Deno.Command("unshare", {
      args: ["-n", "bash", "-c", script],
      env: { NO_COLOR: "1", IN_NETNS: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    for (const line of text.split("\n")) {
      if (/^(multicast:| *\S.* \.\.\. (ok|FAILED))/.test(line)) console.log(line);
    }
    assert.ok(out.success, `the namespace suite failed:\n${text}`);
    assert.match(text, /ok \| [1-9]\d* passed \| 0 failed/);
  },
});
