// Build step (after `tsc -p tsconfig.build.json` and scripts/bundle-dist-dependencies.mjs): replaces
// dist/cli/main.js, the `safemed` binary, with an esbuild bundle of the compiled CLI. Node's ES module
// loader costs about 1 ms per module on a 2-core machine (resolve, read, compile, link); `safemed guard
// check` imported ~55 modules, which was a third of its start-up. The bundle is the same compiled code
// in a few files:
//
// - Code splitting keeps every lazy `import()` lazy: each command group (and each heavy module a command
//   loads inside its action) is its own chunk, loaded only when used. All outputs sit in dist/cli/.
// - Pure-JavaScript dependencies every command needs (`zod`, `commander`) are bundled in; every other
//   package stays an ordinary import (native add-ons, large optional modules, anything loaded lazily).
// - `import.meta.url` in a bundled module is rewritten to the URL of that module's compiled file in
//   dist/ (which stays in place), so every path a module computes from its own location (package root,
//   data files, worker entries, snapshot sources) is exactly what it was without the bundle.
// - The compiled files stay in dist/ for worker threads, the data-snapshot build and library users.
//
// The unbundled entry is kept as dist/cli/main-unbundled.js (tests compare the two).
// Usage: node scripts/bundle-cli.mjs [--dist dist]
import { readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { build } from 'esbuild';

const distIndex = process.argv.indexOf('--dist');
const dist = resolve(distIndex >= 0 ? process.argv[distIndex + 1] : 'dist');
const cliFolder = join(dist, 'cli');
const manifest = JSON.parse(readFileSync(resolve(dist, '..', 'package.json'), 'utf8'));

/** Dependencies bundled into the CLI; every other package is left to Node's resolver. */
const BUNDLED_PACKAGES = new Set(['zod', 'commander']);
const external = Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies, ...manifest.devDependencies })
  .filter((name) => !BUNDLED_PACKAGES.has(name))
  .flatMap((name) => [name, `${name}/*`]);

// Old chunks from an earlier build would otherwise pile up next to the entry.
for (const file of readdirSync(cliFolder)) if (file.startsWith('chunk-')) rmSync(join(cliFolder, file));
const unbundled = join(cliFolder, 'main-unbundled.js');
if (readFileSync(join(cliFolder, 'main.js'), 'utf8').includes('__safemedCreateRequire')) {
  console.error('dist/cli/main.js is already a bundle: run `npm run build` (tsc first), not this script alone.');
  process.exit(1);
}
renameSync(join(cliFolder, 'main.js'), unbundled);

const started = performance.now();
const result = await build({
  entryPoints: [{ in: unbundled, out: 'main' }],
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir: cliFolder,
  chunkNames: 'chunk-[hash]',
  external,
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'inline',
  // commander is CommonJS and requires Node's built-ins; a bundled ES module has no `require` of its own.
  banner: { js: "import { createRequire as __safemedCreateRequire } from 'node:module'; const require = __safemedCreateRequire(import.meta.url);" },
  logLevel: 'warning',
  metafile: true,
  plugins: [
    {
      name: 'original-import-meta-url',
      setup(builder) {
        builder.onLoad({ filter: /\.js$/ }, (args) => {
          const source = readFileSync(args.path, 'utf8');
          if (!source.includes('import.meta.url')) return undefined;
          // Every output file is in dist/cli/, so the module's compiled file is this path from there.
          const fromOutput = relative(cliFolder, args.path).split(sep).join('/');
          const contents = source.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromOutput)}, import.meta.url).href`);
          return { contents, loader: 'js', resolveDir: dirname(args.path) };
        });
      },
    },
  ],
});
const outputs = Object.keys(result.metafile.outputs).length;
const inputs = Object.keys(result.metafile.inputs).length;
console.log(`bundled the CLI: ${inputs} modules → ${outputs} files in dist/cli in ${(performance.now() - started).toFixed(0)} ms`);
