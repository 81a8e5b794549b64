// Shared helpers of the data pipeline tests: tiny fixtures written here, scripted teacher and judge servers.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend } from '../../src/backends/registry.js';
import { createModelCaller, type ModelCaller } from '../../src/data/engine/create-model-caller.js';
import { createRateLimiter } from '../../src/eval/engine/create-rate-limiter.js';
import type { ScriptedRequest } from '../support/scripted-upstream.js';

export function temporaryFolder(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `data-${prefix}-`));
}

export function lastUser(request: ScriptedRequest): string {
  const messages = request.body.messages as Array<{ role: string; content: string }>;
  return messages.filter((message) => message.role === 'user').at(-1)?.content ?? '';
}

/** A medagents-style exam file: each question names its key as "[key X]" so a scripted teacher can play it. */
export function writeExamFile(folder: string, rows: Array<{ id: string; question: string; answer: string }>): string {
  const path = join(folder, 'exam.jsonl');
  writeFileSync(
    path,
    rows
      .map((row) => JSON.stringify({ realidx: row.id, question: row.question, options: { A: 'alpha option', B: 'beta option', C: 'gamma option', D: 'delta option' }, answer_idx: row.answer, answer: 'x' }))
      .join('\n') + '\n',
  );
  return path;
}

export async function callerFor(baseURL: string, concurrency = 0): Promise<ModelCaller> {
  const backend = await createBackend(`openai:${baseURL}`, { maxRetries: 0 });
  return createModelCaller({ backend, limiter: createRateLimiter(concurrency > 0 ? concurrency : undefined), timeoutMs: 10_000, retries: 0 });
}

/** A judge reply giving `score` on every criterion id. */
export function judgeReply(ids: string[], scores: Record<string, number> | number): string {
  const entries = ids.map((id) => [id, { score: typeof scores === 'number' ? scores : (scores[id] ?? 5), reason: `scripted reason for ${id}` }]);
  return JSON.stringify(Object.fromEntries(entries));
}
