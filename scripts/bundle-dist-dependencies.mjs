// Build step (after `tsc -p tsconfig.build.json`): writes dist/node_modules/<name>/, a one-file ESM
// bundle of each pure-JavaScript dependency that every CLI start imports, so that Node's module
// loader reads one file instead of many. `zod` is ~95 ES modules (its locales included): importing
// them costs ~70 ms of the ~400 ms `safemed guard check` start-up on a 2-core machine; one bundled
// file costs about half of that.
//
// Node resolves `import … from 'zod'` in dist/**/*.js to dist/node_modules/zod before
// node_modules/zod, so the built CLI takes the bundle while sources (tsx, tests, type checking) use
// the installed package. The bundle is the installed version's code, concatenated and minified by
// esbuild (less source for V8 to parse on every start), with zod's error messages in English only (see
// BUNDLED), and carries its licence. Without the folder (e.g. a
// package manager that drops nested node_modules) the CLI falls back to the installed package.
// Usage: node scripts/bundle-dist-dependencies.mjs [--dist dist]
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';

/**
 * The packages to bundle, with the modules to replace: zod's `locales` index re-exports ~45 languages'
 * error messages (57 % of the bundle); safemed never reads `z.locales` and zod configures English itself,
 * so the bundle keeps English only.
 */
const BUNDLED = [
  {
    name: 'zod',
    replace: [{ filter: /zod[\\/]v4[\\/]locales[\\/]index\.js$/, contents: 'export { default as en } from "./en.js";' }],
  },
];

const distIndex = process.argv.indexOf('--dist');
const dist = resolve(distIndex >= 0 ? process.argv[distIndex + 1] : 'dist');
const require = createRequire(import.meta.url);

for (const { name, replace } of BUNDLED) {
  const manifestPath = require.resolve(`${name}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const folder = join(dist, 'node_modules', name);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const started = performance.now();
  const result = await build({
    stdin: { contents: `export * from '${name}';`, resolveDir: dirname(manifestPath), loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile: join(folder, 'index.js'),
    minify: true,
    legalComments: 'inline',
    logLevel: 'warning',
    metafile: true,
    plugins: [
      {
        name: 'replace-modules',
        setup(builder) {
          for (const { filter, contents } of replace) builder.onLoad({ filter }, (args) => ({ contents, loader: 'js', resolveDir: dirname(args.path) }));
        },
      },
    ],
  });
  writeFileSync(
    join(folder, 'package.json'),
    `${JSON.stringify(
      {
        name,
        version: manifest.version,
        license: manifest.license,
        description: `${name} ${manifest.version} bundled into one ES module by safemed's build (scripts/bundle-dist-dependencies.mjs).`,
        type: 'module',
        exports: { '.': './index.js' },
      },
      null,
      2,
    )}\n`,
  );
  copyFileSync(join(dirname(manifestPath), 'LICENSE'), join(folder, 'LICENSE'));
  const inputs = Object.keys(result.metafile.inputs).length;
  console.log(`bundled ${name} ${manifest.version}: ${inputs} modules → dist/node_modules/${name}/index.js in ${(performance.now() - started).toFixed(0)} ms`);
}
