/** Shell helpers for the launch scripts the recipes write. */

/** Single-quotes a value for sh unless it is a plain word. */
export function shellQuote(value: string | number | boolean): string {
  const text = String(value);
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** `  --key value \` lines; `true` flags are written bare when `bareBooleans`. */
export function flagLines(flags: Array<[string, string | number | boolean]>, options: { prefix?: string; bareBooleans?: boolean; separator?: ' ' | '=' } = {}): string {
  const prefix = options.prefix ?? '--';
  const separator = options.separator ?? ' ';
  return flags
    .map(([key, value]) => (options.bareBooleans === true && value === true ? `  ${prefix}${key}` : `  ${prefix}${key}${separator}${shellQuote(value)}`))
    .join(' \\\n');
}

export function script(lines: string[]): string {
  return ['#!/usr/bin/env bash', '# Written by `safemed train recipe`. Edit freely; the README explains every value.', 'set -euo pipefail', 'cd "$(dirname "$0")"', '', ...lines, ''].join('\n');
}

/** The reward server environment block of a GRPO script. */
export function rewardEnvironment(rewardUrl: string | undefined): string[] {
  return [
    `export SAFEMED_REWARD_URL="\${SAFEMED_REWARD_URL:-${rewardUrl ?? 'http://127.0.0.1:8700'}}"`,
    '# export SAFEMED_REWARD_API_KEY=...   # when the reward server was started with --api-key',
    'curl -fsS "$SAFEMED_REWARD_URL/health" >/dev/null || { echo "safemed reward serve is not reachable at $SAFEMED_REWARD_URL" >&2; exit 1; }',
    '',
  ];
}
