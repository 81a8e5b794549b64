/**
 * A cell or field of a benchmark file as text: strings as they are, numbers and booleans printed,
 * missing values empty, dates in ISO form, anything else (an object, a list) as JSON — never
 * "[object Object]".
 */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}
