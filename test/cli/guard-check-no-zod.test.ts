// `safemed guard check` from the build loads no zod (issue 9, a fast CLI): its data files come from the
// build's validated JSON snapshots and, with no guard setting given, nothing needs validating. zod
// still loads — and validates exactly as before — wherever something does: a guard flag or variable,
// a stale or missing snapshot, `guard scan`. A module-loader hook records every file the built CLI
// loads; a loaded file holding zod's code (its `__zod_globalConfig` global) means zod was loaded.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolveSettings } from '../../src/core/config.js';
import { ConfigError } from '../../src/core/errors.js';
import { DEFAULT_GUARD_SETTINGS, GUARD_SETTING_SOURCES, resolveGuardSettings } from '../../src/guard/guard-options-from-settings.js';
import { guardSettingsSchema } from '../../src/guard/guard-settings-schema.js';

const ZOD_MARKER = '__zod_globalConfig';
const scratch = mkdtempSync(join(tmpdir(), 'safemed-no-zod-'));
after(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const hooks = join(scratch, 'record-loads.mjs');
writeFileSync(
  hooks,
  `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(process.env.SAFEMED_TEST_LOADED_FILE, url + '\\n');
  return next(url, context);
}
`,
);
const register = join(scratch, 'register.mjs');
writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);

let runs = 0;

/** Runs the built CLI under `root` with the loader hook; returns its output and the files it loaded that hold zod. */
function runBuilt(args: string[], options: { root?: string; env?: Record<string, string> } = {}) {
  const entry = join(options.root ?? resolve('.'), 'dist', 'cli', 'main.js');
  assert.ok(existsSync(entry), `${entry} is missing: run \`npm run build\` before the tests`);
  runs += 1;
  const loadedFile = join(scratch, `loaded-${runs}.txt`);
  writeFileSync(loadedFile, '');
  // The guard settings of this shell are left out: each run gives its own.
  const guardVariables = new Set(GUARD_SETTING_SOURCES.map((source) => source.env));
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !guardVariables.has(name)));
  const env = { ...inherited, NO_COLOR: '1', SAFEMED_TEST_LOADED_FILE: loadedFile, ...options.env };
  const result = spawnSync(process.execPath, ['--import', pathToFileURL(register).href, entry, ...args], { encoding: 'utf8', env });
  const loaded = readFileSync(loadedFile, 'utf8').split('\n').filter(Boolean).map((url) => fileURLToPath(url));
  const withZod = loaded.filter((path) => readFileSync(path, 'utf8').includes(ZOD_MARKER));
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, loaded, withZod };
}

test('the built guard check, guard --help and --help load no zod', () => {
  const check = runBuilt(['guard', 'check', 'hi']);
  assert.equal(check.status, 0, check.stderr);
  assert.match(check.stdout, /^action: {5}allow$/m, 'the guard did decide');
  assert.ok(check.loaded.some((path) => path.endsWith('main.js')), 'the hook recorded the CLI');
  assert.deepEqual(check.withZod, [], 'guard check loaded zod');
  for (const args of [['guard', '--help'], ['--help']]) {
    const help = runBuilt(args);
    assert.equal(help.status, 0, help.stderr);
    assert.deepEqual(help.withZod, [], `safemed ${args.join(' ')} loaded zod`);
  }
});

test('a guard setting, a guard scan or a --messages file loads zod and validates as before', () => {
  const badFlag = runBuilt(['guard', 'check', 'hi', '--guard-fail', 'sometimes']);
  assert.notEqual(badFlag.status, 0);
  assert.equal(badFlag.stderr.split('\n')[0], 'safemed: Invalid setting --guard-fail: must be open or closed.');
  assert.notDeepEqual(badFlag.withZod, [], 'the detector sees zod when it is loaded');

  const badEnv = runBuilt(['guard', 'check', 'hi'], { env: { SAFEMED_GUARD_LLM_MODE: 'sometimes' } });
  assert.notEqual(badEnv.status, 0);
  assert.equal(badEnv.stderr.split('\n')[0], 'safemed: Invalid setting $SAFEMED_GUARD_LLM_MODE: must be always, never or uncertain.');
  assert.notDeepEqual(badEnv.withZod, []);

  const goodFlag = runBuilt(['guard', 'check', 'hi', '--guard-fail', 'open', '--json']);
  assert.equal(goodFlag.status, 0, goodFlag.stderr);
  assert.notDeepEqual(goodFlag.withZod, [], 'a given setting is validated');
  const plain = runBuilt(['guard', 'check', 'hi', '--json']);
  assert.equal(goodFlag.stdout, plain.stdout);

  const input = join(scratch, 'scan.jsonl');
  writeFileSync(input, `${JSON.stringify({ id: 1, text: 'hi' })}\n{"text":"no id"}\n`);
  const scan = runBuilt(['guard', 'scan', '--input', input]);
  assert.equal(scan.status, 1, 'a bad line makes the exit code 1');
  assert.match(scan.stdout, /"id":1,"action":"allow"/);
  assert.match(scan.stderr, /:2: skipped: missing "id"/);
  assert.notDeepEqual(scan.withZod, []);

  const messages = join(scratch, 'messages.json');
  writeFileSync(messages, JSON.stringify([{ role: 'assistant', content: 'hello' }]));
  const badMessages = runBuilt(['guard', 'check', '--messages', messages]);
  assert.notEqual(badMessages.status, 0);
  assert.match(badMessages.stderr, /Invalid conversation in .*messages\.json at \(root\): messages need at least one user message/);
});

