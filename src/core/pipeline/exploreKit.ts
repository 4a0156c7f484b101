// What the exploring stages share in one run: the locator's candidates for the task (ranked once per
// run, before the decision when a residency rule is scoped to paths, and handed on to the stages),
// and — when rules.tools.enabled — the read-only tool box with the path rules of this run
// (secret-looking and protected paths withheld unless the person named them).
import type { RoutingPolicy, Stage } from '../config/policySchema';
import { sharedCodebase, type Codebase } from '../context/codebase';
import { ripgrepOnPath } from '../context/ripgrepPath';
import { locate, type EditorContext, type Located } from '../context/locate';
import type { RepoIndex } from '../context/repoIndex';
import { workspaceProfile, type WorkspaceProfile } from '../routing/workspaceProfile';
import { ToolBox, type ToolName } from '../context/tools/toolBox';
import { protectedMatches } from '../paths/protectedPaths';
import type { ExploreOptions } from '../stage/toolLoop';
import { looksSecret } from '../paths/secretPaths';
import type { RunTaskOptions } from './runTypes';
import { LIKELY_FILES_SCREENED, residencyPaths } from '../residency/residencyPaths';

export interface ExploreKit {
  /** Files ranked for the task by the locator, best first (empty when the index cannot be built). */
  candidates(): Promise<Located[]>;
  /** Options for the tool loop of a stage, or undefined when tools are off. */
  toolsFor(stage: Extract<Stage, 'scout' | 'architect' | 'implementer'>, nonce: string): ExploreOptions | undefined;
}

export const CANDIDATES_SHOWN = 15;
const READ_TOOLS: ToolName[] = ['read_file', 'search', 'find_symbol', 'list_dir'];

/**
 * The locator's ranking for a run's task, computed the first time it is asked for and then kept;
 * `profile`, the shape of the same index's workspace (workspaceProfile.ts) for the classifier.
 */
export type RunLocator = (() => Promise<Located[]>) & { profile?: () => Promise<WorkspaceProfile | undefined> };

/**
 * The run's locator: the task as the roles read it (with what the host attached) ranked over the
 * run's codebase, CANDIDATES_SHOWN files, at most once per run — the decision's residency screen
 * takes the first few, the stages all of them. An index that cannot be built ranks nothing.
 */
export function runLocator(opts: RunTaskOptions): RunLocator {
  let ranked: Promise<Located[]> | undefined;
  let indexed: Promise<RepoIndex> | undefined;
  let base: ReturnType<typeof runCodebase> | undefined;
  // The codebase is looked up when first needed, as before: a run that never ranks never asks.
  const codebase = (): ReturnType<typeof runCodebase> => (base ??= runCodebase(opts));
  const index = (): Promise<RepoIndex> => (indexed ??= codebase().codebase.index());
  const located = (): Promise<Located[]> =>
    (ranked ??= index()
      .then((i) => locate(i, rolesTask(opts), { editor: codebase().editor, limit: CANDIDATES_SHOWN }))
      .catch(() => []));
  const profile = (): Promise<WorkspaceProfile | undefined> =>
    index()
      .then((i) => workspaceProfile(i.files.keys()))
      .catch(() => undefined);
  return Object.assign(located, { profile });
}

/** The task as the roles read it: with what the host attached (the editor's selection). */
export function rolesTask(opts: Pick<RunTaskOptions, 'task' | 'attachedContext'>): string {
  return opts.attachedContext ? `${opts.task}\n\n${opts.attachedContext}` : opts.task;
}

export function makeExploreKit(
  codebase: Codebase,
  policy: RoutingPolicy,
  userPaths: readonly string[],
  located: RunLocator,
): ExploreKit {
  let ranked: Promise<Located[]> | undefined;
  const rules = {
    isSecret: looksSecret,
    protectedBy: (p: string) => protectedMatches(p, policy.rules.protectedPaths),
    userPaths: new Set(userPaths.map((p) => p.replace(/\\/g, '/').replace(/^\.\//, ''))),
  };
  const toolbox = new ToolBox({ root: codebase.root, index: () => codebase.index(), rules, rgPath: codebase.rgPath });
  const t = policy.rules.tools;
  return {
    candidates: () =>
      (ranked ??= located().then((found) =>
        found.filter((f) => !rules.isSecret(f.path) && rules.protectedBy(f.path).length === 0),
      )),
    toolsFor: (stage, nonce) =>
      t.enabled && t[stage].steps > 0
        ? {
            toolbox,
            tools:
              stage === 'implementer' ? READ_TOOLS : ['search', 'read_file', 'find_symbol', 'list_dir', 'repo_map'],
            limits: t[stage],
            maxResultChars: t.maxResultChars,
            nonce,
          }
        : undefined,
  };
}

/** The run's codebase (the host's, or one shared per root in this process) and the editor around the task. */
export function runCodebase(opts: RunTaskOptions): { codebase: Codebase; editor: EditorContext } {
  return {
    codebase: opts.codebase ?? sharedCodebase(opts.root, { isSecret: looksSecret, rgPath: ripgrepOnPath() }),
    editor: opts.editor ?? { activeFile: opts.context?.filePaths?.[0] },
  };
}

/**
 * The first LIKELY_FILES_SCREENED of the run's candidates as real paths, for the residency rules at
 * decision time — only when a rule is scoped to paths (otherwise the decision does not need the
 * index). Secret-looking files are left out as everywhere else; an index that cannot be built gives
 * none (files read later are still checked).
 */
export async function likelyFilesForResidency(
  policy: RoutingPolicy,
  root: string,
  located: RunLocator,
): Promise<string[]> {
  if (!policy.rules.residency.some((r) => r.paths?.length)) return [];
  try {
    const found = (await located()).slice(0, LIKELY_FILES_SCREENED);
    const paths = found.map((f) => f.path).filter((p) => !looksSecret(p));
    return await residencyPaths(root, paths);
  } catch {
    return [];
  }
}
