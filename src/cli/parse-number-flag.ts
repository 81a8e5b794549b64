import { ConfigError } from '../core/errors.js';

export interface NumberFlagRules {
  integer?: boolean;
  minimum?: number;
}

/**
 * Reads a numeric flag with a message that names the flag and the value (`--threads two` → "--threads
 * must be a whole number ≥ 1, got \"two\""), never a bare NaN. Undefined stays undefined.
 */
export function parseNumberFlag(flag: string, value: string | undefined, rules: NumberFlagRules = {}): number | undefined {
  if (value === undefined) return undefined;
  return parseNumber(flag, value, rules);
}

export function parseNumber(flag: string, value: string, rules: NumberFlagRules = {}): number {
  const parsed = value.trim() === '' ? Number.NaN : Number(value);
  const integer = rules.integer === true;
  const valid = Number.isFinite(parsed) && (!integer || Number.isInteger(parsed)) && (rules.minimum === undefined || parsed >= rules.minimum);
  if (!valid) {
    const kind = integer ? 'a whole number' : 'a number';
    const bound = rules.minimum === undefined ? '' : ` ≥ ${rules.minimum}`;
    const example = Math.max(rules.minimum ?? 0, integer ? 8 : 0);
    throw new ConfigError(`${flag} must be ${kind}${bound}, got "${value}".`, { key: flag, fix: `Example: ${flag} ${example}` });
  }
  return parsed;
}

/** A commander option parser for `parseNumber` (the error is thrown before the action runs). */
export function numberOption(flag: string, rules: NumberFlagRules = {}): (value: string) => number {
  return (value) => parseNumber(flag, value, rules);
}
