// Checks the architecture (ARCHITECTURE.md) on every import under src/:
//  1. layers: a top-level folder uses only the folders the layer map below allows;
//  2. no folder cycles inside a layer: sub-folders (and a folder and its parent) never import each
//     other both ways, e.g. src/guard/classifier ↔ src/guard/detect;
//  3. core has no I/O: no file, network, process or worker modules in src/core;
//  4. build-time code stays out: nothing in src/ imports training/, scripts/, bench/ or test/.
// Prints every offending import and exits 1; `--json` prints the findings as JSON.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** The layer map (coordination plan): each layer and the layers it may use (besides itself). */
export const LAYERS = {
  core: [],
  spec: ['core'],
  backends: ['core', 'spec'],
  audit: ['core', 'spec'],
  guard: ['core', 'spec', 'backends'],
  judges: ['core', 'spec', 'backends'],
  eval: ['core', 'spec', 'backends', 'guard', 'judges'],
  reward: ['core', 'spec', 'backends', 'guard', 'judges', 'eval'],
  redteam: ['core', 'spec', 'backends', 'guard', 'judges', 'eval'],
  data: ['core', 'spec', 'backends', 'audit', 'guard', 'judges', 'eval'],
  train: ['core', 'spec', 'data', 'reward'],
  serve: ['core', 'spec', 'backends', 'audit', 'guard', 'judges'],
  console: ['core', 'spec', 'backends', 'audit', 'guard', 'judges', 'eval', 'reward', 'redteam', 'data', 'train', 'serve'],
  cli: null, // the CLI may use every layer
};

/** Node modules that do I/O; src/core may not import them (node: prefix optional). */
const IO_MODULES = ['fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'child_process', 'dgram', 'dns', 'dns/promises', 'tls', 'worker_threads', 'cluster', 'readline', 'sqlite'];
/** Folders of the repository that runtime code must never import. */
const BUILD_TIME_FOLDERS = ['training', 'scripts', 'bench', 'test'];

function walk(folder, files = []) {
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) walk(path, files);
    else if (path.endsWith('.ts') && !path.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

/** Import specifiers of a file: static, dynamic, re-exports; comments are ignored. */
function importsOf(text) {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const found = [];
  for (const match of code.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"]([^'"]+)['"]/g)) found.push(match[1]);
  return found;
}

/** Checks every .ts file under `<root>/src` (default: the current folder's). */
export function checkLayers(root = resolve('.')) {
  const sourceRoot = join(root, 'src');
  const files = walk(sourceRoot);
  const layerOf = (path) => relative(sourceRoot, path).split(sep)[0];
  const folderOf = (path) => relative(sourceRoot, dirname(path)).split(sep).join('/');
  const problems = { layers: [], cycles: [], fileCycles: [], coreIo: [], buildTime: [] };
  /** file → file (shown paths), inside one layer, for import cycles between files. */
  const fileEdges = new Map();
  /** folder → folder → one example import, inside one layer. */
  const edges = new Map();
  for (const file of files) {
    const layer = layerOf(file);
    const shown = relative(root, file);
    if (!(layer in LAYERS)) {
      problems.layers.push(`${shown}: folder src/${layer} is not in the layer map (scripts/check-layers.mjs, ARCHITECTURE.md)`);
      continue;
    }
    const permitted = LAYERS[layer];
    for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
      if (layer === 'core') {
        const bare = specifier.replace(/^node:/, '');
        if (IO_MODULES.includes(bare)) problems.coreIo.push(`${shown} imports ${specifier}: src/core holds types, errors, config and pure helpers, no I/O`);
      }
      if (!specifier.startsWith('.')) continue;
      const target = resolve(dirname(file), specifier);
      if (!target.startsWith(sourceRoot + sep)) {
        const top = relative(root, target).split(sep)[0];
        if (BUILD_TIME_FOLDERS.includes(top)) problems.buildTime.push(`${shown} imports ${specifier}: runtime code never imports ${top}/ (build-time and test code)`);
        continue;
      }
      const targetLayer = layerOf(target);
      if (targetLayer !== layer) {
        if (permitted !== null && !permitted.includes(targetLayer)) problems.layers.push(`${shown} imports ${specifier}: src/${layer} may not depend on src/${targetLayer}`);
        continue;
      }
      const targetFile = relative(root, target.replace(/\.js$/, '.ts'));
      if (!fileEdges.has(shown)) fileEdges.set(shown, new Map());
      fileEdges.get(shown).set(targetFile, specifier);
      const from = folderOf(file);
      const to = folderOf(target);
      if (from === to) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      if (!edges.get(from).has(to)) edges.get(from).set(to, `${shown} imports ${specifier}`);
    }
  }
  // Sub-folders of a layer form a one-way graph. The layer's own root files (its entry points and shared
  // types) may use its sub-folders and be used by them, so they are left out of the folder graph; cycles
  // through them show up in the file-level check below.
  const subfolderEdges = new Map([...edges].filter(([from]) => from.includes('/')).map(([from, targets]) => [from, new Map([...targets].filter(([to]) => to.includes('/')))]));
  for (const component of stronglyConnected(subfolderEdges)) {
    const members = new Set(component);
    const examples = component.flatMap((from) => [...(subfolderEdges.get(from) ?? new Map())].filter(([to]) => members.has(to)).map(([to, example]) => `    src/${from} → src/${to}: ${example}`));
    problems.cycles.push(`folder cycle ${component.map((folder) => `src/${folder}`).join(' ↔ ')}:\n${examples.join('\n')}`);
  }
  for (const component of stronglyConnected(fileEdges)) {
    const members = new Set(component);
    const examples = component.flatMap((from) => [...(fileEdges.get(from) ?? new Map())].filter(([to]) => members.has(to)).map(([to]) => `    ${from} → ${to}`));
    problems.fileCycles.push(`import cycle ${component.join(' ↔ ')}:\n${examples.join('\n')}`);
  }
  return problems;
}

/** Tarjan's strongly connected components with more than one folder, each sorted. */
function stronglyConnected(edges) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  let counter = 0;
  const nodes = new Set([...edges.keys(), ...[...edges.values()].flatMap((targets) => [...targets.keys()])]);
  const visit = (node) => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node), index.get(next)));
    }
    if (low.get(node) === index.get(node)) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const node of [...nodes].sort()) if (!index.has(node)) visit(node);
  return components;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const problems = checkLayers();
  if (process.argv.includes('--json')) console.log(JSON.stringify(problems, null, 2));
  const sections = [
    ['Layering violations (a folder uses one it may not)', problems.layers],
    ['I/O in src/core', problems.coreIo],
    ['Build-time or test code imported by src/', problems.buildTime],
    ['Folder cycles inside a layer (make the dependency one-way)', problems.cycles],
    ['Import cycles between files (move the shared part into its own file)', problems.fileCycles],
  ].filter(([, list]) => list.length > 0);
  if (sections.length > 0) {
    if (!process.argv.includes('--json')) for (const [title, list] of sections) console.error(`${title}, see ARCHITECTURE.md:\n${list.map((line) => '  ' + line).join('\n')}`);
    process.exit(1);
  }
  if (!process.argv.includes('--json')) console.log('layers: ok (layer map, no folder cycles, no I/O in core, no build-time imports)');
}
