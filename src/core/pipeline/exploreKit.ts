// What the exploring stages share in one run: the locator's candidates for the task (computed
// once), and — when rules.tools.enabled — the read-only tool box with the path rules of this run
// (secret-looking and protected paths withheld unless the person named them).
import type { RoutingPolicy, Stage } from '../config/policySchema';
import type { Codebase } from '../context/codebase';
import { locate, type EditorContext, type Located } from '../context/locate';
import { ToolBox, type ToolName } from '../context/tools/toolBox';
import { protectedMatches } from '../paths/protectedPaths';
import type { ExploreOptions } from '../stage/toolLoop';
import { looksSecret } from '../paths/secretPaths';
import { LIKELY_FILES_SCREENED, residencyPaths } from '../residency/residencyPaths';

export interface ExploreKit {
  /** Files ranked for the task by the locator, best first (empty when the index cannot be built). */
  candidates(): Promise<Located[]>;
  /** Options for the tool loop of a stage, or undefined when tools are off. */
  toolsFor(stage: Extract<Stage, 'scout' | 'architect' | 'implementer'>, nonce: string): ExploreOptions | undefined;
}

export const CANDIDATES_SHOWN = 15;
const READ_TOOLS: ToolName[] = ['read_file', 'search', 'find_symbol', 'list_dir'];

export function makeExploreKit(
  codebase: Codebase,
  policy: RoutingPolicy,
  task: string,
  userPaths: readonly string[],
  editor?: EditorContext,
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
      (ranked ??= codebase
        .index()
        .then((index) => locate(index, task, { editor, limit: CANDIDATES_SHOWN }))
        .then((found) => found.filter((f) => !rules.isSecret(f.path) && rules.protectedBy(f.path).length === 0))
        .catch(() => [])),
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

/**
 * The locator's candidates as real paths, for the residency rules at decision time — only when a rule
 * is scoped to paths (otherwise the decision does not need the index). Secret-looking files are left
 * out as everywhere else; an index that cannot be built gives none (files read later are still checked).
 */
export async function likelyFilesForResidency(
  policy: RoutingPolicy,
  codebase: Codebase,
  task: string,
  editor?: EditorContext,
): Promise<string[]> {
  if (!policy.rules.residency.some((r) => r.paths?.length)) return [];
  try {
    const found = await locate(await codebase.index(), task, { editor, limit: LIKELY_FILES_SCREENED });
    const paths = found.map((f) => f.path).filter((p) => !looksSecret(p));
    return await residencyPaths(codebase.root, paths);
  } catch {
    return [];
  }
}
