/**
 * `safemed data cot|expand|qc|review|ethics|dedup|decontam|mix|export`: the model card's alignment
 * data pipeline (teacher CoT with answer checks, five-criteria QC with the five-strike expert queue,
 * the 20-dimension ethics set, dedup and decontamination, mixing, exports for trainers).
 * Heavy modules load inside the actions.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { collect, interruptSignal, parseRateFlag, progressMode } from '../long-run-flags.js';
import { numberOption } from '../parse-number-flag.js';

interface EngineFlags {
  concurrency: number;
  rate?: string;
  timeout: number;
  retries: number;
  resume?: boolean;
  progress?: string;
}

async function engineSettings(flags: EngineFlags, signal: AbortSignal) {
  const rate = await parseRateFlag(flags.rate);
  return { concurrency: flags.concurrency, ...(rate !== undefined ? { rate } : {}), timeoutMs: flags.timeout * 1000, retries: flags.retries, resume: flags.resume === true, progress: progressMode(flags.progress), signal };
}

function withEngineOptions(command: Command, defaultConcurrency = 8): Command {
  return command
    .option('--concurrency <n>', 'calls in flight', numberOption('--concurrency', { integer: true, minimum: 1 }), defaultConcurrency)
    .option('--rate <n/s>', 'at most this many calls per second (e.g. 10/s, 300/m)')
    .option('--timeout <seconds>', 'time limit of one model call', numberOption('--timeout', { minimum: 1 }), 300)
    .option('--retries <n>', 'retries of a failed model call', numberOption('--retries', { integer: true, minimum: 0 }), 2)
    .option('--resume', 'continue an interrupted run (the resume log next to --out); finished items are not redone')
    .option('--progress <mode>', 'bars (default on a TTY), lines or none');
}

async function run(action: (signal: AbortSignal) => Promise<{ lines: string[]; exitCode: number }>): Promise<void> {
  const interrupt = interruptSignal();
  try {
    const outcome = await action(interrupt.signal);
    process.stdout.write(outcome.lines.join('\n') + '\n');
    if (outcome.exitCode !== 0) process.exitCode = outcome.exitCode;
  } finally {
    interrupt.dispose();
  }
}

/** `field=value` or `field=@file` pairs of `review edit --set`. */
function parseEdits(values: string[]): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const text of values) {
    const equals = text.indexOf('=');
    if (equals <= 0) throw new ConfigError(`--set: cannot read "${text}".`, { key: '--set', fix: '--set reasoning=@fixed.txt or --set answer=B' });
    const field = text.slice(0, equals);
    const raw = text.slice(equals + 1);
    const value = raw.startsWith('@') ? readFileSync(raw.slice(1), 'utf8').trim() : raw;
    changes[field] = field === 'options' ? (JSON.parse(value) as unknown) : value;
  }
  return changes;
}

