/**
 * `safemed reward serve` and `safemed reward score`. Heavy modules (the scorer, the guard classifier,
 * backends, vega) load inside the actions, so `safemed --help` stays fast.
 */
import type { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../../core/errors.js';
import type { RewardHttpEdge } from '../../reward/server/create-reward-server.js';
import { toErrorResponse } from '../../serve/error-response.js';
import { DEFAULT_MAX_JSON_DEPTH, readJsonBody } from '../../serve/read-json-body.js';
import { createServerMetrics } from '../../serve/server-metrics.js';

/** The main server's HTTP edge for the reward server: body reader (size limit, 60 s, JSON content type, nesting limit), error mapping, request metrics. */
export function createRewardHttpEdge(): RewardHttpEdge {
  return {
    readJsonBody: (request, limitBytes) => readJsonBody(request, { limitBytes, timeoutMs: 60_000, maxDepth: DEFAULT_MAX_JSON_DEPTH }),
    toErrorResponse: (error) => toErrorResponse(error),
    metrics: createServerMetrics(),
  };
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').filter((part) => part !== '')];
}

function collectOne(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) throw new ConfigError(`--port must be 0-65535, got "${value}".`, { key: '--port', fix: 'Example: --port 8700' });
  return parsed;
}

function positive(flag: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed <= 0) throw new ConfigError(`${flag} must be a positive number, got "${value}".`, { key: flag, fix: `Example: ${flag} 10` });
    return parsed;
  };
}

interface ServeFlags {
  config?: string;
  judge?: string[];
  host: string;
  port: number;
  apiKey?: string[];
  shutdownGrace: number;
  logLevel: string;
}

interface ScoreFlags {
  input: string;
  out: string;
  config?: string;
  judge?: string[];
  groupKey: string;
  report?: string | boolean;
  shortAnswer: number;
}

export function registerRewardCommand(program: Command): void {
  const reward = program.command('reward').description('The multi-dimensional medical safety reward: an HTTP server for RL trainers, and offline GRPO diagnostics.');
  reward
    .command('serve')
    .description('Serve the reward: POST /get_reward (OpenRLHF), POST /v1/reward (generic), GET /health, GET /metrics.')
    .option('--config <file>', 'reward YAML config (weights, judges, timeouts, fallback); documented defaults without it')
    .option('--judge <spec>', 'judge backend: [id=]<uri>[#model], e.g. qwen=vllm:http://gpu:8000/v1#Qwen3-235B-A22B (repeatable)', collectOne)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0 = any free port)', port, 8700)
    .option('--api-key <key>', 'accepted key (Bearer header or ?api_key=); repeatable or comma-separated; default $SAFEMED_REWARD_API_KEY', collect)
    .option('--shutdown-grace <seconds>', 'how long in-flight batches may finish on SIGINT/SIGTERM', positive('--shutdown-grace'), 10)
    .option('--log-level <level>', 'debug, info, warn or error', 'info')
    .action(async (flags: ServeFlags) => {
      await runRewardServe(flags);
    });
  reward
    .command('score')
    .description('Score rollouts offline: per-group mean, std and advantages, zero-variance share, per-component distributions, reward-hacking flags.')
    .requiredOption('--input <file>', 'rollouts JSONL: {prompt | messages, response, label?, kind?} per line')
    .requiredOption('--out <file>', 'scored JSONL: each rollout plus group, reward, advantage, flags')
    .option('--config <file>', 'reward YAML config')
    .option('--judge <spec>', 'judge backend: [id=]<uri>[#model] (repeatable)', collectOne)
    .option('--group-key <field>', 'the field that groups the G samples of one prompt', 'prompt')
    .option('--report [dir]', 'also write reward-report.md/.html with histograms (default: the folder of --out)')
    .option('--short-answer <chars>', 'answers shorter than this are flagged', positive('--short-answer'), 20)
    .action(async (flags: ScoreFlags) => {
      await runRewardScore(flags);
    });
}

async function buildScorer(configPath: string | undefined, judgeSpecs: string[], logLevel: string) {
  const { createLogger } = await import('../../core/logger.js');
  const { loadRewardConfig, createRewardJudges, createRewardScorer } = await import('../../reward/index.js');
  const level = ['debug', 'info', 'warn', 'error'].includes(logLevel) ? (logLevel as 'info') : 'info';
  const logger = createLogger({ level });
  const config = loadRewardConfig(configPath);
  const judges = await createRewardJudges(config, judgeSpecs, { logger });
  return { logger, scorer: createRewardScorer({ config, judges, logger }) };
}

async function runRewardServe(flags: ServeFlags): Promise<void> {
  const { logger, scorer } = await buildScorer(flags.config, flags.judge ?? [], flags.logLevel);
  const { createRewardServer } = await import('../../reward/index.js');
  const apiKeys = flags.apiKey ?? (process.env.SAFEMED_REWARD_API_KEY ?? '').split(',').filter((key) => key !== '');
  const server = createRewardServer({
    scorer,
    edge: createRewardHttpEdge(),
    apiKeys,
    host: flags.host,
    port: flags.port,
    shutdownGraceMs: flags.shutdownGrace * 1000,
    logger,
  });
  let address: { url: string; port: number };
  try {
    address = await server.listen();
  } catch (error) {
    await scorer.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') throw new ConfigError(`Cannot listen on ${flags.host}:${flags.port} (${code}).`, { key: 'port', fix: 'Pick another --port.' });
    throw error;
  }
  const judges = scorer.judges.map((judge) => judge.id).join(', ') || 'none (rule-based components only)';
  process.stdout.write(`safemed reward serve: listening on ${address.url} (POST /get_reward, POST /v1/reward; judges: ${judges})\n`);
  if (apiKeys.length === 0) logger.warn(`NO API KEY: the reward server at ${address.url} is open to anyone who can reach it. Pass --api-key or set SAFEMED_REWARD_API_KEY.`);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) process.exit(1);
      stopping = true;
      logger.info('shutting down', { signal });
      server
        .close()
        .then(() => scorer.close())
        .catch((error: unknown) => {
          logger.error('error during shutdown', { error: String(error) });
        })
        .finally(() => {
          logger.info('stopped');
          resolve();
        });
    };
    process.on('SIGINT', () => {
      stop('SIGINT');
    });
    process.on('SIGTERM', () => {
      stop('SIGTERM');
    });
  });
}

async function runRewardScore(flags: ScoreFlags): Promise<void> {
  const { scorer } = await buildScorer(flags.config, flags.judge ?? [], 'warn');
  const { scoreRollouts } = await import('../../reward/diagnostics/score-rollouts.js');
  const { formatRewardSummary, writeRewardReport } = await import('../../reward/diagnostics/write-reward-report.js');
  try {
    mkdirSync(dirname(resolve(flags.out)), { recursive: true });
    const summary = await scoreRollouts({ input: flags.input, out: flags.out, scorer, groupKey: flags.groupKey, thresholds: { shortAnswerChars: flags.shortAnswer, shortReasoningChars: 20 } });
    process.stdout.write(`safemed reward score: ${summary.items} rollouts → ${flags.out}\n${formatRewardSummary(summary).join('\n')}\n`);
    if (flags.report !== undefined && flags.report !== false) {
      const dir = typeof flags.report === 'string' ? flags.report : dirname(resolve(flags.out));
      mkdirSync(dir, { recursive: true });
      const files = await writeRewardReport(summary, dir, `Reward diagnostics: ${flags.input}`);
      process.stdout.write(`report: ${files.slice(0, 2).join(', ')}\n`);
    }
  } finally {
    await scorer.close();
  }
}
