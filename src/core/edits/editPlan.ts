// The edit engine's data at its boundaries: what a parsed patch asks for (EditPlan), what it
// becomes once resolved against real file contents (ResolvedPlan), and why an edit was refused
// (EditProblem). Zod schemas so the CLI's --json output, the extension and the ledger agree on
// one shape and can check it at run time.
import { z } from 'zod';

export const EDIT_FORMATS = ['search-replace', 'udiff', 'patch'] as const;
export const EditFormatSchema = z.enum(EDIT_FORMATS);
export type EditFormat = z.infer<typeof EditFormatSchema>;
export const FormatOptionSchema = z.enum(['auto', ...EDIT_FORMATS]);
export type FormatOption = z.infer<typeof FormatOptionSchema>;

/**
 * One change inside a file: `old` lines are replaced by `new` lines. Everything else is a hint
 * the matcher may use to place the hunk, never a licence to guess.
 */
export const HunkSchema = z.object({
  old: z.array(z.string()),
  new: z.array(z.string()),
  /** 1-based line where `old` starts according to the patch (unified diff `@@ -l`); often wrong. */
  oldStart: z.number().int().nonnegative().optional(),
  /** Line counts as the header claimed them, kept to report a 'hunk-counts' tolerance. */
  claimedOldCount: z.number().int().nonnegative().optional(),
  claimedNewCount: z.number().int().nonnegative().optional(),
  /** apply_patch `@@ context` lines, outermost first: the hunk sits after them. */
  anchors: z.array(z.string()).default([]),
  /** apply_patch `*** End of File`: the hunk must end at the end of the file. */
  atEof: z.boolean().default(false),
  /** Unified diff `\ No newline at end of file` after the new side: the result ends without EOL. */
  newEndsWithoutEol: z.boolean().default(false),
  /** ...after the old side: the file ended without EOL; with a new side that has one, it gains it. */
  oldEndsWithoutEol: z.boolean().default(false),
  /** 1-based number of this block/hunk in the patch text, and the patch line it starts on. */
  block: z.number().int().positive(),
  patchLine: z.number().int().positive(),
});
export type Hunk = z.infer<typeof HunkSchema>;

/** A hunk with no lines yet: the start every patch parser fills in. */
export function emptyHunk(block: number, patchLine: number): Hunk {
  return {
    old: [],
    new: [],
    anchors: [],
    atEof: false,
    newEndsWithoutEol: false,
    oldEndsWithoutEol: false,
    block,
    patchLine,
  };
}

export const FileOpSchema = z.enum(['create', 'update', 'delete', 'rename']);
export type FileOp = z.infer<typeof FileOpSchema>;

export const FileEditSchema = z.object({
  /** Path relative to the workspace root, forward slashes, as the patch named it (normalised). */
  path: z.string().min(1),
  op: FileOpSchema,
  /** For 'rename': where the file goes (its hunks, if any, apply too). */
  newPath: z.string().min(1).optional(),
  hunks: z.array(HunkSchema),
  /**
   * Search/replace blocks apply one after another, each to the result of the previous one (models
   * write them that way); unified-diff and apply_patch hunks are all placed against the original.
   */
  sequential: z.boolean().default(false),
  /** Search/replace: an empty SEARCH on a file that does not exist creates it. */
  createIfMissing: z.boolean().default(false),
});
export type FileEdit = z.infer<typeof FileEditSchema>;

export const EditPlanSchema = z.object({
  format: EditFormatSchema,
  files: z.array(FileEditSchema),
});
export type EditPlan = z.infer<typeof EditPlanSchema>;

/** What the matcher forgave to place the edit. Reported per file so a reviewer can see it. */
export const TOLERANCES = [
  'line-numbers',
  'hunk-counts',
  'out-of-order',
  'indentation',
  'trailing-whitespace',
  'line-endings',
  'bom',
  'anchor-not-found',
  'missing-context-lines',
  'disambiguated-by-line-number',
  'disambiguated-by-anchor',
] as const;
export const ToleranceSchema = z.enum(TOLERANCES);
export type Tolerance = z.infer<typeof ToleranceSchema>;

