// safemed.example.yaml documents every `safemed serve` setting, and uncommented it is a valid config.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { resolveSettings } from '../../src/core/config.js';
import { SERVE_SETTING_SOURCES, serveSettingsSchema } from '../../src/serve/serve-settings.js';

const text = readFileSync('safemed.example.yaml', 'utf8');
/** The example with its commented-out settings (`# key: value` and their `#   - item` lists) switched on. */
const uncommented = text
  .split('\n')
  .map((line) => (/^# [a-z][A-Za-z]*:( |$)/.test(line) || /^# {3}- /.test(line) ? line.slice(2) : line))
  .join('\n');

test('every serve setting is in safemed.example.yaml, with its flag and environment variable', () => {
  const documented = new Set([...uncommented.matchAll(/^([a-z][A-Za-z]*):/gm)].map((match) => match[1]));
  const missing = SERVE_SETTING_SOURCES.filter((source) => !documented.has(source.key)).map((source) => source.key);
  assert.deepEqual(missing, [], 'add these settings to safemed.example.yaml');
  for (const source of SERVE_SETTING_SOURCES) {
    assert.ok(text.includes(`$${source.env}`), `${source.key}: mention $${source.env}`);
    assert.ok(text.includes(source.flag.split(' ')[0]!), `${source.key}: mention ${source.flag}`);
  }
});

test('the example, every setting switched on, is a valid config file; as shipped (all commented) it sets nothing', () => {
  const file = parse(uncommented) as Record<string, unknown>;
  const settings = resolveSettings(serveSettingsSchema, SERVE_SETTING_SOURCES, { flags: {}, env: {}, file, fileName: 'safemed.example.yaml' });
  assert.equal(settings.model, 'llama:./models/SafeMed-R1-Q4_K_M.gguf');
  assert.deepEqual(settings.apiKey, ['change-me-1', 'change-me-2']);
  assert.equal(settings.bodyLimit, 1024 * 1024);
  assert.equal(parse(text), null);
});
