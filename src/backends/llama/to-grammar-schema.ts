/**
 * A client's JSON schema in the form node-llama-cpp's grammar builder reads it (probing round 6). That
 * builder knows `type`, `properties`, `additionalProperties`, `items`, `prefixItems`, `oneOf`, `enum`,
 * `const`, `$ref`/`$defs`, the length and count bounds and three string formats; anything else it reads
 * as "no type" and forces the answer to `null`, or ignores. Found with the tiny GGUF and `strict: true`:
 * - `{"anyOf": [{"type": "string"}, {"type": "integer"}]}` (every Pydantic `Optional[...]` field) was
 *   always answered `null`, a value the schema forbids; so were `allOf: [...]`, `{}` and a schema
 *   without `type` (`{"properties": {...}}`);
 * - `"format": "email"` (any format but date, time and date-time) forced the empty string `""`;
 * - `"type": ["object", "null"]` could only be `null`; `{"type": "object"}` only `{}`;
 * - `pattern`, `minimum`/`maximum`, `multipleOf`, `not`, `uniqueItems`… were ignored: `minimum: 5` gave 1.
 * Now: `anyOf` is the same union as `oneOf`; a one-schema `allOf` is that schema; a missing type is read
 * from the keywords (`properties` → object, `items` → array, none → any JSON); type lists are split.
 * A keyword the grammar cannot enforce is a 400 naming it when the
 * client asked for `strict: true` (the answer would not be checked against it), and left out otherwise
 * (best effort, as OpenAI's non-strict mode).
 */
import { InvalidRequestError } from '../../core/errors.js';

/** Keywords the llama grammar does not enforce. */
const UNENFORCED = [
  'pattern', 'patternProperties', 'propertyNames', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf',
  'not', 'if', 'then', 'else', 'uniqueItems', 'contains', 'minContains', 'maxContains', 'dependentRequired', 'dependentSchemas',
  'dependencies', 'unevaluatedProperties', 'unevaluatedItems', 'contentEncoding', 'contentMediaType',
];
/** String formats the grammar enforces. */
const FORMATS = new Set(['date-time', 'date', 'time']);
/** Keywords that say what a value is (an `anyOf`/`allOf` beside one of them is an intersection, not a union). */
const SHAPE_KEYWORDS = ['type', 'properties', 'additionalProperties', 'items', 'prefixItems', 'enum', 'const', '$ref', 'oneOf'];
const OBJECT_KEYWORDS = ['properties', 'additionalProperties', 'minProperties', 'maxProperties', 'required'];
const ARRAY_KEYWORDS = ['items', 'prefixItems', 'minItems', 'maxItems'];
const STRING_KEYWORDS = ['minLength', 'maxLength', 'format'];
const PRIMITIVE_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null']);

/** Any JSON value, in the grammar builder's terms. */
const ANY_JSON = (): Record<string, unknown> => ({
  oneOf: [{ type: ['string', 'number', 'boolean', 'null'] }, { type: 'object', additionalProperties: true }, { type: 'array' }],
});

const has = (node: Record<string, unknown>, key: string) => Object.hasOwn(node, key) && node[key] !== undefined;
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The grammar builder's form of `schema`; throws a 400 (param `response_format`) for what it cannot honour under `strict`. */
export function toGrammarSchema(schema: Record<string, unknown>, strict: boolean): Record<string, unknown> {
  const converted = convert(schema, 'schema', strict);
  return isObject(converted) ? converted : ANY_JSON();
}

function unsupported(message: string): InvalidRequestError {
  return new InvalidRequestError(message, { param: 'response_format', code: 'unsupported_schema' });
}

function notEnforced(path: string, what: string): InvalidRequestError {
  return unsupported(
    `The JSON schema's ${path} (${what}) is not enforced by the llama backend's grammar, so a strict answer could break it; remove it, or send "strict": false to accept an answer not checked against it.`,
  );
}

function convert(value: unknown, path: string, strict: boolean): unknown {
  if (value === true) return ANY_JSON();
  if (value === false) throw unsupported(`The JSON schema's ${path} is false (no value allowed); the llama backend cannot answer it.`);
  if (!isObject(value)) throw unsupported(`The JSON schema's ${path} is not a schema object.`);
  const node: Record<string, unknown> = { ...value };
  for (const keyword of UNENFORCED) {
    if (!has(node, keyword)) continue;
    if (strict) throw notEnforced(`${path}.${keyword}`, keyword);
    Reflect.deleteProperty(node, keyword);
  }
  if (has(node, 'format') && !FORMATS.has(String(node.format))) {
    if (strict) throw notEnforced(`${path}.format`, `format ${JSON.stringify(String(node.format)).slice(0, 40)}`);
    delete node.format;
  }
  const merged = onlyOfAllOf(node, path, strict);
  if (merged !== undefined) return convert(merged, path, strict);
  anyOfToOneOf(node, path, strict);
  if (Array.isArray(node.type)) return splitTypes(node, path, strict);
  if (!has(node, 'type') && !['enum', 'const', '$ref', 'oneOf'].some((key) => has(node, key))) {
    const inferred = inferType(node);
    if (inferred === undefined) return { ...annotations(node), ...ANY_JSON() };
    node.type = inferred;
  }
  return convertChildren(objectDefaults(node), path, strict);
}

