/** What a request wants to do, as MediaMTX permissions name it. */
export type AuthAction = "publish" | "read" | "playback" | "api" | "metrics" | "pprof";

/** One permission: an action, on any path (`""`), one path, or paths matching `~regex`. */
export interface AuthPermission {
  action: string;
  path: string;
}

/** A user of internal authentication (`authInternalUsers`), as plain options. */
export interface AuthUser {
  /** `any` (anyone, anonymous included), a plain name, or `sha256:<base64 of SHA-256>`. */
  user: string;
  /** Plain password or `sha256:<base64>`; empty for `any`. */
  pass: string;
  /** Allowed client IPs or CIDRs; empty means any address. */
  ips: string[];
  permissions: AuthPermission[];
}

/** Whether `permissions` allow `action` on `path`. */
export function allows(permissions: readonly AuthPermission[], action: AuthAction, path: string): boolean {
  return permissions.some((p) => {
    if (p.action !== action) return false;
    // MediaMTX ignores the path of api, metrics and pprof permissions.
    if (p.path === "" || (action !== "publish" && action !== "read" && action !== "playback")) return true;
    if (p.path.startsWith("~")) {
      try {
        return new RegExp(p.path.slice(1)).test(path);
      } catch {
        return false; // the config validated it; never let a bad pattern grant access
      }
    }
    return p.path === path;
  });
}
