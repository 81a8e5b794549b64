/**
 * `npm run train:guard`: rebuilds assets/guard/ from ../shared/data (training time only).
 * Options: --data-dir <dir> (default ../shared/data), --out <dir> (default assets/guard), --seed <n>,
 * --held-out-model (write the phase-1 leave-one-source-out model instead of the final one; for analysis).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { trainGuardModel } from '../training/guard/train-guard-model.js';

const { values } = parseArgs({
  options: { 'data-dir': { type: 'string' }, out: { type: 'string' }, seed: { type: 'string' }, 'held-out-model': { type: 'boolean' } },
});
const started = Date.now();
trainGuardModel({
  dataDir: resolve(values['data-dir'] ?? '../shared/data'),
  outDir: resolve(values.out ?? 'assets/guard'),
  seed: values.seed === undefined ? 20261124 : Number(values.seed),
  finalModel: values['held-out-model'] !== true,
  log: (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`),
});
