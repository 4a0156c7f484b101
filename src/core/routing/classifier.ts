// The local classifier: deterministic, offline, a few hundred microseconds. From the task text and
// optional host context it decides kind, risk and the signals that fired, and says why in words.
// Risk is biased toward caution: any high-risk signal makes the task high, whatever else fired.
import type { Risk, TaskKind } from '../config/policySchema';
import { TaskContextSchema, type Classification, type Signal, type TaskContext } from './classificationSchema';
import { CHANGE_VERBS, CLASSIFIER_RULES, PATH_IN_TEXT, QUESTION_OPENERS, type ClassifierRule } from './classifierRules';

/** Ties between kinds break in this order: the narrower, cheaper kind first. */
const KIND_ORDER: readonly TaskKind[] = ['question', 'test', 'docs', 'chore', 'refactor', 'bugfix', 'feature'];
const LOW_KINDS: ReadonlySet<TaskKind> = new Set(['question', 'docs', 'test']);
const TRIVIAL_MARKERS = new Set(['typo', 'comments', 'formatting']);
/** Rules for build, CI and dependency work (see the risk below). */
const DOWNSTREAM_CHORES: readonly string[] = ['chore-config', 'chore-ci', 'chore-deps'];
const SCOPE_WIDE =
  /(?:^|[^a-z])(across the (?:code ?base|repo\w*|project)|everywhere|all files|every file|several (?:modules|packages|files)|multiple (?:modules|packages|services)|whole (?:code ?base|project))(?:$|[^a-z])/i;
const LARGE_SELECTION_LINES = 300;
const SEVERAL_MODULES = 3;

function evidenceOf(rule: ClassifierRule, subject: string): string | undefined {
  const m = rule.pattern.exec(subject);
  if (!m) return undefined;
  return rule.on === 'path' ? subject : m[0].replace(/^[^a-z0-9.]+|[^a-z0-9]+$/gi, '');
}

function topModule(path: string): string {
  const parts = path.replace(/\\/g, '/').replace(/^\.\//, '').split('/').filter(Boolean);
  // "src/auth/x.ts" and "src/billing/y.ts" are different modules; "README.md" is the root module.
  return parts.length <= 1 ? '.' : parts.slice(0, Math.min(2, parts.length - 1)).join('/');
}

export function classify(task: string, context: TaskContext = {}): Classification {
  const ctx = TaskContextSchema.parse(context);
  const text = task.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  const signals: Signal[] = [];
  const seenLabels = new Set<string>();
  const kindScore = new Map<TaskKind, number>();
  const fired = new Set<string>();

  const fire = (rule: ClassifierRule, evidence: string): void => {
    fired.add(rule.id);
    if (rule.kind) kindScore.set(rule.kind, (kindScore.get(rule.kind) ?? 0) + (rule.weight ?? 1));
    // Path and text rules can share a label ("touches auth"): show it once, keep the first evidence.
    if (seenLabels.has(rule.label)) return;
    seenLabels.add(rule.label);
    signals.push({ id: rule.id, label: rule.label, evidence, kind: rule.kind, risk: rule.risk });
  };

  const textWithoutPaths = text.replace(PATH_IN_TEXT, ' ');
  for (const rule of CLASSIFIER_RULES) {
    if (rule.on === 'text') {
      const ev = evidenceOf(rule, rule.notInPaths ? textWithoutPaths : text);
      if (ev !== undefined) fire(rule, ev);
    } else {
      for (const path of ctx.filePaths) {
        const ev = evidenceOf(rule, path.replace(/\\/g, '/'));
        if (ev !== undefined) {
          fire(rule, ev);
          break;
        }
      }
    }
  }

  const errors = ctx.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    kindScore.set('bugfix', (kindScore.get('bugfix') ?? 0) + 2);
    signals.push({
      id: 'diagnostics',
      label: 'error diagnostics in context',
      evidence: `${errors.length} error(s): ${errors[0]!.message.slice(0, 80)}`,
      kind: 'bugfix',
    });
  }

  const isQuestion = (QUESTION_OPENERS.test(text) || text.endsWith('?')) && !CHANGE_VERBS.test(text);
  if (isQuestion) {
    signals.unshift({ id: 'question', label: 'asks a question', evidence: text.slice(0, 60), kind: 'question' });
  }

  // Kind: a question is a question whatever nouns it mentions; else the highest score, ties by KIND_ORDER.
  let kind: TaskKind = 'feature';
  let kindReason = 'no kind signal fired; treated as a change (feature)';
  if (isQuestion) {
    kind = 'question';
    kindReason = 'phrased as a question and asks for no change';
  } else {
    let best = 0;
    for (const k of KIND_ORDER) {
      const score = kindScore.get(k) ?? 0;
      if (score > best) {
        best = score;
        kind = k;
      }
    }
    if (best > 0) {
      const why = signals.filter((s) => s.kind === kind).map((s) => s.label);
      kindReason = `${kind}: ${why.join(', ')}`;
    }
  }

  // Scope widens risk: several modules or a large selection are never low.
  const modules = new Set(ctx.filePaths.map(topModule));
  const scopeSignals: string[] = [];
  if (modules.size >= SEVERAL_MODULES) {
    signals.push({
      id: 'several-modules',
      label: 'several modules',
      evidence: [...modules].slice(0, 4).join(', '),
      risk: 'medium',
    });
    scopeSignals.push('several modules');
  }
  const wide = SCOPE_WIDE.exec(text);
  if (wide) {
    signals.push({ id: 'wide-scope', label: 'wide scope', evidence: wide[1]!, risk: 'medium' });
    scopeSignals.push('wide scope');
  }
  if ((ctx.selectionLines ?? 0) > LARGE_SELECTION_LINES) {
    signals.push({
      id: 'large-selection',
      label: 'large selection',
      evidence: `${ctx.selectionLines} lines selected`,
      risk: 'medium',
    });
    scopeSignals.push('large selection');
  }

  const high = signals.filter((s) => s.risk === 'high').map((s) => s.label);
  const trivial = [...fired].filter((id) => TRIVIAL_MARKERS.has(id));
  const changesBehaviour = fired.has('feature') || fired.has('refactor');
  let risk: Risk;
  let riskReason: string;
  if (high.length > 0) {
    risk = 'high';
    riskReason = `high: ${high.join(', ')}`;
  } else if (kind === 'question') {
    risk = 'low';
    riskReason = 'low: a question changes no code';
  } else if (scopeSignals.length > 0) {
    risk = 'medium';
    riskReason = `medium: ${scopeSignals.join(', ')}`;
  } else if (DOWNSTREAM_CHORES.some((id) => fired.has(id))) {
    // Build, CI and dependency changes reach everything downstream: never low, even for tests or docs.
    risk = 'medium';
    riskReason = `medium: ${signals
      .filter((x) => DOWNSTREAM_CHORES.includes(x.id))
      .map((x) => x.label)
      .join(', ')}`;
  } else if (LOW_KINDS.has(kind)) {
    risk = 'low';
    riskReason = `low: ${kind === 'test' ? 'test-only work' : 'documentation'}`;
  } else if (trivial.length > 0 && !changesBehaviour) {
    risk = 'low';
    riskReason = `low: ${trivial.map((id) => signals.find((s) => s.id === id)?.label ?? id).join(', ')}`;
  } else {
    risk = 'medium';
    riskReason = 'medium: a code change with no high-risk signal';
  }

  return {
    kind,
    risk,
    signals: signals.map((s) => s.label),
    details: signals,
    reasons: [kindReason, riskReason],
    source: 'local',
  };
}
