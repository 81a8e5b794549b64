// The CLI's start-up stays light: registering a command group imports no heavy package (each action
// loads its implementation when it runs), help text states each default once, and the build's
// one-file zod bundle is what the built modules import.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { registerChatCommand } from '../../src/cli/commands/chat.js';
import { registerEvalCommand } from '../../src/cli/commands/eval.js';
import { registerModelCommand } from '../../src/cli/commands/model.js';

/** Packages that cost 100 ms to 600 ms to import (measured with bench/cli-startup.ts). */
const HEAVY = ['node-llama-cpp', 'exceljs', 'vega', 'vega-lite', '@resvg/resvg-js', 'better-sqlite3', 'openai', 'cli-progress', 'yaml', 'csv-parse'];

/** Packages a module loads at import time, following its static (non-type) relative imports. */
function staticPackages(entry: string, seen = new Set<string>()): Set<string> {
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    for (const match of code.matchAll(/^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) {
      const specifier = match[1]!;
      if (specifier.startsWith('.')) {
        const target = resolve(dirname(file), specifier.replace(/\.js$/, '.ts'));
        if (existsSync(target)) visit(target);
      } else if (!specifier.startsWith('node:')) {
        packages.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);
      }
    }
  };
  visit(resolve(entry));
  return packages;
}

test('registering chat, eval, guard check/scan and model imports no heavy package', () => {
  for (const file of ['chat', 'eval', 'model'].map((name) => join('src/cli/commands', `${name}.ts`))) {
    const heavy = [...staticPackages(file)].filter((name) => HEAVY.includes(name) || name === 'zod');
    assert.deepEqual(heavy, [], `${file} loads ${heavy.join(', ')} before any action runs`);
  }
  // guard.ts registers guard training too (another module); its own check/scan part stays lazy.
  const guardOwn = readFileSync('src/cli/commands/guard.ts', 'utf8');
  assert.doesNotMatch(guardOwn, /^import (?!type)[^;]*from '\.\.\/\.\.\/(guard|spec)\//m);
});

test('help states every default once (no "(default 8) (default: 8)")', () => {
  const program = new Command('safemed');
  registerChatCommand(program);
  registerEvalCommand(program);
  registerModelCommand(program);
  const helps: string[] = [];
  const collect = (command: Command) => {
    helps.push(command.helpInformation());
    command.commands.forEach(collect);
  };
  collect(program);
  for (const help of helps) {
    for (const option of help.split(/\n {2}(?=-)/)) {
      const defaults = option.match(/\(default/g) ?? [];
      assert.ok(defaults.length <= 1, `doubled default in:\n${option}`);
    }
  }
  assert.ok(helps.some((help) => help.includes('--concurrency <n>')));
});

test('the build bundles zod into dist/node_modules, where the built modules resolve it, as the installed version', async () => {
  const dist = mkdtempSync(join(tmpdir(), 'safemed-dist-'));
  try {
    const run = spawnSync(process.execPath, ['scripts/bundle-dist-dependencies.mjs', '--dist', dist], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const folder = join(dist, 'node_modules', 'zod');
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { version: string; license: string };
    const installed = JSON.parse(readFileSync('node_modules/zod/package.json', 'utf8')) as { version: string; license: string };
    assert.equal(manifest.version, installed.version);
    assert.equal(manifest.license, installed.license);
    assert.ok(existsSync(join(folder, 'LICENSE')));
    // A module inside the built tree resolves the bare specifier to the bundle, not to node_modules/zod.
    mkdirSync(join(dist, 'guard'));
    const probe = join(dist, 'guard', 'probe.mjs');
    writeFileSync(
      probe,
      "import { z } from 'zod';\nexport const where = import.meta.resolve('zod');\nexport const parsed = z.object({ n: z.number().int() }).safeParse({ n: 'x' });\nexport const locales = Object.keys(z.locales);\n",
    );
    const loaded = (await import(pathToFileURL(probe).href)) as { where: string; locales: string[]; parsed: { success: boolean; error?: { issues: Array<{ path: unknown[]; message: string }> } } };
    assert.equal(fileURLToPath(loaded.where), join(folder, 'index.js'));
    assert.equal(loaded.parsed.success, false);
    const issue = loaded.parsed.error?.issues[0];
    assert.deepEqual(issue?.path, ['n']);
    // English error messages, the only locale the bundle keeps.
    assert.equal(issue.message, 'Invalid input: expected number, received string');
    assert.deepEqual(loaded.locales, ['en']);
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }
});

test('a named command group loads alone; help, help <group> and a typo still see every group', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8' });
  const help = cli('--help');
  assert.equal(help.status, 0, help.stderr);
  for (const group of ['audit', 'chat', 'data', 'eval', 'guard', 'model', 'redteam', 'reward', 'serve', 'train']) assert.match(help.stdout, new RegExp(`^  ${group}\\b`, 'm'), group);
  const typo = cli('gaurd', 'check', 'hi');
  assert.equal(typo.status, 1);
  assert.match(typo.stderr, /unknown command 'gaurd'[\s\S]*Did you mean guard\?/);
  const group = cli('help', 'guard');
  assert.equal(group.status, 0, group.stderr);
  assert.match(group.stdout, /Usage: safemed guard/);
  const check = cli('guard', 'check', 'hi', '--json');
  assert.equal(check.status, 0, check.stderr);
  assert.equal((JSON.parse(check.stdout) as { verdict: { action: string } }).verdict.action, 'allow');
});