export function registerDataCommand(program: Command): void {
  const data = program.command('data').description('Build alignment data: teacher chains of thought, expansion, five-criteria QC with the five-strike expert queue, the ethics set, dedup, decontamination, mixing and exports.');

  withEngineOptions(
    data
      .command('cot')
      .description('Ask a teacher for <think>/<answer> chains of thought on exam questions; answers are checked against the key and retried on a temperature schedule.')
      .requiredOption('--input <exam>', 'exam file in any eval format (name@format:path to name the format; repeatable)', collect)
      .requiredOption('--teacher <uri>', 'teacher backend: openai:/vllm:/llama: URI, #model picks the upstream model')
      .requiredOption('--out <file>', 'CoT items (JSONL); the resume log is <out>.log.jsonl')
      .option('--columns <spec>', 'column mapping for generic JSONL: name=question:<field>,options:<field>,answer:<field> (repeatable)', collect)
      .option('--teacher-api-key <key>', 'API key for the teacher')
      .option('--samples <k>', 'chains of thought per question', numberOption('--samples', { integer: true, minimum: 1 }), 1)
      .option('--max-attempts <n>', 'attempts per chain of thought before it is kept unverified', numberOption('--max-attempts', { integer: true, minimum: 1 }), 3)
      .option('--temperatures <list>', 'temperature of attempt 1, 2, … (the last repeats)', '0,0.4,0.7,1')
      .option('--max-tokens <n>', 'tokens per response', numberOption('--max-tokens', { integer: true, minimum: 16 }), 2048)
      .option('--limit <n>', 'a seeded sample of this many questions', numberOption('--limit', { integer: true, minimum: 1 }))
      .option('--seed <s>', 'seed of sampling and of the teacher', numberOption('--seed', { integer: true, minimum: 0 }), 0),
  ).action(async (flags: EngineFlags & { input: string[]; teacher: string; out: string; columns?: string[]; teacherApiKey?: string; samples: number; maxAttempts: number; temperatures: string; maxTokens: number; limit?: number; seed: number }) => {
    const { executeCot } = await import('../../data/execute-data-commands.js');
    await run(async (signal) =>
      executeCot({ ...(await engineSettings(flags, signal)), inputs: flags.input, columns: flags.columns ?? [], teacher: flags.teacher, ...(flags.teacherApiKey ? { teacherApiKey: flags.teacherApiKey } : {}), samples: flags.samples, maxAttempts: flags.maxAttempts, temperatures: flags.temperatures, maxTokens: flags.maxTokens, seed: flags.seed, ...(flags.limit !== undefined ? { limit: flags.limit } : {}), out: flags.out }),
    );
  });

  withEngineOptions(
    data
      .command('expand')
      .description('Write new QA pairs per topic and difficulty with the teacher; each is verified by a blind second answer (disagreement = strike).')
      .requiredOption('--input <seed>', 'seed items: a `data cot` output or any exam file')
      .requiredOption('--teacher <uri>', 'teacher backend URI')
      .requiredOption('--out <file>', 'new QA items (JSONL, CoT records)')
      .option('--per-topic <n>', 'new items per topic and difficulty', numberOption('--per-topic', { integer: true, minimum: 1 }), 10)
      .option('--topics <list>', "comma-separated topics (default: the seed items' subjects)")
      .option('--difficulties <list>', 'easy, medium, hard', 'easy,medium,hard')
      .option('--verifier <uri>', 'backend for the blind answer (default: the teacher)')
      .option('--teacher-api-key <key>', 'API key for the teacher and verifier')
      .option('--columns <spec>', 'column mapping for a generic JSONL seed file', collect)
      .option('--options <n>', 'options per new question', numberOption('--options', { integer: true, minimum: 2 }), 4)
      .option('--examples <n>', "seed questions of the topic shown for style", numberOption('--examples', { integer: true, minimum: 0 }), 2)
      .option('--temperature <t>', 'generation temperature', numberOption('--temperature', { minimum: 0 }), 0.8)
      .option('--max-attempts <n>', 'attempts to get a well-formed question', numberOption('--max-attempts', { integer: true, minimum: 1 }), 3)
      .option('--max-tokens <n>', 'tokens per response', numberOption('--max-tokens', { integer: true, minimum: 16 }), 2048)
      .option('--seed <s>', 'seed', numberOption('--seed', { integer: true, minimum: 0 }), 0),
  ).action(async (flags: EngineFlags & { input: string; teacher: string; out: string; perTopic: number; topics?: string; difficulties: string; verifier?: string; teacherApiKey?: string; columns?: string[]; options: number; examples: number; temperature: number; maxAttempts: number; maxTokens: number; seed: number }) => {
    if (flags.options > 10) throw new ConfigError(`--options must be at most 10, got ${flags.options}.`, { key: '--options', fix: '--options 4' });
    const { executeExpand } = await import('../../data/execute-data-commands.js');
    await run(async (signal) =>
      executeExpand({ ...(await engineSettings(flags, signal)), input: flags.input, columns: flags.columns ?? [], teacher: flags.teacher, ...(flags.teacherApiKey ? { teacherApiKey: flags.teacherApiKey } : {}), ...(flags.verifier ? { verifier: flags.verifier } : {}), ...(flags.topics ? { topics: flags.topics } : {}), difficulties: flags.difficulties, perTopic: flags.perTopic, optionCount: flags.options, examples: flags.examples, temperature: flags.temperature, maxAttempts: flags.maxAttempts, maxTokens: flags.maxTokens, seed: flags.seed, out: flags.out }),
    );
  });

  withEngineOptions(
    data
      .command('qc')
      .description('Score every item on the five CoT criteria (ethics items: the ethics rubric) with each judge; count strikes; five strikes → expert queue, else accept (or regenerate once).')
      .requiredOption('--input <file>', 'items from `data cot`, `data expand` or `data ethics`')
      .requiredOption('--judge <spec>', 'judge: [id=]<backend-uri>[#model] (repeatable)', collect)
      .requiredOption('--out <file>', 'accepted items (JSONL); figures go to <out>.summary.json')
      .option('--queue <db>', 'expert review queue (SQLite) for items with too many strikes')
      .option('--judge-api-key <key>', 'API key for the judges')
      .option('--teacher <uri>', 'teacher that regenerates an item once when a criterion fails')
      .option('--teacher-api-key <key>', 'API key for the teacher')
      .option('--regenerate <once|never>', 'regenerate an item with a failed criterion (needs --teacher)', 'once')
      .option('--pass-mark <score>', 'a criterion scored below this is a strike', numberOption('--pass-mark', { minimum: 1 }), 3)
      .option('--disagreement <points>', 'judges whose scores on a criterion differ by more than this are a strike', numberOption('--disagreement', { minimum: 0 }), 1)
      .option('--strike-limit <n>', 'strikes that send an item to the expert queue', numberOption('--strike-limit', { integer: true, minimum: 1 }), 5)
      .option('--summary <file>', 'figures of the run (default <out>.summary.json)'),
  ).action(async (flags: EngineFlags & { input: string; judge: string[]; out: string; queue?: string; judgeApiKey?: string; teacher?: string; teacherApiKey?: string; regenerate: string; passMark: number; disagreement: number; strikeLimit: number; summary?: string }) => {
    if (flags.regenerate !== 'once' && flags.regenerate !== 'never') throw new ConfigError(`--regenerate must be once or never, got "${flags.regenerate}".`, { key: '--regenerate', fix: '--regenerate once' });
    const { executeQc } = await import('../../data/execute-data-commands.js');
    await run(async (signal) =>
      executeQc({ ...(await engineSettings(flags, signal)), input: flags.input, judges: flags.judge, ...(flags.judgeApiKey ? { judgeApiKey: flags.judgeApiKey } : {}), ...(flags.teacher ? { teacher: flags.teacher } : {}), ...(flags.teacherApiKey ? { teacherApiKey: flags.teacherApiKey } : {}), regenerate: flags.regenerate as 'once' | 'never', passMark: flags.passMark, disagreement: flags.disagreement, strikeLimit: flags.strikeLimit, ...(flags.queue ? { queue: flags.queue } : {}), out: flags.out, ...(flags.summary ? { summary: flags.summary } : {}) }),
    );
  });

  withEngineOptions(
    data
      .command('ethics')
      .description('Write the ethics and safety set: scenarios per dimension, perspective and case (clear, borderline, benign contrast) with ideal <think>/<answer> responses, optionally grounded in source passages.')
      .requiredOption('--teacher <uri>', 'teacher backend URI')
      .requiredOption('--out <file>', 'ethics items (JSONL)')
      .option('--dimensions <list>', 'all, or comma-separated dimension ids', 'all')
      .option('--per-dimension <n>', 'items per dimension and language (cycling cases and perspectives)', numberOption('--per-dimension', { integer: true, minimum: 1 }), 12)
      .option('--languages <list>', 'en, zh or en,zh', 'en,zh')
      .option('--sources <dir>', 'folder of .txt/.md textbook, guideline or law excerpts to ground items in (cited)')
      .option('--teacher-api-key <key>', 'API key for the teacher')
      .option('--temperature <t>', 'generation temperature', numberOption('--temperature', { minimum: 0 }), 0.8)
      .option('--max-attempts <n>', 'attempts to get a well-formed item', numberOption('--max-attempts', { integer: true, minimum: 1 }), 3)
      .option('--max-tokens <n>', 'tokens per response', numberOption('--max-tokens', { integer: true, minimum: 16 }), 2048)
      .option('--seed <s>', 'seed', numberOption('--seed', { integer: true, minimum: 0 }), 0),
  ).action(async (flags: EngineFlags & { teacher: string; out: string; dimensions: string; perDimension: number; languages: string; sources?: string; teacherApiKey?: string; temperature: number; maxAttempts: number; maxTokens: number; seed: number }) => {
    const { executeEthics } = await import('../../data/execute-data-commands.js');
    await run(async (signal) =>
      executeEthics({ ...(await engineSettings(flags, signal)), teacher: flags.teacher, ...(flags.teacherApiKey ? { teacherApiKey: flags.teacherApiKey } : {}), dimensions: flags.dimensions, perDimension: flags.perDimension, languages: flags.languages, ...(flags.sources ? { sources: flags.sources } : {}), temperature: flags.temperature, maxAttempts: flags.maxAttempts, maxTokens: flags.maxTokens, seed: flags.seed, out: flags.out }),
    );
  });

  data
    .command('dedup')
    .description('Remove exact (normalised hash) and near duplicates (MinHash + LSH; word shingles EN, character shingles ZH), keeping the best-scored item of each cluster. Streams; 300k items fit in well under 2 GB.')
    .requiredOption('--input <file>', 'items (JSONL: question+options+response, text or messages)')
    .requiredOption('--out <file>', 'kept items')
    .option('--removed <file>', 'removed items, each naming the item it duplicates')
    .option('--threshold <j>', 'Jaccard similarity of near duplicates', numberOption('--threshold', { minimum: 0.01 }), 0.8)
    .option('--permutations <n>', 'MinHash permutations', numberOption('--permutations', { integer: true, minimum: 16 }), 128)
    .option('--word-shingle <n>', 'words per shingle (English)', numberOption('--word-shingle', { integer: true, minimum: 1 }), 3)
    .option('--char-shingle <n>', 'characters per shingle (Chinese)', numberOption('--char-shingle', { integer: true, minimum: 1 }), 3)
    .option('--progress <mode>', 'bars (default on a TTY), lines or none')
    .action(async (flags: { input: string; out: string; removed?: string; threshold: number; permutations: number; wordShingle: number; charShingle: number; progress?: string }) => {
      const { executeDedup } = await import('../../data/execute-data-commands.js');
      await run(() => executeDedup({ input: flags.input, out: flags.out, ...(flags.removed ? { removed: flags.removed } : {}), threshold: flags.threshold, permutations: flags.permutations, wordShingle: flags.wordShingle, charShingle: flags.charShingle, progress: progressMode(flags.progress) }));
    });

  data
    .command('decontam')
    .description('Remove items sharing an n-gram (13 words / 13 Chinese characters) with a benchmark item; the report names the benchmark item each matched.')
    .requiredOption('--input <file>', 'items (JSONL)')
    .requiredOption('--bench <file|dir>', 'benchmark file or folder in any eval loader format (repeatable)', collect)
    .requiredOption('--out <file>', 'kept items')
    .option('--removed <file>', 'removed items with their matches')
    .option('--report <file>', 'contamination report (default <out>.contamination.json)')
    .option('--ngram <n>', 'tokens per n-gram', numberOption('--ngram', { integer: true, minimum: 4 }), 13)
    .option('--min-matches <n>', 'shared n-grams with one benchmark item that make an item contaminated', numberOption('--min-matches', { integer: true, minimum: 1 }), 1)
    .option('--progress <mode>', 'bars (default on a TTY), lines or none')
    .action(async (flags: { input: string; bench: string[]; out: string; removed?: string; report?: string; ngram: number; minMatches: number; progress?: string }) => {
      const { executeDecontam } = await import('../../data/execute-data-commands.js');
      await run(() => executeDecontam({ input: flags.input, bench: flags.bench, out: flags.out, ...(flags.removed ? { removed: flags.removed } : {}), ...(flags.report ? { report: flags.report } : {}), ngram: flags.ngram, minMatches: flags.minMatches, progress: progressMode(flags.progress) }));
    });

  data
    .command('mix')
    .description('Mix sources (knowledge CoT, guard, ethics, …) by ratios, stratified within each source, seeded.')
    .requiredOption('--source <name=file>', 'a source file (repeatable; repeat a name to add files to it)', collect)
    .requiredOption('--ratio <list>', 'name=share,… e.g. knowledge=0.6,guard=0.2,ethics=0.2')
    .requiredOption('--out <file>', 'mixed records (JSONL, each with mix_source)')
    .option('--total <n>', 'records in the mix (default: the most the ratios allow without repeats)', numberOption('--total', { integer: true, minimum: 1 }))
    .option('--stratify-by <field>', 'auto (dimension, subject or language), a field name, or none', 'auto')
    .option('--seed <s>', 'seed', numberOption('--seed', { integer: true, minimum: 0 }), 0)
    .action(async (flags: { source: string[]; ratio: string; out: string; total?: number; stratifyBy: string; seed: number }) => {
      const { executeMix } = await import('../../data/execute-data-commands.js');
      await run(() => Promise.resolve(executeMix({ sources: flags.source, ratio: flags.ratio, ...(flags.total !== undefined ? { total: flags.total } : {}), stratifyBy: flags.stratifyBy, seed: flags.seed, out: flags.out })));
    });

  data
    .command('export')
    .description("Write items in a trainer's format (LLaMA-Factory alpaca/sharegpt + dataset_info.json, MS-Swift, TRL, verl parquet, OpenAI JSONL), read back and validated.")
    .requiredOption('--input <file>', 'items (repeatable): CoT, ethics, reviewed, mixed or guard corpus records', collect)
    .requiredOption('--format <format>', 'llamafactory-alpaca | llamafactory-sharegpt | ms-swift | trl | verl | openai-jsonl')
    .requiredOption('--out <dir>', 'output folder')
    .option('--stage <sft|grpo>', 'SFT rows (with the <think>/<answer> target) or GRPO prompts (with the label)', 'sft')
    .option('--name <name>', 'file stem and LLaMA-Factory dataset name (default safemed_<stage>)')
    .option('--include-unverified', 'also export CoT items whose answer was not verified')
    .action(async (flags: { input: string[]; format: string; out: string; stage: string; name?: string; includeUnverified?: boolean }) => {
      const { executeExport } = await import('../../data/execute-data-commands.js');
      await run(() => executeExport({ inputs: flags.input, format: flags.format, stage: flags.stage, outDir: flags.out, ...(flags.name ? { name: flags.name } : {}), includeUnverified: flags.includeUnverified === true }));
    });

  const review = data.command('review').description('The expert review queue: list, show, accept, edit, reject items; export the validated ones; verify the hash-chained decision log.');
  const openQueue = async (db: string) => (await import('../../data/review/index.js')).openReviewQueue({ path: db, mustExist: true });
  const requireReviewer = (reviewer: string | undefined): string => {
    if (!reviewer) throw new ConfigError('A decision needs --reviewer <id>.', { key: '--reviewer', fix: 'Add --reviewer <your id> (it is written to the decision log).' });
    return reviewer;
  };

  review
    .command('list')
    .description('Items in the queue with status, strikes and score.')
    .requiredOption('--db <file>', 'the review queue')
    .option('--status <status>', 'pending, accepted, edited or rejected')
    .option('--limit <n>', 'at most this many', numberOption('--limit', { integer: true, minimum: 1 }))
    .option('--json', 'one JSON object per line')
    .action(async (flags: { db: string; status?: string; limit?: number; json?: boolean }) => {
      if (flags.status !== undefined && !['pending', 'accepted', 'edited', 'rejected'].includes(flags.status)) throw new ConfigError(`--status must be pending, accepted, edited or rejected, got "${flags.status}".`, { key: '--status', fix: '--status pending' });
      const queue = await openQueue(flags.db);
      try {
        const items = queue.list({ ...(flags.status ? { status: flags.status as 'pending' } : {}), ...(flags.limit !== undefined ? { limit: flags.limit } : {}) });
        if (flags.json) process.stdout.write(items.map((item) => JSON.stringify(item)).join('\n') + (items.length > 0 ? '\n' : ''));
        else {
          const counts = queue.counts();
          process.stdout.write(`${items.length} item(s) — pending ${counts.pending}, accepted ${counts.accepted}, edited ${counts.edited}, rejected ${counts.rejected}\n`);
          for (const item of items) process.stdout.write(`${item.id}\t${item.status}\t${item.strikes} strikes\tscore ${item.score?.toFixed(2) ?? 'n/a'}\t${item.question.replace(/\s+/gu, ' ').slice(0, 80)}\n`);
        }
      } finally {
        queue.close();
      }
    });

  review
    .command('show')
    .description('One item with its scores, strikes and reasons (and the edited version).')
    .requiredOption('--db <file>', 'the review queue')
    .argument('<id>', 'item id')
    .option('--json', 'as JSON')
    .action(async (id: string, flags: { db: string; json?: boolean }) => {
      const queue = await openQueue(flags.db);
      try {
        const item = queue.show(id);
        if (flags.json) {
          process.stdout.write(JSON.stringify(item, null, 2) + '\n');
          return;
        }
        const lines = [`${item.id} (${item.kind}) — ${item.status}${item.reviewer ? ` by ${item.reviewer} at ${item.decided_at ?? ''}` : ''}; ${item.strikes} strikes; score ${item.score?.toFixed(2) ?? 'n/a'}`, '', item.original.question];
        if (item.original.kind === 'cot') lines.push(...Object.entries(item.original.options).map(([letter, text]) => `  ${letter}. ${text}`), `key: ${item.original.answer}  extracted: ${item.original.extracted || '(none)'}`);
        lines.push('', item.original.response, '', 'strikes and reasons:', ...item.reasons.map((reason) => `  - ${reason}`));
        if (item.edited) lines.push('', 'edited version:', item.edited.response);
        if (item.note) lines.push('', `note: ${item.note}`);
        process.stdout.write(lines.join('\n') + '\n');
      } finally {
        queue.close();
      }
    });

  const decision = (name: 'accept' | 'reject' | 'edit', description: string) =>
    review.command(name).description(description).requiredOption('--db <file>', 'the review queue').option('--reviewer <id>', 'your reviewer id (written to the log)').argument('<id>', 'item id');

  decision('accept', 'Accept an item as it is (it returns to the set).')
    .option('--note <text>', 'a note for the log')
    .action(async (id: string, flags: { db: string; reviewer?: string; note?: string }) => {
      const queue = await openQueue(flags.db);
      try {
        const item = queue.accept(id, { reviewer: requireReviewer(flags.reviewer), ...(flags.note ? { note: flags.note } : {}) });
        process.stdout.write(`${item.id}: accepted by ${item.reviewer ?? ''} at ${item.decided_at ?? ''}\n`);
      } finally {
        queue.close();
      }
    });

  decision('edit', 'Edit an item (the original is kept) and accept the edited version.')
    .option('--set <field=value>', 'a change: question, options (JSON), answer, reasoning, answer_text or response; value or @file (repeatable)', collect)
    .option('--note <text>', 'a note for the log')
    .action(async (id: string, flags: { db: string; reviewer?: string; set?: string[]; note?: string }) => {
      const reviewer = requireReviewer(flags.reviewer);
      const changes = parseEdits(flags.set ?? []);
      const queue = await openQueue(flags.db);
      try {
        const item = queue.edit(id, { reviewer, changes, ...(flags.note ? { note: flags.note } : {}) });
        process.stdout.write(`${item.id}: edited by ${item.reviewer ?? ''} at ${item.decided_at ?? ''} (${Object.keys(changes).join(', ')}); the original is kept\n`);
      } finally {
        queue.close();
      }
    });

  decision('reject', 'Reject an item (it does not return to the set).')
    .requiredOption('--reason <text>', 'why (written to the log)')
    .action(async (id: string, flags: { db: string; reviewer?: string; reason: string }) => {
      const queue = await openQueue(flags.db);
      try {
        const item = queue.reject(id, { reviewer: requireReviewer(flags.reviewer), reason: flags.reason });
        process.stdout.write(`${item.id}: rejected by ${item.reviewer ?? ''} at ${item.decided_at ?? ''}\n`);
      } finally {
        queue.close();
      }
    });

  review
    .command('export')
    .description('Write the validated items (accepted, and edited in their edited form) back as JSONL.')
    .requiredOption('--db <file>', 'the review queue')
    .requiredOption('--out <file>', 'validated items (JSONL)')
    .action(async (flags: { db: string; out: string }) => {
      const queue = await openQueue(flags.db);
      try {
        const check = queue.verify();
        if (!check.ok) {
          process.stderr.write(`The decision log of ${flags.db} does not verify (${check.problems[0]?.problem ?? ''}); nothing exported. Run \`safemed data review verify --db ${flags.db}\`.\n`);
          process.exitCode = 1;
          return;
        }
        const { writeJsonlAtomically } = await import('../../data/engine/write-jsonl.js');
        const count = writeJsonlAtomically(flags.out, queue.exportValidated());
        process.stdout.write(`exported ${count} validated item(s) → ${flags.out}\n`);
      } finally {
        queue.close();
      }
    });

  review
    .command('verify')
    .description("Check the decision log's hash chain and that every item matches its logged decisions.")
    .requiredOption('--db <file>', 'the review queue')
    .action(async (flags: { db: string }) => {
      const queue = await openQueue(flags.db);
      try {
        const result = queue.verify();
        if (result.ok) process.stdout.write(`ok: ${result.checked} log entries verified (enqueues and decisions), head ${result.headHash.slice(0, 16) || '(empty)'}\n`);
        else {
          process.stdout.write(`BROKEN: ${result.problems.length} problem(s)\n${result.problems.map((problem) => `  #${problem.seq}: ${problem.problem}`).join('\n')}\n`);
          process.exitCode = 1;
        }
      } finally {
        queue.close();
      }
    });
}
