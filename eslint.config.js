// Type-aware lint: typescript-eslint's strictTypeChecked set, with the few adjustments below, each
// with its reason. `npm run lint` runs it on src, test, bench and scripts; `npx eslint training
// console-web/src` lints the build-time training code and the console's browser code (warnings only).
import tseslint from 'typescript-eslint';

/** strictTypeChecked rules still warnings in most folders (see the blocks below). */
const STRICT_RULES_STILL_WARNED = [
  'no-non-null-assertion',
  'no-unnecessary-condition',
  'require-await',
  'no-unsafe-member-access',
  'no-unsafe-assignment',
  'no-unsafe-argument',
  'no-unsafe-call',
  'no-explicit-any',
  'no-deprecated',
  'no-unnecessary-type-conversion',
  'no-unnecessary-type-assertion',
  'no-unnecessary-type-parameters',
  'no-misused-spread',
  'no-confusing-void-expression',
  'prefer-promise-reject-errors',
];

/** The project's adjustments of strictTypeChecked, each with its reason. */
const PROJECT_RULES = {
  // node:test's test()/describe() return promises the runner itself awaits.
  '@typescript-eslint/no-floating-promises': [
    'error',
    { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }] },
  ],
  // Async functions handed to commander actions, node:test and event listeners are awaited (or
  // their errors handled) by whoever calls them; a promise in a condition or a spread is still an error.
  '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
  // Numbers print exactly in a template string ("n=1273", "took 4.2 s"); objects, undefined,
  // null and symbols (the mistakes the rule is for) are still errors.
  '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
  // A leading underscore marks a binding that is unused on purpose (a destructured field left out,
  // a loop that only drains a stream).
  '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
};

/** Every rule strictTypeChecked and PROJECT_RULES turn on, as a warning (training/ and console-web/). */
const TRAINING_AND_CONSOLE_WEB_WARN = Object.fromEntries(
  [...tseslint.configs.strictTypeChecked.flatMap((config) => Object.entries(config.rules ?? {})), ...Object.entries(PROJECT_RULES)]
    .filter(([, level]) => level === 'error' || (Array.isArray(level) && level[0] === 'error'))
    .map(([rule, level]) => [rule, Array.isArray(level) ? ['warn', ...level.slice(1)] : 'warn']),
);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/node_modules/**', '**/*.tmp.ts', '**/*.tmp.mts', 'console-web/dist/**'] },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'training/**/*.ts', 'console-web/src/**/*.{ts,tsx}'],
    extends: [tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: PROJECT_RULES,
  },
  {
    // WARN FOR NOW (2026-11-27): these strict rules still have findings in code other parts are finishing
    // (at the switch: 144, mostly no-non-null-assertion and no-unnecessary-condition; at 10:40 UTC 112:
    // test/serve 23, bench/gateway-overhead 18, test/guard 14, test/backends 11, test/audit 10,
    // src/backends 9, test/redteam 6, src/serve 5, test/support 5, src/judges 3, test/judges 3,
    // test/console 3, test/cli 2). They are errors everywhere else in strictTypeChecked; each goes back
    // to 'error' folder by folder (the next block) once `npx eslint <folder>` shows it clean.
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'training/**/*.ts', 'console-web/src/**/*.{ts,tsx}'],
    rules: Object.fromEntries(
      STRICT_RULES_STILL_WARNED.map((rule) => [`@typescript-eslint/${rule}`, 'warn']),
    ),
  },
  {
    // ERROR AGAIN (2026-11-27) where the findings are fixed: these folders are clean of all the rules
    // above, so a new finding there fails `npm run lint`. Add a folder once it is clean.
    files: [
      'src/eval/**/*.ts',
      'src/data/**/*.ts',
      'src/redteam/**/*.ts',
      'src/console/**/*.ts',
      'src/cli/**/*.ts',
      'src/audit/**/*.ts',
      'src/core/**/*.ts',
      'src/spec/**/*.ts',
      'src/chat/**/*.ts',
      'scripts/**/*.ts',
      'bench/**/*.ts',
    ],
    // Still being finished by their owners (warn like the rest of the repository for now).
    ignores: ['bench/gateway-overhead.ts', 'bench/serve-big-body.ts', 'bench/reward-throughput.ts'],
    rules: Object.fromEntries(STRICT_RULES_STILL_WARNED.map((rule) => [`@typescript-eslint/${rule}`, 'error'])),
  },
  {
    // Build-time training code and the console's browser code (its own tsconfig, DOM + Preact) came
    // under lint later: every strictTypeChecked finding there is a warning until they are cleaned up.
    files: ['training/**/*.ts', 'console-web/src/**/*.{ts,tsx}'],
    rules: TRAINING_AND_CONSOLE_WEB_WARN,
  },
  {
    // Tests index the arrays and maps they have just built and asserted on: a wrong index fails the
    // test at once, and `value!` keeps the assertion readable. Runtime code (src/) never uses `!`.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
