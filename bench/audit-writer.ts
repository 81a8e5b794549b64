/**
 * The audit trail's cost per exchange as `safemed serve` pays it: createAuditWorker (PHI redaction on),
 * `begin` then `complete` for each exchange, `--batch` exchanges per event-loop turn (1 = a single
 * client; 10 ≈ a busy server), durability `full` or `normal`. Prints wall time and CPU time per exchange
 * for each thread of this process (Linux /proc, 10 ms ticks): `main` is the server's thread, the busiest
 * other thread is the audit worker, the rest are V8's helpers (GC); a second line gives the system part
 * (WAL writes, the fsync, thread wake-ups) of the two busiest threads.
 *
 *   node --import tsx bench/audit-writer.ts [--exchanges 4000] [--batch 10] [--durability full|normal] [--unique-texts] [--root <checkout>] [--built]
 *
 * `--built` loads the compiled worker (`dist/serve/create-audit-worker.js`, what `safemed serve` runs;
 * `npm run build` first) instead of the TypeScript sources under tsx, which run slower and differently.
 *
 * `--root` loads createAuditWorker from another checkout (e.g. a git worktree of an older commit) to
 * compare before and after on the same machine.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { AuditWorker, AuditWorkerOptions } from '../src/serve/create-audit-worker.js';

const { values } = parseArgs({
  options: {
    exchanges: { type: 'string', default: '4000' },
    batch: { type: 'string', default: '10' },
    durability: { type: 'string', default: 'full' },
    root: { type: 'string' },
    'unique-texts': { type: 'boolean', default: false },
    built: { type: 'boolean', default: false },
  },
});
const exchanges = Number(values.exchanges);
const batch = Number(values.batch);
const durability = values.durability === 'normal' ? 'normal' : 'full';
const root = resolve(values.root ?? join(import.meta.dirname, '..'));
// By default every exchange asks and answers the same short texts, which the PHI redactor finds clean once
// and then skips; --unique-texts makes each question and answer (~500 characters each) new, as in service.
const uniqueTexts = values['unique-texts'];
const QUESTION =
  'I am a 67-year-old woman with atrial fibrillation and type 2 diabetes. My cardiologist started me on apixaban 5 mg twice daily last month, and I also take metformin 1000 mg, atorvastatin 40 mg and lisinopril 10 mg. Yesterday I had a tooth extraction and the dentist told me to take ibuprofen for the pain. Is it safe to take ibuprofen with apixaban, or should I use paracetamol instead? How much paracetamol can I take per day with my kidney function (eGFR 55)?';
const ANSWER =
  'Ibuprofen and other NSAIDs increase the risk of bleeding when combined with apixaban, and they can also affect kidney function, which matters with an eGFR of 55. Paracetamol (acetaminophen) is generally the preferred pain reliever for people on anticoagulants. Most adults can take up to 3 g per day; ask your doctor or pharmacist about the right limit for you. Do not stop apixaban before a dental procedure without talking to your cardiologist.\n\nThis is general information, not medical advice.';
const workerModule = values.built ? join(root, 'dist', 'serve', 'create-audit-worker.js') : join(root, 'src', 'serve', 'create-audit-worker.ts');
const { createAuditWorker } = (await import(pathToFileURL(workerModule).href)) as {
  createAuditWorker: (options: AuditWorkerOptions) => Promise<AuditWorker>;
};

/** CPU time (user + system, µs) of every thread of this process, and the system part alone. */
function threadCpu(): Map<string, { micros: number; system: number }> {
  const cpu = new Map<string, { micros: number; system: number }>();
  for (const thread of readdirSync(`/proc/${process.pid}/task`)) {
    try {
      const fields = (readFileSync(`/proc/${process.pid}/task/${thread}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
      cpu.set(thread, { micros: (Number(fields[11]) + Number(fields[12])) * 10_000, system: Number(fields[12]) * 10_000 });
    } catch {
      // the thread ended
    }
  }
  return cpu;
}

const folder = mkdtempSync(join(tmpdir(), 'safemed-audit-bench-'));
const audit = await createAuditWorker({ path: join(folder, 'audit.db'), redact: true, durability });
// The verdicts of a default guarded answer as the server hands them over (the output one carries the disclaimer).
const DISCLAIMER =
  'This information is for general education and does not replace advice from a qualified clinician who knows your situation. If symptoms are severe or getting worse, seek medical care promptly.';
const verdict = {
  action: 'caution' as const, risk: 0.0009, riskLevel: 'low' as const, dimension: 'benign', principle: null, attacks: [],
  reasons: ['risk 0.00 is low; a health question is answered with a disclaimer'], stage: 'input' as const, compliance: 'pass' as const, disclaimerAdded: false, mechanism: null,
};
const outputVerdict = { ...verdict, risk: 0, stage: 'output' as const, reasons: ['answer checked in 1 segment(s) after caution', 'disclaimer added (en)'], disclaimerAdded: true, disclaimer: DISCLAIMER };
let next = 0;
async function exchange(): Promise<void> {
  const requestId = `req_${next}`;
  next += 1;
  const accepted = audit.begin({ requestId, clientRequestId: null, receivedAt: new Date(), model: 'scripted-model', servedModelName: 'safemed-r1', stream: false, user: null, messages: [{ role: 'user', content: uniqueTexts ? `${QUESTION} (${requestId})` : 'Is paracetamol safe with ibuprofen?' }] });
  accepted.catch(() => undefined);
  await new Promise((done) => setImmediate(done)); // the model call
  await audit.complete({
    requestId, firstTokenAt: new Date(), finishedAt: new Date(), reasoning: '', answer: uniqueTexts ? `${requestId}: ${ANSWER}` : `OK.\n\n${DISCLAIMER}`, finishReason: 'stop',
    usage: { promptTokens: 9, completionTokens: 2, totalTokens: 11 }, verdicts: [verdict, outputVerdict], status: 200, error: null,
  });
}
const round = () => Promise.all(Array.from({ length: batch }, exchange));
for (let done = 0; done < Math.min(500, exchanges); done += batch) await round(); // warm-up
const before = threadCpu();
const started = performance.now();
for (let done = 0; done < exchanges; done += batch) await round();
const wall = performance.now() - started;
const after = threadCpu();
await audit.close();
rmSync(folder, { recursive: true, force: true });
const perThread = [...after]
  .map(([thread, { micros, system }]) => ({
    name: thread === String(process.pid) ? 'main' : thread,
    micros: (micros - (before.get(thread)?.micros ?? 0)) / exchanges,
    system: (system - (before.get(thread)?.system ?? 0)) / exchanges,
  }))
  .filter((entry) => entry.micros > 0)
  .sort((left, right) => right.micros - left.micros);
const total = perThread.reduce((sum, entry) => sum + entry.micros, 0);
const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`audit writer (${workerModule}): ${exchanges} exchanges, ${batch} per turn, durability ${durability}${uniqueTexts ? ', unique ~500-character texts' : ''}; load average ${load}`);
console.log(`wall ${((1000 * wall) / exchanges).toFixed(0)} µs per exchange; CPU µs per exchange: total ${total.toFixed(0)} = ${perThread.map((entry) => `${entry.name} ${entry.micros.toFixed(0)}`).join(', ')}`);
// System time: WAL writes, the fsync, thread wake-ups (the busiest thread other than main is the audit worker).
console.log(`of which system time: ${perThread.slice(0, 2).map((entry) => `${entry.name} ${entry.system.toFixed(0)}`).join(', ')}`);
