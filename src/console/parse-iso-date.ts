/**
 * A date or time the way the audit filters document it: `2026-11-27`, `2026-11-27T08:00`,
 * `2026-11-27 08:00:00Z`, `2026-11-27T08:00:00.000+01:00`. `new Date(text)` took anything: `--since 12`
 * was 1 December 2001, `--since "Nov 1"` 1 November 2001 (everything since), `2026-02-30` the 2nd of
 * March — each a silent, wrong filter.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/u;

/** The instant `text` names, or undefined when it is not an ISO-8601 date (or time) of a real day. */
export function parseIsoDate(text: string): Date | undefined {
  const match = ISO.exec(text.trim());
  if (!match) return undefined;
  const number = (index: number) => Number(match[index] ?? 0);
  const [year, month, day] = [number(1), number(2), number(3)];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return undefined;
  if (number(4) > 23 || number(5) > 59 || number(6) > 59) return undefined;
  const date = new Date(text.trim().replace(' ', 'T'));
  return Number.isNaN(date.getTime()) ? undefined : date;
}
