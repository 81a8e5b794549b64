/**
 * Client-supplied text that travels in the generation settings rather than in the messages, for the
 * input check: the strings of `chat_template_kwargs` (a chat template renders variables such as
 * `documents`, `custom_tools` or a system message into the prompt) and of `extraBody`, values and the
 * keys below the top level (probing round 4: a request written as a key of a document), and the
 * property names, descriptions, titles, enums and constants of a `json_schema` response format (the
 * model reads the schema, or is constrained to write its keys and constants). Without it, a harmful
 * request placed there reached the model with the verdict of the harmless messages (probing round 3).
 */
import type { GenerationSettings } from '../core/chat.js';

/** JSON Schema words that are structure, not text the client wrote. */
const SCHEMA_KEYWORDS = new Set([
  '$schema', '$id', '$ref', '$defs', '$anchor', '$comment', 'definitions', 'type', 'properties', 'patternProperties',
  'additionalProperties', 'required', 'items', 'prefixItems', 'additionalItems', 'contains', 'enum', 'const', 'format',
  'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength',
  'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties', 'anyOf', 'allOf', 'oneOf', 'not', 'if',
  'then', 'else', 'default', 'examples', 'title', 'description', 'nullable', 'strict', 'dependentRequired',
  'dependentSchemas', 'propertyNames', 'unevaluatedProperties', 'unevaluatedItems', 'readOnly', 'writeOnly', 'deprecated',
]);
/** Keywords whose string values are structure (a type name, a reference), not text. */
const STRUCTURAL_VALUES = new Set(['type', '$ref', '$schema', '$id', '$anchor', 'format']);

/** A key written as one token (`steps_to_poison_someone`) is read as the words it joins. */
function words(name: string): string {
  return name.replace(/[_-]+/g, ' ');
}

/**
 * How a value is read: `schema` (a JSON schema: keys that are not schema keywords, and no structural
 * values such as a `type` name) or `all` (every key and every string value: a chat template may render
 * a variable whole with `tojson`, keys included).
 */
type Reading = 'schema' | 'all';

/**
 * Every string and object key of a JSON value (less what `reading` leaves out), in document order, one
 * a line. Iterative: no depth limit applies to a library caller.
 */
function collectStrings(root: unknown, reading: Reading, out: string[]): void {
  const schema = reading === 'schema';
  const stack: Array<{ value: unknown; key: string | undefined }> = [{ value: root, key: undefined }];
  while (stack.length > 0) {
    const { value, key } = stack.pop() as { value: unknown; key: string | undefined };
    if (typeof value === 'string') {
      if (value.trim() !== '' && !(schema && key !== undefined && STRUCTURAL_VALUES.has(key))) out.push(value);
    } else if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index -= 1) stack.push({ value: value[index] as unknown, key });
    } else if (typeof value === 'object' && value !== null) {
      const entries = Object.entries(value as Record<string, unknown>);
      for (let index = entries.length - 1; index >= 0; index -= 1) {
        const [name, item] = entries[index] as [string, unknown];
        stack.push({ value: item, key: name });
        // A property name is text (`"steps_to_poison_someone": {...}`) unless it is a schema keyword.
        if (!SCHEMA_KEYWORDS.has(name)) stack.push({ value: words(name), key: undefined });
      }
    }
  }
}

/** The client text in `settings`, one piece a line; '' when there is none (the usual case). */
export function settingsTextForAssessment(settings: GenerationSettings): string {
  const out: string[] = [];
  // The kwargs' own names are template variables (`documents`, `enable_thinking`); below them, keys are
  // text a template may print (`documents: [{"<a request>": "..."}]` reached the model as allow).
  for (const bag of [settings.chatTemplateKwargs, settings.extraBody]) {
    if (bag !== undefined) for (const value of Object.values(bag)) collectStrings(value, 'all', out);
  }
  const format = settings.responseFormat;
  if (format?.type === 'json_schema') {
    if (format.json_schema.name !== undefined) out.push(words(format.json_schema.name));
    collectStrings(format.json_schema.schema, 'schema', out);
  }
  return out.join('\n');
}
