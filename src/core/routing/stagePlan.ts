// Which stages a task needs, from its classification alone (models come later, in decide).
// A question gets one answering pass and no edits; a low-risk change one implementer pass plus
// review; planned work adds an architect; high risk runs every stage. Each choice comes with its reason.
import type { RoutingPolicy, Stage } from '../config/policySchema';
import type { Classification } from './classificationSchema';

export interface StagePlan {
  stages: Stage[];
  /** The stage that answers a question (questions produce no edits). */
  answerStage?: Stage;
  reasons: string[];
}

export interface StagePlanOptions {
  /** How many workspace files the host already knows the task is about (context, mentioned paths). */
  knownFiles: number;
}

export function planStages(c: Classification, policy: RoutingPolicy, opts: StagePlanOptions): StagePlan {
  if (c.kind === 'question') {
    // A strong reasoning model answers; fall back to whichever chain the policy fills.
    const answerStage =
      (['architect', 'scout', 'implementer'] as const).find((s) => policy.stages[s].length > 0) ?? 'architect';
    return {
      stages: [answerStage],
      answerStage,
      reasons: [`a question: one ${answerStage} pass answers it, no edits`],
    };
  }
  const reasons: string[] = [];
  const stages = new Set<Stage>();
  if (c.risk === 'high') {
    stages.add('scout');
    stages.add('architect');
    reasons.push('high risk: scout and architect before any edit');
  } else {
    if (opts.knownFiles === 0) {
      stages.add('scout');
      reasons.push('no file named in the task or context: a scout finds the relevant files');
    }
    // The classifier says whether the work needs a plan (cross-cutting, design across layers, a
    // codebase migration); a classification without that call (a model's) plans medium features
    // and refactors, as before.
    const planned =
      c.needsPlan ??
      (c.risk === 'medium' && (c.kind === 'feature' || c.kind === 'refactor' || c.signals.includes('several modules')));
    if (planned) {
      stages.add('architect');
      reasons.push(
        c.needsPlan === undefined
          ? `${c.kind} at medium risk: an architect plans it first`
          : `${c.kind} that needs a plan (cross-cutting or across layers): an architect plans it first`,
      );
    }
  }
  stages.add('implementer');
  stages.add('critic');
  reasons.push(
    c.risk === 'low' && stages.size === 2
      ? 'low risk: one implementer pass plus a cross-vendor review'
      : 'every diff gets a cross-vendor review',
  );
  if (policy.rules.escalation.onRisk.includes(c.risk)) {
    stages.add('finalOwner');
    reasons.push(`${c.risk} risk escalates to the final owner (rules.escalation.onRisk)`);
  }
  // What does not run is said too, so nobody wonders where the scout went.
  if (!stages.has('scout'))
    reasons.push(
      `no scout: the task or its context names ${opts.knownFiles === 1 ? 'the file' : `${opts.knownFiles} files`} to start from`,
    );
  if (!stages.has('architect')) reasons.push(`no architect: a ${c.risk}-risk ${c.kind} change needs no plan first`);
  if (!stages.has('finalOwner'))
    reasons.push(
      `no final owner: ${c.risk} risk does not escalate (rules.escalation.onRisk: ${policy.rules.escalation.onRisk.join(', ') || 'none'}); later facts (protected paths, a large diff, disagreement) still can`,
    );
  const order: Stage[] = ['scout', 'architect', 'implementer', 'critic', 'finalOwner'];
  return { stages: order.filter((s) => stages.has(s)), reasons };
}

const PATH_LIKE =
  /(?:^|[\s"'`(])((?:[\w.-]+\/)*[\w-]+\.[a-z][a-z0-9]{0,5}|README|LICENSE|Makefile|Dockerfile|CHANGELOG)(?=$|[\s"'`),:;])/g;

/**
 * File paths a task text names ("fix the typo in README.md", "src/auth/login.ts"). Code quoted in a
 * fenced block (a selection the editor attached) is not the task naming files: `options.long` in
 * the selected code is a property, not a file.
 */
export function mentionedPaths(task: string): string[] {
  const out = new Set<string>();
  const prose = task.replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:^\1[^\n]*$|(?![\s\S]))/gm, '\n');
  for (const m of prose.matchAll(PATH_LIKE)) {
    const p = m[1]!.replace(/[.]+$/, '');
    // "e.g" / "i.e" / version numbers are not files.
    if (/^(e\.g|i\.e|etc)$/i.test(p) || /^\d+(\.\d+)+$/.test(p)) continue;
    out.add(p);
  }
  return [...out];
}
