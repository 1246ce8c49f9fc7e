/**
 * `/v3/config/*` of the control API: reads and edits the configuration with MediaMTX's key names,
 * durations as strings and passwords redacted. An edit builds the new configuration document,
 * validates it with the same code as the file loader, is applied live (the rules of a hot reload)
 * and then answered (the App moves the API listener itself only after the answer). Edits live in memory only: the file is not rewritten, and its next reload
 * discards them (as MediaMTX).
 */

import {
  classifyKey,
  type Config,
  type ConfigDocument,
  configDocument,
  ConfigError,
  configFromValue,
  DURATION_KEYS,
  globalDocument,
  pathDocument,
  type SectionKind,
} from "../config/mod.ts";
import { formatApiDuration, normalizeApiDuration } from "./api_durations.ts";
import { ApiError } from "./api_error.ts";
import { paginate } from "./pagination.ts";

/** One API request as the router hands it over: method, path below `/v3/config/`, raw JSON body. */
export interface ConfigApiRequest {
  method: string;
  /**
   * E.g. `global/get`, `paths/add/cam1`, `paths/get/some/nested/name`, as in the request URL
   * (still percent-encoded: the handler decodes the `{name}` part).
   */
  route: string;
  query: URLSearchParams;
  body: string;
}

/**
 * The answer: an HTTP status and the JSON value to send (`{"status":"error","error":…}` on errors).
 * `body` undefined means "no such route" (also a wrong method): the router answers it like any
 * unknown route (`404 page not found`, text/plain, as MediaMTX's router).
 */
export interface ConfigApiResponse {
  status: number;
  body: unknown;
}

/** What config endpoints act on: the running App implements it. */
export interface ConfigTarget {
  /** The configuration in effect. */
  readonly config: Config;
  /** Applies a validated configuration live (the same rules as a hot reload from the file). */
  applyConfig(next: Config, reason: "API request"): Promise<unknown>;
}

/** What a password becomes in every config GET. */
export const REDACTED = "<redacted>";

const API_FORMAT = { duration: formatApiDuration, redactPasswords: REDACTED };

/** Writes are serialized per target, so two concurrent edits never lose one another. */
const writeQueues = new WeakMap<ConfigTarget, Promise<unknown>>();

const ok = (body: unknown = { status: "ok" }): ConfigApiResponse => ({ status: 200, body });
const notFound: ConfigApiResponse = { status: 404, body: undefined };

/** Handles one `/v3/config/*` request. */
export async function handleConfigApi(
  req: ConfigApiRequest,
  target: ConfigTarget,
): Promise<ConfigApiResponse> {
  try {
    return await route(req, target);
  } catch (e) {
    if (e instanceof ApiError) return { status: e.status, body: { status: "error", error: e.message } };
    if (e instanceof ConfigError) return { status: 400, body: { status: "error", error: e.message } };
    return { status: 500, body: { status: "error", error: (e as Error).message } };
  }
}

function route(req: ConfigApiRequest, target: ConfigTarget): Promise<ConfigApiResponse> | ConfigApiResponse {
  const m = /^(global|pathdefaults|paths)\/(get|patch|list|add|replace|delete)(\/.*)?$/.exec(req.route);
  if (m === null) return notFound;
  const [, section, action, rest] = m;
  const method = req.method.toUpperCase();
  const want = (verb: string) => method === verb;
  if (section !== "paths") {
    if (rest !== undefined) return notFound;
    if (action === "get" && want("GET")) {
      const c = target.config;
      return ok(
        section === "global" ? globalDocument(c, API_FORMAT) : pathDocument(c.pathDefaults, API_FORMAT),
      );
    }
    if (action === "patch" && want("PATCH")) {
      const kind: SectionKind = section === "global" ? "global" : "path";
      return write(target, req, kind, (doc, body) => {
        const into = section === "global" ? doc : doc.pathDefaults as ConfigDocument;
        merge(into, body, target.config);
      });
    }
    return notFound;
  }
  if (action === "list") return rest === undefined && want("GET") ? listPaths(target, req.query) : notFound;
  const verbs: Record<string, string> = {
    get: "GET",
    add: "POST",
    patch: "PATCH",
    replace: "POST",
    delete: "DELETE",
  };
  if (rest === undefined || !want(verbs[action])) return notFound;
  const name = decodeName(rest.slice(1));
  if (action === "get") {
    const conf = target.config.paths.find((p) => p.name === name);
    if (conf === undefined) throw new ApiError(404, "path configuration not found");
    return ok({ name, ...pathDocument(conf, API_FORMAT) });
  }
  return write(target, req, action === "delete" ? undefined : "path", (doc, body) => {
    const paths = doc.paths as ConfigDocument;
    const exists = Object.hasOwn(paths, name);
    switch (action) {
      case "add":
        if (exists) throw new ApiError(400, "path already exists");
        paths[name] = {};
        merge(paths[name] as ConfigDocument, body, target.config);
        break;
      case "patch":
        if (!exists) throw new ApiError(404, "path not found");
        merge(paths[name] as ConfigDocument, body, target.config);
        break;
      case "replace":
        // MediaMTX creates an absent entry here instead of answering 404.
        paths[name] = {};
        merge(paths[name] as ConfigDocument, body, target.config);
        break;
      case "delete":
        if (!exists) throw new ApiError(404, "path not found");
        delete paths[name];
        break;
    }
  });
}

