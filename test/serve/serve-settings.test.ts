import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveSettings } from '../../src/core/config.js';
import { ConfigError } from '../../src/core/errors.js';
import { loadConfigFile } from '../../src/serve/load-config-file.js';
import { SERVE_SETTING_SOURCES, parseByteSize, serveSettingsSchema } from '../../src/serve/serve-settings.js';

const resolve = (flags: Record<string, unknown>, env: Record<string, string>, file: Record<string, unknown> = {}) =>
  resolveSettings(serveSettingsSchema, SERVE_SETTING_SOURCES, { flags, env, file, fileName: 'safemed.yaml' });

test('byte sizes', () => {
  assert.equal(parseByteSize('1048576'), 1048576);
  assert.equal(parseByteSize('512kb'), 512 * 1024);
  assert.equal(parseByteSize('1MiB'), 1024 * 1024);
  assert.equal(parseByteSize('2 mb'), 2 * 1024 * 1024);
  assert.ok(Number.isNaN(parseByteSize('lots')));
});

test('defaults, and flag > env > YAML file for serve settings', (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'safemed-settings-'));
  t.after(() => { rmSync(folder, { recursive: true, force: true }); });
  const path = join(folder, 'safemed.yaml');
  writeFileSync(path, 'model: vllm:http://gpu:8000/v1\nport: 9000\nservedModelName: from-file\napiKey: [a, b]\nbodyLimit: 2mb\nsystemPrompt: none\naudit: false\n');
  const file = loadConfigFile(path);
  const fromFile = resolve({}, {}, file);
  assert.equal(fromFile.model, 'vllm:http://gpu:8000/v1');
  assert.equal(fromFile.port, 9000);
  assert.equal(fromFile.servedModelName, 'from-file');
  assert.deepEqual(fromFile.apiKey, ['a', 'b']);
  assert.equal(fromFile.bodyLimit, 2 * 1024 * 1024);
  assert.equal(fromFile.systemPrompt, null);
  assert.equal(fromFile.audit, false);
  const fromEnv = resolve({}, { SAFEMED_PORT: '9100', SAFEMED_API_KEY: 'x, y', SAFEMED_AUDIT: 'on' }, file);
  assert.equal(fromEnv.port, 9100);
  assert.deepEqual(fromEnv.apiKey, ['x', 'y']);
  assert.equal(fromEnv.audit, true);
  const fromFlag = resolve({ port: '9200', apiKey: ['k1,k2', 'k3'], systemPrompt: false }, { SAFEMED_PORT: '9100' }, file);
  assert.equal(fromFlag.port, 9200);
  assert.deepEqual(fromFlag.apiKey, ['k1', 'k2', 'k3']);
  assert.equal(fromFlag.systemPrompt, null);
  const defaults = resolve({ model: 'llama:x.gguf' }, {});
  assert.equal(defaults.host, '127.0.0.1');
  assert.equal(defaults.port, 8000);
  assert.equal(defaults.servedModelName, 'safemed-r1');
  assert.equal(defaults.reasoningField, 'reasoning_content');
  assert.equal(defaults.bodyLimit, 1024 * 1024);
  assert.equal(defaults.auditDb, '.safemed/audit.db');
  assert.deepEqual(defaults.apiKey, []);
});

test('bad settings name their source', (t) => {
  assert.throws(() => resolve({ model: 'llama:x.gguf' }, { SAFEMED_REASONING_FIELD: 'thinking' }), (error: unknown) => error instanceof ConfigError && error.message.includes('$SAFEMED_REASONING_FIELD'));
  assert.throws(() => resolve({ model: 'llama:x.gguf', bodyLimit: 'huge' }, {}), (error: unknown) => error instanceof ConfigError && error.message.includes('--body-limit'));
  const folder = mkdtempSync(join(tmpdir(), 'safemed-settings-'));
  t.after(() => { rmSync(folder, { recursive: true, force: true }); });
  const broken = join(folder, 'broken.yaml');
  writeFileSync(broken, 'port: [1\n');
  assert.throws(() => loadConfigFile(broken), (error: unknown) => error instanceof ConfigError && error.message.includes('not valid YAML'));
  assert.throws(() => loadConfigFile(join(folder, 'missing.yaml')), (error: unknown) => error instanceof ConfigError && error.message.includes('ENOENT'));
  // SAFEMED_API_KEY set but empty (a missing secret in a .env or a compose file) is refused, not an open server;
  // other empty variables still count as unset.
  assert.throws(
    () => resolve({ model: 'llama:x.gguf' }, { SAFEMED_API_KEY: '' }),
    (error: unknown) => error instanceof ConfigError && error.message.includes('$SAFEMED_API_KEY') && /is empty/.test(error.message),
  );
  assert.equal(resolve({ model: 'llama:x.gguf' }, { SAFEMED_PORT: '' }).port, 8000);
});

test('timeouts, connection cap and answer size are settings with safe defaults (flag > env > file)', () => {
  const defaults = resolve({ model: 'openai:http://x/v1' }, {});
  assert.equal(defaults.headerTimeout, 10);
  assert.equal(defaults.bodyTimeout, 30);
  assert.equal(defaults.writeTimeout, 60);
  assert.equal(defaults.maxConnections, 1024);
  assert.equal(defaults.maxAnswerSize, 4 * 1024 * 1024);
  const chosen = resolve(
    { model: 'openai:http://x/v1', headerTimeout: '3' },
    { SAFEMED_BODY_TIMEOUT: '7', SAFEMED_MAX_CONNECTIONS: '64', SAFEMED_HEADER_TIMEOUT: '99', SAFEMED_WRITE_TIMEOUT: '15' },
    { maxAnswerSize: '512kb', maxConnections: 5 },
  );
  assert.equal(chosen.headerTimeout, 3);
  assert.equal(chosen.bodyTimeout, 7);
  assert.equal(chosen.writeTimeout, 15);
  assert.equal(chosen.maxConnections, 64);
  assert.equal(chosen.maxAnswerSize, 512 * 1024);
  assert.throws(() => resolve({ model: 'openai:http://x/v1', maxConnections: '0' }, {}), ConfigError);
});

test('audit durability: full by default, normal from the flag or SAFEMED_AUDIT_DURABILITY, anything else refused naming the flag', () => {
  assert.equal(resolve({ model: 'vllm:http://gpu:8000/v1' }, {}).auditDurability, 'full');
  assert.equal(resolve({ model: 'vllm:http://gpu:8000/v1' }, { SAFEMED_AUDIT_DURABILITY: 'normal' }).auditDurability, 'normal');
  assert.equal(resolve({ model: 'vllm:http://gpu:8000/v1', auditDurability: 'full' }, { SAFEMED_AUDIT_DURABILITY: 'normal' }).auditDurability, 'full');
  assert.throws(() => resolve({ model: 'vllm:http://gpu:8000/v1', auditDurability: 'off' }, {}), (error: unknown) => error instanceof ConfigError && /--audit-durability/.test(error.message));
});
