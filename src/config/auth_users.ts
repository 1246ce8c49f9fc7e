/** Decoding and validation of `authInternalUsers` entries and their credentials. */

import { type Decoder, enumValue, fail, listItems, listValue, show, stringValue } from "./decode.ts";
import { isIPOrCidr } from "./ip.ts";
import { validatePathName } from "./path_match.ts";
import type { RawNode } from "./raw.ts";
import { suggest } from "./suggest.ts";
import type { AuthInternalUser, AuthPermission } from "./types.ts";

/** The actions a permission can grant. */
const AUTH_ACTIONS: readonly AuthPermission["action"][] = [
  "publish",
  "read",
  "playback",
  "api",
  "metrics",
  "pprof",
];

// MediaMTX limits plain credentials to these characters (they must survive URLs and headers).
const PLAIN_CREDENTIAL = /^[A-Za-z0-9!$()*+.;<=>[\]^_\-{}@#&]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
// The PHC string of the `argon2` command and of Go's argon2 encoders (argon2d is not accepted).
const ARGON2 = /^\$argon2(id|i)\$(v=\d+\$)?m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

/** Whether a credential is stored hashed (`sha256:<base64>` or `argon2:<encoded>`). */
export function isHashedCredential(value: string): boolean {
  return value.startsWith("sha256:") || value.startsWith("argon2:");
}

/** Checks a user or password; returns the reason it is invalid, or undefined. */
export function credentialProblem(value: string): string | undefined {
  if (value.startsWith("sha256:")) {
    return BASE64.test(value.slice(7)) ? undefined : "a sha256: credential must be followed by base64 text";
  }
  if (value.startsWith("argon2:")) {
    return ARGON2.test(value.slice(7))
      ? undefined
      : "an argon2: credential must be an encoded argon2id or argon2i hash ($argon2id$v=19$m=…,t=…,p=…$salt$hash)";
  }
  if (value === "" || PLAIN_CREDENTIAL.test(value)) return undefined;
  return "may only contain letters, digits and ! $ ( ) * + . ; < = > [ ] ^ _ - { } @ # &";
}

/** Validates a permission's path: "" (any), `~regex`, or a path name. Throws Error with the reason. */
function validatePermissionPath(path: string): void {
  if (path === "") return;
  if (path.startsWith("~")) {
    try {
      new RegExp(path.slice(1));
    } catch (error) {
      throw new Error(`invalid regular expression ${JSON.stringify(path)}: ${(error as Error).message}`);
    }
    return;
  }
  validatePathName(path);
}

const permissionPath: Decoder<string> = (node, key) => {
  const path = stringValue(node, key);
  try {
    validatePermissionPath(path);
  } catch (error) {
    fail(node, key, (error as Error).message);
  }
  return path;
};

const ipValue: Decoder<string> = (node, key) => {
  const text = stringValue(node, key).trim();
  if (!isIPOrCidr(text)) fail(node, key, `${show(node)} is not an IP address or CIDR`);
  return text;
};

/** A list of IP addresses or CIDRs. */
export const ipListValue: Decoder<string[]> = listValue(ipValue);
const actionValue = enumValue(AUTH_ACTIONS);

/** Decodes the fields of a mapping: every key must be in `fields`, nulls mean "default". */
function decodeObject<T extends object>(
  node: RawNode,
  key: string,
  defaults: T,
  fields: { [K in keyof T]: Decoder<T[K]> },
): T {
  if (node.kind !== "map") fail(node, key, `expected a mapping, got ${show(node)}`);
  const out = { ...defaults };
  const names = Object.keys(fields) as (keyof T & string)[];
  for (const entry of node.entries) {
    const name = names.find((n) => n === entry.key);
    if (name === undefined) {
      const hint = suggest(entry.key, names);
      const reason = `unknown key ${JSON.stringify(entry.key)}${hint ? `; did you mean "${hint}"?` : ""}`;
      fail({ ...entry.value, origin: entry.keyOrigin }, `${key}.${entry.key}`, reason);
    }
    if (entry.value.kind === "scalar" && entry.value.value === null) continue;
    out[name] = fields[name](entry.value, `${key}.${name}`);
  }
  return out;
}

const permissionValue: Decoder<AuthPermission> = (node, key) =>
  decodeObject(node, key, { action: undefined as unknown as AuthPermission["action"], path: "" }, {
    action: actionValue,
    path: permissionPath,
  });

/** A list of `{action, path}` permissions (also `authHTTPExclude`, `authJWTExclude`). */
export const permissionListValue: Decoder<AuthPermission[]> = (n, k) =>
  listItems(n, k).map((item, i) => {
    const p = permissionValue(item, `${k}[${i}]`);
    if (p.action === undefined) {
      fail(item, `${k}[${i}]`, `missing "action" (one of ${AUTH_ACTIONS.join(", ")})`);
    }
    return p;
  });

const userValue: Decoder<AuthInternalUser> = (node, key) => {
  const empty: AuthInternalUser = { user: "", pass: "", ips: [], permissions: [] };
  const user = decodeObject(node, key, empty, {
    user: stringValue,
    pass: stringValue,
    ips: ipListValue,
    permissions: permissionListValue,
  });
  if (user.user === "") fail(node, `${key}.user`, 'must not be empty (use "any" for anyone)');
  if (user.user === "any" && user.pass !== "") fail(node, `${key}.pass`, 'must be empty when user is "any"');
  for (const field of ["user", "pass"] as const) {
    const problem = credentialProblem(user[field]);
    if (problem !== undefined) fail(node, `${key}.${field}`, problem);
  }
  return user;
};

/** Decodes `authInternalUsers`. */
export const authInternalUsersValue: Decoder<AuthInternalUser[]> = (node, key) =>
  listItems(node, key).map((item, i) => userValue(item, `${key}[${i}]`));
