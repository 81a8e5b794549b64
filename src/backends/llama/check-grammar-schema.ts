/**
 * What a JSON schema may ask of the llama backend's grammar (node-llama-cpp turns it into GBNF, and
 * llama.cpp parses that, both on the event loop). Probing round 4 found two ways a client schema hurt
 * everyone else:
 * - size: building the grammar of a 300 KB schema (9,000 properties) held the event loop ~240 ms, an
 *   830 KB enum ~115 ms (/health waited that long); a 16 KB schema builds in ~30 ms;
 * - repetition counts over 1,000 (`minItems: 100000`, `minLength: 5000`): llama.cpp refuses the grammar
 *   and first prints all of it to stderr, outside the JSON log and its PHI redaction (property names and
 *   enum values are client text), then the request failed anyway.
 * Both are now a 400 before any grammar work. Probing round 5 found two more ways client text reached
 * stderr raw:
 * - a NUL character in any string or key (`const`, `enum`, a property name): the grammar text is cut at
 *   it inside llama.cpp, which refuses it and prints all of it first;
 * - a `$ref` that does not name a `$defs` entry in scope (`#/definitions/x`, `#`, a missing name):
 *   node-llama-cpp printed the reference with console.warn and silently accepted any JSON in its place.
 * Probing round 6: a bound that is not a number (`maxLength: "x"`) printed the grammar too.
 */
import { InvalidRequestError } from '../../core/errors.js';

/** Largest schema (characters of its JSON) turned into a llama.cpp grammar. */
export const MAX_GRAMMAR_SCHEMA_CHARS = 16 * 1024;
/** Largest repetition count llama.cpp's grammar parser accepts. */
export const MAX_GRAMMAR_REPETITIONS = 1000;

const REPETITION_KEYWORDS = ['minItems', 'maxItems', 'minLength', 'maxLength', 'minProperties', 'maxProperties'];

/** Throws a 400 (param `response_format`) when `schema` (with `json`, its JSON text) is beyond what the grammar may take. */
export function checkGrammarSchema(schema: unknown, json: string): void {
  if (json.length > MAX_GRAMMAR_SCHEMA_CHARS) {
    throw new InvalidRequestError(
      `The JSON schema is ${json.length} characters; the llama backend builds grammars for schemas of at most ${MAX_GRAMMAR_SCHEMA_CHARS} (a larger one holds the server for everyone while it is built).`,
      { param: 'response_format', code: 'schema_too_large' },
    );
  }
  // each value with the $defs names in scope where it stands (node-llama-cpp resolves `#/$defs/<name>`
  // against the $defs of the schema holding the $ref and of its ancestors)
  const stack: Array<{ value: unknown; defs: ReadonlySet<string> }> = [{ value: schema, defs: new Set() }];
  while (stack.length > 0) {
    const { value, defs } = stack.pop() as { value: unknown; defs: ReadonlySet<string> };
    if (typeof value === 'string') {
      if (value.includes('\u0000')) throw nulCharacter();
    } else if (Array.isArray(value)) {
      for (const item of value) stack.push({ value: item, defs });
    } else if (typeof value === 'object' && value !== null) {
      const record = value as Record<string, unknown>;
      for (const keyword of REPETITION_KEYWORDS) {
        const count = record[keyword];
        // a bound that is not a number (`maxLength: "x"`) made llama.cpp refuse the grammar and print all of
        // it — property names and enum values, client text — to stderr (probing round 6)
        if (count !== undefined && count !== null && (typeof count !== 'number' || !Number.isFinite(count))) {
          throw new InvalidRequestError(`The JSON schema's ${keyword} is ${typeof count === 'number' ? String(count) : `a ${typeof count}`}; it must be a number.`, {
            param: 'response_format',
            code: 'unsupported_schema',
          });
        }
        if (typeof count === 'number' && count > MAX_GRAMMAR_REPETITIONS) {
          throw new InvalidRequestError(
            `The JSON schema's ${keyword} is ${count}; the llama backend's grammar holds at most ${MAX_GRAMMAR_REPETITIONS} repetitions (leave the bound out, or lower it).`,
            { param: 'response_format', code: 'unsupported_schema' },
          );
        }
      }
      const own = record.$defs;
      const inScope = typeof own === 'object' && own !== null && !Array.isArray(own) ? new Set([...defs, ...Object.keys(own)]) : defs;
      if (typeof record.$ref === 'string') checkReference(record.$ref, inScope);
      for (const [key, item] of Object.entries(record)) {
        if (key.includes('\u0000')) throw nulCharacter();
        stack.push({ value: item, defs: inScope });
      }
    }
  }
}

function nulCharacter(): InvalidRequestError {
  return new InvalidRequestError('The JSON schema holds a NUL character (\\u0000), which the llama backend\'s grammar cannot hold; remove it.', {
    param: 'response_format',
    code: 'unsupported_schema',
  });
}

const REFERENCE_PREFIX = '#/$defs/';

function checkReference(reference: string, defs: ReadonlySet<string>): void {
  if (reference.startsWith(REFERENCE_PREFIX) && defs.has(reference.slice(REFERENCE_PREFIX.length))) return;
  throw new InvalidRequestError(
    'The JSON schema has a $ref the llama backend cannot follow: it takes only "#/$defs/<name>" naming a $defs entry of the schema or of a schema around it.',
    { param: 'response_format', code: 'unsupported_schema' },
  );
}
