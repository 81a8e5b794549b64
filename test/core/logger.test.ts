/** The logger's lines are JSON that shows every character a reader would not see as text as an escape. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../src/core/logger.js';

test('C1 controls, line separators and bidi overrides in a log line are escaped; the line stays JSON with the same values', () => {
  const lines: string[] = [];
  const logger = createLogger({ write: (line) => lines.push(line), now: () => new Date(0) });
  const hostile = 'model \u009b2J\u009d0;pwned\u0007 \u2028next \u202egnp.exe\u202c \u2066x\u2069 é 中文';
  logger.warn('upstream said', { text: hostile });
  const line = lines[0] as string;
  assert.doesNotMatch(line, /[\u0080-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
  assert.match(line, /\\u009b2J/);
  assert.match(line, /é 中文/, 'ordinary non-ASCII text is left as it is');
  assert.equal((JSON.parse(line) as { text: string }).text, hostile);
  logger.info('plain');
  assert.equal(lines[1], '{"time":"1970-01-01T00:00:00.000Z","level":"info","message":"plain"}');
});
