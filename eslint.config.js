// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers of src/: each folder may import only from the folders below it (and itself), never from one
 * above or beside it, so the core never learns of the parts that drive it. errors.ts and logger.ts, at the
 * top of src/, are shared by all but domain.
 */
const LAYERS = {
  domain: [],
  lib: [],
  io: [],
  processor: ['domain'],
  config: ['domain'],
  log: ['domain', 'io', 'lib'],
  store: ['domain', 'io', 'lib'],
  cache: ['domain', 'io', 'lib'],
  sources: ['domain', 'config', 'io', 'lib'],
  api: ['domain', 'config', 'cache', 'store', 'io', 'lib'],
  pipeline: ['domain', 'config', 'processor', 'log', 'store', 'cache', 'sources', 'io', 'lib'],
  web: ['domain'],
};
const FOLDERS = [...Object.keys(LAYERS), 'cli'];
const layerRules = Object.entries(LAYERS).map(([folder, below]) => ({
  files: [`src/${folder}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...FOLDERS.filter((f) => f !== folder && !below.includes(f)).map((f) => ({
            group: [`**/${f}/**`],
            message: `src/${folder} must not import src/${f}: it is not below it (see LAYERS in eslint.config.js)`,
          })),
          ...(folder === 'domain'
            ? [{ group: ['../*.js'], message: 'src/domain is pure: it imports nothing else' }]
            : []),
          ...(folder === 'web'
            ? [
                { group: ['node:*'], message: 'src/web runs in the browser: no Node modules' },
                { group: ['../*.js'], message: 'src/web imports only src/domain and its packages' },
              ]
            : []),
        ],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['scripts/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's test() and describe() return promises the runner itself awaits.
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['test', 'describe', 'it', 'suite', 'before', 'after'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-console': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read settings through loadConfig() in src/config.' },
      ],
    },
  },
  {
    files: ['src/config/load-config.ts', 'test/**/*.ts', 'bench/**/*.ts', 'bench/**/*.mjs'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // Tests and benchmarks exercise the code; non-null assertions on fixtures keep them readable.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', 'no-console': 'off' },
  },
  ...layerRules,
  {
    files: ['eslint.config.js', 'scripts/**/*.mjs', 'bench/**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