/** `anyOf` → `oneOf` (both are a union to a grammar). */
function anyOfToOneOf(node: Record<string, unknown>, path: string, strict: boolean): void {
  if (!has(node, 'anyOf')) return;
  if (SHAPE_KEYWORDS.some((key) => has(node, key)) || !Array.isArray(node.anyOf)) {
    if (strict) throw notEnforced(`${path}.anyOf`, 'anyOf beside other type keywords');
  } else node.oneOf = node.anyOf;
  delete node.anyOf;
}

/** A one-schema `allOf` (Pydantic wraps a described `$ref` in one) is that schema; undefined when there is none to take. */
function onlyOfAllOf(node: Record<string, unknown>, path: string, strict: boolean): Record<string, unknown> | undefined {
  if (!has(node, 'allOf')) return undefined;
  const [only, ...rest] = Array.isArray(node.allOf) ? (node.allOf as unknown[]) : [];
  delete node.allOf;
  if (only !== undefined && rest.length === 0 && isObject(only) && !SHAPE_KEYWORDS.some((key) => has(node, key))) {
    const defs = has(node, '$defs') || has(only, '$defs') ? { $defs: { ...(only.$defs as object | undefined), ...(node.$defs as object | undefined) } } : {};
    return { ...only, ...annotations(node), ...defs };
  }
  if (strict) throw notEnforced(`${path}.allOf`, 'allOf of several schemas, or beside other type keywords');
  return undefined;
}

function annotations(node: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const key of ['description', 'title', '$defs']) if (has(node, key)) kept[key] = node[key];
  return kept;
}

function inferType(node: Record<string, unknown>): string | undefined {
  if (OBJECT_KEYWORDS.some((key) => has(node, key))) return 'object';
  if (ARRAY_KEYWORDS.some((key) => has(node, key))) return 'array';
  if (STRING_KEYWORDS.some((key) => has(node, key))) return 'string';
  return undefined;
}

/**
 * `type: ["object", "null"]`: one alternative per type the builder only reads alone. The children are
 * converted once and shared by the alternatives (converting them per alternative doubled the work at each
 * nested level: a 770-character schema took 300 ms).
 */
function splitTypes(node: Record<string, unknown>, path: string, strict: boolean): unknown {
  const types = (node.type as unknown[]).map(String);
  const primitives = types.filter((type) => PRIMITIVE_TYPES.has(type));
  const shaped = types.filter((type) => type === 'object' || type === 'array');
  if (shaped.length === 0 && !(primitives.includes('string') && STRING_KEYWORDS.some((key) => has(node, key)))) return convertChildren(node, path, strict);
  const converted = convertChildren(node, path, strict);
  // each alternative holds only its own type's keywords, so each converted child appears once in the result
  const only = (type: string, keywords: string[]) => {
    const alternative: Record<string, unknown> = { type };
    for (const key of keywords) if (has(converted, key)) alternative[key] = converted[key];
    return alternative;
  };
  const alternatives: unknown[] = shaped.map((type) => objectDefaults(only(type, type === 'object' ? OBJECT_KEYWORDS : ARRAY_KEYWORDS)));
  if (primitives.includes('string')) alternatives.push(only('string', STRING_KEYWORDS));
  const rest = primitives.filter((type) => type !== 'string');
  if (rest.length > 0) alternatives.push({ type: rest });
  return { ...annotations(node), oneOf: alternatives };
}

/** `{"type": "object"}` alone is any object in JSON Schema; the builder read it as `{}` only. */
function objectDefaults(node: Record<string, unknown>): Record<string, unknown> {
  if (node.type === 'object' && !has(node, 'properties') && !has(node, 'additionalProperties')) node.additionalProperties = true;
  return node;
}

function convertChildren(node: Record<string, unknown>, path: string, strict: boolean): Record<string, unknown> {
  if (isObject(node.properties)) {
    const properties: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(node.properties)) properties[key] = convert(child, `${path}.properties.${key}`, strict);
    node.properties = properties;
  }
  if (isObject(node.additionalProperties)) node.additionalProperties = convert(node.additionalProperties, `${path}.additionalProperties`, strict);
  if (node.items === false && Array.isArray(node.prefixItems)) node.maxItems = node.prefixItems.length; // no items past the prefix
  if (typeof node.items === 'boolean') delete node.items;
  else if (node.items !== undefined) node.items = convert(node.items, `${path}.items`, strict);
  if (Array.isArray(node.prefixItems)) node.prefixItems = node.prefixItems.map((child, index) => convert(child, `${path}.prefixItems[${index}]`, strict));
  if (Array.isArray(node.oneOf)) node.oneOf = node.oneOf.map((child, index) => convert(child, `${path}.oneOf[${index}]`, strict));
  if (isObject(node.$defs)) {
    const defs: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(node.$defs)) defs[key] = convert(child, `${path}.$defs.${key}`, strict);
    node.$defs = defs;
  }
  return node;
}