export const ResolvedFileSchema = z.object({
  path: z.string(),
  op: FileOpSchema,
  newPath: z.string().optional(),
  /** sha256 (hex) of the file's bytes the edit was resolved against; null when it must not exist. */
  baseHash: z.string().nullable(),
  /** Whole contents before and after, in the file's own line endings and BOM. */
  before: z.string(),
  after: z.string(),
  tolerances: z.array(ToleranceSchema),
});
export type ResolvedFile = z.infer<typeof ResolvedFileSchema>;

export const ResolvedPlanSchema = z.object({
  format: EditFormatSchema,
  files: z.array(ResolvedFileSchema),
});
export type ResolvedPlan = z.infer<typeof ResolvedPlanSchema>;

export const PROBLEM_KINDS = [
  'parse',
  'path',
  'not-found',
  'ambiguous',
  'overlap',
  'binary',
  'too-large',
  'missing-file',
  'already-exists',
  'conflict',
  'stale',
  'io',
] as const;
export const EditProblemSchema = z.object({
  kind: z.enum(PROBLEM_KINDS),
  path: z.string().optional(),
  block: z.number().int().positive().optional(),
  patchLine: z.number().int().positive().optional(),
  message: z.string(),
  /** The nearest text found in the file when the target was absent (1-based line). */
  closest: z.object({ line: z.number().int().positive(), text: z.string() }).optional(),
});
export type EditProblem = z.infer<typeof EditProblemSchema>;

export type ResolveOutcome =
  | { ok: true; resolved: ResolvedPlan }
  | {
      ok: false;
      problems: EditProblem[];
      /** Files that did resolve (so a UI can show them), although nothing may be applied. */
      resolvedFiles: ResolvedFile[];
    };

export type ApplyOutcome = { ok: true; written: string[] } | { ok: false; problems: EditProblem[] };

/**
 * More edit blocks (hunks) than any real change has: a patch past it is refused before it is parsed
 * or matched (a million blocks took minutes and gigabytes before failing).
 */
export const MAX_EDIT_BLOCKS = 10_000;
/** Problems listed one by one; the rest are counted in a last line. */
export const MAX_LISTED_PROBLEMS = 100;

/** The first MAX_LISTED_PROBLEMS problems and, when there were more, one line counting the rest. */
export function limitProblems(problems: EditProblem[]): EditProblem[] {
  if (problems.length <= MAX_LISTED_PROBLEMS) return problems;
  const rest = problems.length - MAX_LISTED_PROBLEMS;
  return [
    ...problems.slice(0, MAX_LISTED_PROBLEMS),
    {
      kind: problems[MAX_LISTED_PROBLEMS]!.kind,
      message: `and ${rest} more problems (only the first ${MAX_LISTED_PROBLEMS} are listed)`,
    },
  ];
}

/** Hunks in a plan that may not have been checked yet (anything not an array counts as none). */
export function planBlockCount(plan: unknown): number {
  const files = (plan as { files?: unknown } | undefined)?.files;
  if (!Array.isArray(files)) return 0;
  let n = 0;
  for (const f of files) {
    const hunks = (f as { hunks?: unknown } | undefined)?.hunks;
    n += Array.isArray(hunks) ? Math.max(1, hunks.length) : 1;
  }
  return n;
}

/** The problem for a plan or patch with more blocks than MAX_EDIT_BLOCKS. */
export function tooManyBlocks(count: number): EditProblem {
  return {
    kind: 'parse',
    message: `the patch has ${count} edit blocks, more than ${MAX_EDIT_BLOCKS}; nothing was read or written. Split it into smaller patches.`,
  };
}

/** Thrown by the parsers: the patch text itself is malformed. */
export class PatchParseError extends Error {
  readonly problems: EditProblem[];
  constructor(problems: EditProblem[]) {
    const listed = limitProblems(problems);
    super(listed.map((p) => p.message).join('\n'));
    this.problems = listed;
    this.name = 'PatchParseError';
  }
}