function decodeName(text: string): string {
  let name: string;
  try {
    name = decodeURIComponent(text);
  } catch {
    throw new ApiError(400, "invalid name");
  }
  if (name === "") throw new ApiError(400, "invalid name");
  return name;
}

function listPaths(target: ConfigTarget, query: URLSearchParams): ConfigApiResponse {
  const items = [...target.config.paths]
    .sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
    .map((conf) => ({ name: conf.name, ...pathDocument(conf, API_FORMAT) }));
  return ok(paginate(items, query));
}

/**
 * A configuration edit: decodes the body strictly (`kind` says which keys it may hold; none for
 * DELETE), edits a copy of the current document, validates it as the file loader would, applies
 * it live and answers. Edits of one target run one at a time.
 */
function write(
  target: ConfigTarget,
  req: ConfigApiRequest,
  kind: SectionKind | undefined,
  edit: (doc: ConfigDocument, body: ConfigDocument) => void,
): Promise<ConfigApiResponse> {
  const body = kind === undefined ? {} : decodeBody(req.body, kind);
  const previous = writeQueues.get(target) ?? Promise.resolve();
  const run = previous.then(async () => {
    const doc = configDocument(target.config);
    edit(doc, body);
    const { config } = configFromValue(doc);
    await target.applyConfig(config, "API request");
    return ok();
  });
  writeQueues.set(target, run.catch(() => {}));
  return run;
}

/** Parses a JSON object body; an unknown key is `json: unknown field "x"`, as Go's strict decoder says. */
function decodeBody(text: string, kind: SectionKind): ConfigDocument {
  if (text.trim() === "") throw new ApiError(400, "EOF");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ApiError(400, `invalid JSON: ${(e as Error).message}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ApiError(400, `json: cannot unmarshal ${jsonKind(value)} into a configuration object`);
  }
  const out: ConfigDocument = {};
  for (const [key, v] of Object.entries(value)) {
    if (kind === "path" && key === "name") continue; // as paths/get shows it; the URL names the path
    const cls = classifyKey(kind, key);
    if (cls.kind === "unknown") throw new ApiError(400, `json: unknown field ${JSON.stringify(key)}`);
    if (cls.kind === "foreign" || v === null) continue; // a MediaMTX key we do not use; null: unchanged
    checkNested(key, v);
    out[key] = DURATION_KEYS.has(cls.canonical) ? normalizeApiDuration(v) : v;
  }
  return out;
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (v === null) return "null";
  return typeof v === "string" ? "string" : typeof v === "number" ? "number" : typeof v;
}

/** Fields of the objects inside list keys, checked as strictly as the top level. */
const NESTED_FIELDS: Record<string, readonly string[]> = {
  authInternalUsers: ["user", "pass", "ips", "permissions"],
  authHTTPExclude: ["action", "path"],
  authJWTExclude: ["action", "path"],
};
const PERMISSION_FIELDS = ["action", "path"];

function checkNested(key: string, value: unknown): void {
  const fields = NESTED_FIELDS[key];
  if (fields === undefined || !Array.isArray(value)) return;
  value.forEach((item, i) => {
    if (item === null || typeof item !== "object" || Array.isArray(item)) return;
    for (const [k, v] of Object.entries(item)) {
      if (!fields.includes(k)) throw new ApiError(400, `json: unknown field "${key}[${i}].${k}"`);
      if (k !== "permissions" || !Array.isArray(v)) continue;
      v.forEach((p, j) => {
        if (p === null || typeof p !== "object" || Array.isArray(p)) return;
        for (const pk of Object.keys(p)) {
          if (!PERMISSION_FIELDS.includes(pk)) {
            throw new ApiError(400, `json: unknown field "${key}[${i}].permissions[${j}].${pk}"`);
          }
        }
      });
    }
  });
}

/**
 * Merges body keys into a section of the document. A user sent back with the redacted password
 * (read, edited, written back) keeps the password that user has now.
 */
function merge(into: ConfigDocument, body: ConfigDocument, current: Config): void {
  for (const [key, v] of Object.entries(body)) {
    into[key] = key === "authInternalUsers" ? keepRedactedPasswords(v, current) : v;
  }
}

function keepRedactedPasswords(users: unknown, current: Config): unknown {
  if (!Array.isArray(users)) return users;
  return users.map((u) => {
    if (u === null || typeof u !== "object" || (u as { pass?: unknown }).pass !== REDACTED) return u;
    const name = (u as { user?: unknown }).user;
    const existing = current.authInternalUsers.find((c) => c.user === name);
    if (existing === undefined) {
      throw new ApiError(400, `authInternalUsers: user ${JSON.stringify(name)} has no password to keep`);
    }
    return { ...u, pass: existing.pass };
  });
}