test('with a stale or missing snapshot the built guard check reads the YAML through zod and answers the same', () => {
  // A copy of the build (the sources it hashes are links to this checkout's).
  const root = join(scratch, 'package');
  cpSync(resolve('dist'), join(root, 'dist'), { recursive: true });
  for (const name of ['src', 'assets', 'data', 'node_modules', 'package.json']) symlinkSync(resolve(name), join(root, name));
  const fresh = runBuilt(['guard', 'check', 'hi', '--json'], { root });
  assert.equal(fresh.status, 0, fresh.stderr);
  assert.deepEqual(fresh.withZod, [], 'the copy uses its fresh snapshots');

  const specSnapshot = join(root, 'dist', 'data-snapshots', 'safety-spec.json');
  const snapshot = JSON.parse(readFileSync(specSnapshot, 'utf8')) as { sha256: string };
  writeFileSync(specSnapshot, JSON.stringify({ ...snapshot, sha256: '0'.repeat(64) }));
  const stale = runBuilt(['guard', 'check', 'hi', '--json'], { root });
  assert.equal(stale.status, 0, stale.stderr);
  assert.equal(stale.stdout, fresh.stdout);
  // read-safety-spec.ts, whichever bundle file holds it, was loaded: the spec was read from its YAML.
  assert.ok(stale.loaded.some((path) => readFileSync(path, 'utf8').includes('Invalid safety specification index')), 'the spec was read from its YAML');
  assert.notDeepEqual(stale.withZod, []);

  rmSync(join(root, 'dist', 'data-snapshots'), { recursive: true });
  const missing = runBuilt(['guard', 'check', 'hi', '--json'], { root });
  assert.equal(missing.status, 0, missing.stderr);
  assert.equal(missing.stdout, fresh.stdout);
  assert.notDeepEqual(missing.withZod, []);
});

test('guard settings without zod are what the schema makes, and given ones get the same values and errors', async () => {
  assert.deepStrictEqual({ ...DEFAULT_GUARD_SETTINGS }, guardSettingsSchema.parse({}));
  const viaSchema = (flags: Record<string, unknown>, env: Record<string, string | undefined>) => {
    try {
      return { value: resolveSettings(guardSettingsSchema, GUARD_SETTING_SOURCES, { flags, env, file: {} }) };
    } catch (error) {
      return { error };
    }
  };
  const inputs: Array<[Record<string, unknown>, Record<string, string | undefined>]> = [
    [{ guard: true }, {}],
    [{ guard: true }, { SAFEMED_GUARD: 'off', SAFEMED_GUARD_FAIL: '' }],
    [{ guard: true }, { SAFEMED_GUARD_FAIL: 'closed' }],
    [{ guard: true }, { SAFEMED_GUARD_FAIL: 'open', SAFEMED_REDACT_UPSTREAM: 'yes' }],
    [{ guard: true, guardFail: 'open' }, { SAFEMED_GUARD_FAIL: 'closed' }],
    [{ guard: true, guardLlmMode: 'never', guardLlm: 'openai:http://127.0.0.1:9/v1' }, {}],
    [{ guard: true, guardConfig: '' }, {}],
    [{ guard: true, guardFail: 'sometimes' }, {}],
    [{ guard: true }, { SAFEMED_GUARD_LLM_MODE: 'sometimes' }],
    [{ guard: 'maybe' }, {}],
    [{}, { SAFEMED_GUARD: 'off' }],
    [{ guard: null }, {}],
  ];
  for (const [flags, env] of inputs) {
    const expected = viaSchema(flags, env);
    const label = JSON.stringify({ flags, env });
    if ('value' in expected) {
      assert.deepStrictEqual(await resolveGuardSettings({ flags, env }), expected.value, label);
    } else {
      assert.ok(expected.error instanceof ConfigError, label);
      await assert.rejects(resolveGuardSettings({ flags, env }), (error: unknown) => error instanceof ConfigError && error.message === (expected.error as ConfigError).message, label);
    }
  }
});
