import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { resolveSettings, type SettingSource } from '../../src/core/config.js';
import { ConfigError } from '../../src/core/errors.js';

const schema = z.object({ port: z.coerce.number().int().min(1).max(65535).default(8000), host: z.string().default('127.0.0.1') });
const sources: SettingSource[] = [
  { key: 'port', flag: '--port', env: 'SAFEMED_PORT' },
  { key: 'host', flag: '--host', env: 'SAFEMED_HOST' },
];

test('flag beats env beats file beats default', () => {
  const all = resolveSettings(schema, sources, { flags: { port: '1' }, env: { SAFEMED_PORT: '2' }, file: { port: 3 } });
  assert.equal(all.port, 1);
  assert.equal(resolveSettings(schema, sources, { flags: {}, env: { SAFEMED_PORT: '2' }, file: { port: 3 } }).port, 2);
  assert.equal(resolveSettings(schema, sources, { flags: {}, env: {}, file: { port: 3 } }).port, 3);
  assert.equal(resolveSettings(schema, sources, { flags: {}, env: {}, file: {} }).port, 8000);
});

test('a bad value names where it came from and how to fix it', () => {
  assert.throws(
    () => resolveSettings(schema, sources, { flags: {}, env: { SAFEMED_PORT: 'abc' }, file: {} }),
    (error: unknown) => error instanceof ConfigError && error.message.includes('$SAFEMED_PORT') && (error.fix ?? '').includes('--port'),
  );
});

test('an unknown config-file key is rejected with the list of known keys', () => {
  assert.throws(
    () => resolveSettings(schema, sources, { flags: {}, env: {}, file: { prot: 1 }, fileName: 'safemed.yaml' }),
    (error: unknown) => error instanceof ConfigError && error.message.includes('"prot"') && (error.fix ?? '').includes('host, port'),
  );
});

test('a value that is not a number says so with the value (never "received NaN")', () => {
  assert.throws(
    () => resolveSettings(schema, sources, { flags: { port: 'two' }, env: {}, file: {} }),
    (error: unknown) => error instanceof ConfigError && error.message === 'Invalid setting --port: "two" is not a number.',
  );
});
