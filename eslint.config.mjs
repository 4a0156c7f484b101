// Lint rules that guard the architecture more than the style (Prettier owns formatting):
// src/core stays vscode-free, its folders import one way only (coreLayers below), the webview app
// talks to the host only through src/protocol, and files and functions stay small enough to read.
import { readdirSync } from 'node:fs';
import tseslint from 'typescript-eslint';

const noVscode = { name: 'vscode', message: 'Only src/vscode may import vscode.' };

/**
 * src/core's folders from the bottom up: a folder may import its own files and the folders in the
 * rows below its own, never its row's other folders or anything above (so no folder-level cycle can
 * form; scripts/importCycles.mjs checks module-level cycles). Moving a folder here is a design change.
 */
const coreLayers = [
  ['config'],
  ['edits'],
  ['paths', 'providers', 'residency', 'sandbox'],
  ['context', 'verify'],
  // The review's vocabulary (its schema, anchoring findings on lines, SARIF, splitting a diff).
  ['review'],
  // A role's conversation: prompts, artifacts, the session, reading JSON replies.
  ['sessions'],
  // The decision: classify, decide, estimate, the cross-vendor rule.
  ['routing'],
  // Running one stage: StageRun, the run context, budgets, structured and tool calls, the events, the
  // implementer's edits resolved against the files.
  ['stage'],
  // A coding agent as the implementer, in a scratch copy (issue 16).
  ['agents'],
  ['ledger'],
  ['telemetry'],
  // Whole runs: runTask and its steps, reviewDiff.
  ['pipeline'],
  ['bench'],
];

function coreLayerRules() {
  const unplaced = readdirSync(new URL('./src/core', import.meta.url), { withFileTypes: true })
    .filter((e) => e.isDirectory() && !coreLayers.flat().includes(e.name))
    .map((e) => e.name);
  if (unplaced.length)
    throw new Error(`Place src/core/${unplaced.join(', src/core/')} in coreLayers (eslint.config.mjs).`);
  return coreLayers.flatMap((row, i) =>
    row.map((folder) => {
      const above = coreLayers
        .slice(i)
        .flat()
        .filter((f) => f !== folder);
      return {
        files: [`src/core/${folder}/**/*.ts`],
        rules: {
          'no-restricted-imports': [
            'error',
            {
              paths: [noVscode],
              patterns: [
                ...(above.length
                  ? [
                      {
                        group: above.map((f) => `**/${f}/*`),
                        message: `src/core/${folder} sits below ${above.join(', ')} (coreLayers in eslint.config.mjs): move the shared part down instead.`,
                      },
                    ]
                  : []),
                {
                  group: ['**/vscode/*', '**/cli/*', '**/webview/*'],
                  message: 'src/core is below the hosts and the webview.',
                },
              ],
            },
          ],
        },
      };
    }),
  );
}

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test-results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/cli/**/*.ts', 'src/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noVscode] }],
    },
  },
  ...coreLayerRules(),
  // Sizes a reader can hold: no function over 200 lines (aim for 80), no source file over 400.
  {
    files: ['src/**/*.ts', 'webview/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 200, skipBlankLines: true, skipComments: true }] },
  },
  {
    files: ['src/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 400 }] },
  },
  {
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'The webview talks to the host only through src/protocol.' }],
          patterns: [
            {
              group: ['**/src/core/**', '**/src/vscode/**', '**/src/cli/**'],
              message: 'Import only from src/protocol.',
            },
          ],
        },
      ],
    },
  },
);
