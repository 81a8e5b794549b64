/**
 * The audit page's search: filters records of the audit trail (src/audit, read through its own
 * `export`) by time range, action, risk level, dimension and model, using the same summary of the
 * verdicts the client got (`toSafemedResponseObject` from src/serve).
 */
import { z } from 'zod';
import type { AuditRecord } from '../audit/audit-record.js';
import { toSafemedResponseObject } from '../serve/safemed-response-object.js';
import { parseIsoDate } from './parse-iso-date.js';

const optionalText = z
  .string()
  .trim()
  .max(200)
  .optional()
  .transform((value) => (value === '' ? undefined : value));
const optionalDate = optionalText.pipe(
  z
    .string()
    .refine((value) => parseIsoDate(value) !== undefined, 'must be a date or time, e.g. 2026-11-27 or 2026-11-27T08:00:00Z')
    .transform((value) => parseIsoDate(value) ?? new Date(Number.NaN))
    .optional(),
);

/** One of `values`, or nothing (absent or empty); a wrong value is named with the values it may take ("Invalid input." before). */
function optionalChoice<T extends readonly [string, ...string[]]>(values: T) {
  return z.preprocess((value) => (value === '' ? undefined : value), z.enum(values, { error: `must be one of ${values.join(', ')}` }).optional());
}

export const auditFilterSchema = z.object({
  from: optionalDate,
  to: optionalDate,
  action: optionalChoice(['allow', 'caution', 'steer', 'block', 'escalate', 'none'] as const),
  risk: optionalChoice(['low', 'medium', 'high'] as const),
  dimension: optionalText,
  model: optionalText,
  limit: z
    .string()
    .regex(/^\d{1,4}$/u, 'must be a whole number from 1 to 1000')
    .transform(Number)
    .pipe(z.number().min(1, 'must be a whole number from 1 to 1000').max(1000, 'must be a whole number from 1 to 1000'))
    .default(100),
});

export type AuditFilter = z.infer<typeof auditFilterSchema>;

/** One row of the audit list: enough to pick an exchange, nothing more. */
export interface AuditListItem {
  id: number;
  requestId: string;
  receivedAt: string;
  model: string;
  servedModelName: string;
  status: number;
  finishReason: string | null;
  action: string | null;
  riskLevel: string | null;
  dimension: string | null;
  /** The last user message (already redacted in the trail), cut to 140 characters. */
  preview: string;
}

export function summarizeVerdicts(record: AuditRecord) {
  return toSafemedResponseObject(record.verdicts);
}

export function matchesAuditFilter(record: AuditRecord, filter: AuditFilter): boolean {
  const received = Date.parse(record.receivedAt);
  if (filter.from && received < filter.from.getTime()) return false;
  if (filter.to && received > filter.to.getTime()) return false;
  if (filter.model && record.model !== filter.model && record.servedModelName !== filter.model) return false;
  if (filter.action || filter.risk || filter.dimension) {
    const summary = summarizeVerdicts(record);
    if (filter.action === 'none') {
      if (summary) return false;
    } else if (filter.action && summary?.action !== filter.action) return false;
    if (filter.risk && summary?.risk_level !== filter.risk) return false;
    if (filter.dimension && summary?.dimension !== filter.dimension) return false;
  }
  return true;
}

export function toAuditListItem(record: AuditRecord): AuditListItem {
  const summary = summarizeVerdicts(record);
  const lastUser = record.messages.filter((message) => message.role === 'user').at(-1)?.content ?? '';
  return {
    id: record.id,
    requestId: record.requestId,
    receivedAt: record.receivedAt,
    model: record.model,
    servedModelName: record.servedModelName,
    status: record.status,
    finishReason: record.finishReason,
    action: summary?.action ?? null,
    riskLevel: summary?.risk_level ?? null,
    dimension: summary?.dimension ?? null,
    preview: lastUser.length > 140 ? `${lastUser.slice(0, 140)}…` : lastUser,
  };
}

/** Milliseconds from arrival to the first token and to the end (null when unknown). */
export function auditTimings(record: AuditRecord): { firstTokenMs: number | null; totalMs: number } {
  const received = Date.parse(record.receivedAt);
  return {
    firstTokenMs: record.firstTokenAt === null ? null : Date.parse(record.firstTokenAt) - received,
    totalMs: Date.parse(record.finishedAt) - received,
  };
}
