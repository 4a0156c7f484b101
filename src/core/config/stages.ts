// The five stages of a run, in the order they run, the name each role goes by in the editor, the
// CLI and the traces, and the kinds of task the classifier tells apart. Declared once, with no
// imports, so the policy schema, the ledger, the extension and the webview bundles (through
// src/protocol) all take them from here.

export const STAGES = ['scout', 'architect', 'implementer', 'critic', 'finalOwner'] as const;

export const ROLE_LABELS = {
  scout: 'Scout',
  architect: 'Architect',
  implementer: 'Implementer',
  critic: 'Critic',
  finalOwner: 'Final owner',
} as const satisfies Record<(typeof STAGES)[number], string>;

/** The kinds of task, in the order filters list them. */
export const TASK_KINDS = ['question', 'docs', 'test', 'bugfix', 'feature', 'refactor', 'chore'] as const;

/** The risk levels, lowest first. */
export const RISKS = ['low', 'medium', 'high'] as const;
