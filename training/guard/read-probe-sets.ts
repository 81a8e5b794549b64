/**
 * Reads the project-written probe sets in data/guard/probes/ (JSONL: `{"id","text"|"messages","label",
 * "language",...}`); see data/guard/README.md for what each set is and how much it was tuned on.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DataFormatError } from '../../src/core/errors.js';
import { guardDataPath } from './guard-data-path.js';

const probeSchema = z
  .object({
    id: z.string(),
    text: z.string().optional(),
    messages: z.array(z.object({ role: z.enum(['user', 'assistant']), content: z.string() })).min(1).optional(),
    label: z.enum(['harmful', 'benign']),
    language: z.enum(['en', 'zh']),
  })
  .refine((probe) => (probe.text === undefined) !== (probe.messages === undefined), { message: 'give exactly one of "text" or "messages"' });

export type Probe = z.infer<typeof probeSchema>;

export const PROBE_SETS = ['over-refusal-a', 'over-refusal-b', 'multi-turn-a', 'multi-turn-b', 'multi-turn-c', 'multi-turn-d', 'perspective'] as const;
export type ProbeSetName = (typeof PROBE_SETS)[number];

export function readProbeSet(name: ProbeSetName): Probe[] {
  const file = guardDataPath('probes', `${name}.jsonl`);
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line.length > 0)
    .map(({ line, number }) => {
      const parsed = probeSchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new DataFormatError(`${file}:${number}: ${parsed.error.issues[0]?.message ?? 'invalid probe'}`, { file, line: number, fix: 'Fix the line.' });
      return parsed.data;
    });
}
