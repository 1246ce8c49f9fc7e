/**
 * Old MediaMTX configs protect paths with per-path `publishUser`, `publishPass`, `publishIPs`,
 * `readUser`, `readPass`, `readIPs`. Ignoring them would silently open those paths, so they are
 * converted into authInternalUsers as MediaMTX does: one publish user and one read user per path
 * ("any" when no user is given), plus anonymous playback and localhost API/metrics/pprof.
 * Unlike MediaMTX (which uses 0.0.0.0/0, IPv4 only), missing IP lists mean any IPv4 or IPv6 client.
 */

import { isDeepStrictEqual } from "node:util";
import { credentialProblem, ipListValue } from "./auth_users.ts";
import type { Origins } from "./build.ts";
import { ConfigError } from "./config_error.ts";
import { defaultAuthInternalUsers } from "./defaults.ts";
import { stringValue } from "./decode.ts";
import { LEGACY_CREDENTIAL_KEYS } from "./schema.ts";
import type { Section } from "./sections.ts";
import type { AuthInternalUser, Config } from "./types.ts";

/** Replaces authInternalUsers when any path uses the legacy credential keys. */
export function convertLegacyCredentials(config: Config, origins: Origins): void {
  const sections: Section[] = [
    origins.rawPathDefaults,
    ...config.paths.map((_, i) => origins.rawPath(i).section),
  ];
  if (!sections.some((s) => LEGACY_CREDENTIAL_KEYS.some((k) => s.has(k)))) return;
  if (
    origins.isSet("authInternalUsers") &&
    !isDeepStrictEqual(config.authInternalUsers, defaultAuthInternalUsers())
  ) {
    throw new ConfigError(
      "authInternalUsers",
      "cannot be combined with the legacy per-path credentials (publishUser, publishPass, publishIPs, readUser, " +
        "readPass, readIPs); move those into authInternalUsers",
      origins.global("authInternalUsers"),
    );
  }
  const users: AuthInternalUser[] = [
    { user: "any", pass: "", ips: [], permissions: [{ action: "playback", path: "" }] },
    defaultAuthInternalUsers()[1],
  ];
  config.paths.forEach((path, i) => {
    const own = origins.rawPath(i).section;
    const permissionPath = path.name === "all_others" ? "~^.*$" : path.name;
    for (const action of ["publish", "read"] as const) {
      const get = (suffix: string) =>
        own.get(`${action}${suffix}`) ?? origins.rawPathDefaults.get(`${action}${suffix}`);
      const userEntry = get("User");
      const passEntry = get("Pass");
      const ipsEntry = get("IPs");
      const user = userEntry === undefined ? "" : stringValue(userEntry.value, userEntry.label);
      const pass = passEntry === undefined ? "" : stringValue(passEntry.value, passEntry.label);
      const ips = ipsEntry === undefined ? [] : ipListValue(ipsEntry.value, ipsEntry.label);
      if (user === "" && pass !== "") {
        throw new ConfigError(passEntry!.label, `needs ${action}User as well`, passEntry!.value.origin);
      }
      for (const [entry, value] of [[userEntry, user], [passEntry, pass]] as const) {
        const problem = credentialProblem(value);
        if (problem !== undefined && entry !== undefined) {
          throw new ConfigError(entry.label, problem, entry.value.origin);
        }
      }
      users.push({
        user: user === "" ? "any" : user,
        pass,
        ips,
        permissions: [{ action, path: permissionPath }],
      });
    }
  });
  config.authInternalUsers = users;
}
