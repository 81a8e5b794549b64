import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * A benchmark's command line: its options plus `--help`. A bad flag prints the error and the usage line
 * and exits 2; `--help` prints the usage line and exits 0.
 */
export function parseBenchArgs<T extends Options>(options: T, usage: string): ReturnType<typeof parseArgs<{ options: T }>>['values'] {
  const withHelp: Options = { ...options, help: { type: 'boolean', short: 'h', default: false } };
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ options: withHelp }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
  if (values.help === true) {
    console.log(usage);
    process.exit(0);
  }
  return values as ReturnType<typeof parseArgs<{ options: T }>>['values'];
}

/** `value` as a whole number ≥ 1, or a message naming `flag` and the usage line, exit 2. */
export function positiveWholeNumber(flag: string, value: string, usage: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) {
    console.error(`${flag} must be a positive whole number, got "${value}"\n${usage}`);
    process.exit(2);
  }
  return number;
}
