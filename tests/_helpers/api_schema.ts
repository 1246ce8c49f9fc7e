/** Checks control API objects field by field against tests/fixtures/api/schema.json. */
import assert from "node:assert/strict";

const SCHEMA = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/api/schema.json", import.meta.url)),
) as Record<string, Record<string, string>>;

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function typeMatches(type: string, value: unknown): boolean {
  return type.split("|").some((t) => {
    switch (t) {
      case "null":
        return value === null;
      case "time":
        return typeof value === "string" && TIME.test(value);
      case "uuid":
        return typeof value === "string" && UUID.test(value);
      case "array":
        return Array.isArray(value);
      case "object":
        return typeof value === "object" && value !== null && !Array.isArray(value);
      case "string":
        return typeof value === "string";
      case "number":
        return typeof value === "number";
      case "boolean":
        return typeof value === "boolean";
      default:
        throw new Error(`unknown schema type ${t}`);
    }
  });
}

/** Asserts that `value` has exactly the fields of schema entry `name`, each of its type. */
export function assertSchema(name: string, value: unknown): void {
  const schema = SCHEMA[name];
  assert.ok(schema !== undefined, `no schema ${name}`);
  assert.ok(typeof value === "object" && value !== null, `${name}: not an object: ${JSON.stringify(value)}`);
  const obj = value as Record<string, unknown>;
  assert.deepEqual(Object.keys(obj).sort(), Object.keys(schema).sort(), `${name}: field set`);
  for (const [field, type] of Object.entries(schema)) {
    assert.ok(
      typeMatches(type, obj[field]),
      `${name}.${field}: ${JSON.stringify(obj[field])} is not ${type}`,
    );
  }
}
