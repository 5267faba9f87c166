// @ts-check
/**
 * Lint: typescript-eslint (type-checked) plus the architecture's import boundaries
 * ("one engine, three faces"; the layout is in README.md):
 *
 *   core/  <-  pipeline-schema/  <-  runners/  <-  reports/  <-  cli/ | actions/ | danger/
 *
 * An arrow points from a layer to the layers it may import. Nothing imports a face (cli/,
 * actions/, danger/); only actions/github/ and the danger plugin talk to GitHub (@actions/*,
 * octokit); the danger plugin imports danger for types only (danger injects its globals, so
 * users' installs never need it); import cycles fail.
 * test/lint-boundaries.test.ts proves that each rule fires.
 */
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** Packages that talk to GitHub: only the one adapter in actions/github/ may import them. */
const GITHUB_PACKAGES = ['@actions/*', '@octokit/*', 'octokit'];
const githubPackagesBanned = {
  group: GITHUB_PACKAGES,
  message: 'only actions/github/ (the one GitHub adapter) may import @actions/* or octokit; pass plain data through runners/ and reports/ instead',
};

/**
 * `target` may not import `from`. Paths are relative to this folder. The message says the fix.
 * @type {{ target: string; from: string[]; message: string }[]}
 */
const LAYERS = [
  {
    target: './core',
    from: ['./pipeline-schema', './runners', './reports', './cli', './actions', './danger', './bench', './test'],
    message: 'core/ is the bottom layer: it imports only core/. Move the shared piece into core/, or the code that needs the upper layer out of core/.',
  },
  {
    target: './pipeline-schema',
    from: ['./runners', './reports', './cli', './actions', './danger'],
    message: 'pipeline-schema/ (the language) imports no runner, report or face. Move the shared piece down into pipeline-schema/ or core/.',
  },
  {
    target: './runners',
    from: ['./reports', './cli', './actions', './danger'],
    message: 'runners/ (the engine) returns plain documents and never imports reports/, cli/ or actions/. Let the face render the document with reports/.',
  },
  {
    target: './reports',
    from: ['./cli', './actions', './danger'],
    message: 'reports/ are pure renderers of documents and never import cli/ or actions/. Take the document as an argument instead.',
  },
  {
    target: './cli',
    from: ['./actions', './danger'],
    message: 'cli/, actions/ and danger/ are sibling faces: share code through runners/ or reports/, not through each other.',
  },
  {
    target: './actions',
    from: ['./cli', './danger'],
    message: 'cli/, actions/ and danger/ are sibling faces: share code through runners/ or reports/, not through each other.',
  },
  {
    target: './danger',
    from: ['./cli', './actions'],
    message: 'cli/, actions/ and danger/ are sibling faces: share code through runners/ or reports/, not through each other.',
  },
];

export default tseslint.config(
  {
    ignores: ['dist/**', 'actions/*/dist/**', 'node_modules/**', 'examples/**', 'bench/.work/**', 'pipeline-schema/mlpipeline.validate.cjs'],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: {
      // How import-x reads the files it follows (for no-cycle): TypeScript sources, parsed as TS.
      'import-x/extensions': ['.ts', '.js', '.cjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [
        // Sources import './x.js' and mean './x.ts' (NodeNext): resolve the way tsc does.
        createNodeResolver({ extensions: ['.ts', '.js', '.json', '.node'], extensionAlias: { '.js': ['.ts', '.js'] } }),
      ],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: LAYERS }],
      'no-restricted-imports': ['error', { patterns: [githubPackagesBanned] }],
      // `_unused` parameters and destructured rests are deliberate.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // Off for now, on purpose: the tree's `xs[i]!` are written for noUncheckedIndexedAccess, which
      // is being turned on in tsconfig.json; under the flag as it is today this rule would strip
      // every one of them. Turn it back on with the flag: it then flags only the truly needless.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
    },
  },
  {
    // Tests read the CLI's JSON output with JSON.parse (typed `any`) and check it with expect and
    // with the documents' JSON Schemas (Ajv); restating those schemas as casts adds nothing.
    files: ['test/**', '**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['actions/github/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // The danger plugin may talk to GitHub, and may import danger's types but never danger itself:
    // danger injects `danger`, `warn`, `fail`, … into the dangerfile, and a run-time import would
    // make every user's install pull danger in.
    files: ['danger/**'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'danger', allowTypeImports: true, message: 'the danger plugin reads danger\'s globals (danger/danger-globals.ts); import danger with `import type` only' }],
          patterns: [{ group: ['danger/*'], allowTypeImports: true, message: 'import danger with `import type` only' }],
        },
      ],
    },
  },
  {
    // Plain JavaScript (the bin, the CI scripts, the test children that run the built CLI).
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
