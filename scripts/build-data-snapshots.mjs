// Build step (after `tsc -p tsconfig.build.json`): writes dist/data-snapshots/, the validated JSON
// snapshot of every data file declared with defineDataFile (src/spec/define-data-file.ts), so a
// built CLI loads JSON instead of parsing and validating YAML on every start. It imports each
// compiled module that declares a data file (found by its `defineDataFile({` or `defineLazyDataFile({` call), then reads and
// validates every declared file exactly as the runtime does from source. A snapshot records the
// sha-256 of its sources; the runtime ignores it once a YAML file or a schema module changes.
// Usage: node scripts/build-data-snapshots.mjs [--dist dist]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const distIndex = process.argv.indexOf('--dist');
const dist = resolve(distIndex >= 0 ? process.argv[distIndex + 1] : 'dist');

function walk(folder, files = []) {
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'data-snapshots' && name !== 'console-web' && name !== 'node_modules') walk(path, files);
    } else if (path.endsWith('.js')) files.push(path);
  }
  return files;
}

const loader = join(dist, 'spec', 'define-data-file.js');
const declaring = walk(dist).filter((path) => path !== loader && /define(Lazy)?DataFile\(\{/.test(readFileSync(path, 'utf8')));
const { prepareDataFileReads, writeDataSnapshots } = await import(pathToFileURL(loader).href);
for (const path of declaring.sort()) await import(pathToFileURL(path).href);
// A data file whose reader loads lazily (defineLazyDataFile) has none yet when the last build's snapshot is fresh.
await prepareDataFileReads();
const started = performance.now();
const written = writeDataSnapshots(join(dist, 'data-snapshots'));
const kilobytes = written.reduce((sum, entry) => sum + entry.bytes, 0) / 1024;
console.log(
  `data snapshots: ${written.length} written to ${relative(process.cwd(), join(dist, 'data-snapshots'))} ` +
    `(${kilobytes.toFixed(0)} KB, ${(performance.now() - started).toFixed(0)} ms): ${written.map((entry) => entry.id).join(', ')}`,
);
