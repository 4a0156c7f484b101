// The kind of a task: the rule layer first (a title that only asks, a reported security hole, what
// the rubric decides from the title alone), then the learned model; and whether the task changes
// product behaviour at all (docs, tests-only and questions do not, when the call is sure).
import type { TaskKind } from '../config/policySchema';
import type { Call } from './classificationSchema';
import { callOf } from './classifierCall';
import type { HeadScore } from './classifierModel';
import { asksOnly, requestsChange, runtimeSupport } from './classifierRules';
import { securityReport, type SecurityReport } from './securityReport';
import { splitTask, type TaskFeatures } from './textFeatures';

/** Kinds whose work changes no product behaviour: the rubric makes them low risk, whatever they mention. */
export const LOW_KINDS: ReadonlySet<TaskKind> = new Set(['question', 'docs', 'test']);

/** How sure a docs/test/question call must be to change nothing (see RISK_POLICY in classifier.ts). */
export interface LowKindPolicy {
  lowKindSure: number;
  lowKindExplicitSure: number;
}

/** Which title cue (or conventional-commit prefix) says a docs, tests-only or question task is one. */
const EXPLICIT: Partial<Record<TaskKind, string[]>> = {
  // A documentation site says so as plainly as a title cue does (workspaceProfile.ts).
  docs: ['k:docs:title', 's:cc-docs', 'p:docs-site'],
  test: ['k:test:title', 's:cc-test'],
  question: ['k:question:title', 's:question-title'],
};

/** A question call whose body asks ("… am I supposed to set any permissions?") and whose title names no change. */
function asksInBody(kind: TaskKind, f: TaskFeatures): boolean {
  const change = ['k:fix:title', 'k:feature:title', 'k:refactor:title', 'k:bug:title'];
  return (
    kind === 'question' &&
    f.surface.has('s:question-body') &&
    !f.surface.has('k:report') &&
    !change.some((id) => f.surface.has(id))
  );
}

/** A documentation file named in the title ("Fix typo in Migrations.MD", "Update README"). */
const DOCS_FILE = /(?:^|[^\w])[\w./-]*\.(?:md|mdx|rst|adoc)(?![\w])|\breadme\b/;
/** ...unless the work is the tooling around it ("improve the `Ecosystem.md` linter"). */
const DOCS_TOOLING = /\b(?:lint\w*|ci|workflows?|build|generat\w*)\b/;
/** A flaky test ("Fix flaky test", "tests are flaky on TravisCI"); not flake8, not autoflake. */
const FLAKY = /\bflak(?:y|iness|es?)\b/;
/** ...unless the change is to the CI set-up ("circleci: try local databases to see if tests are less flaky"). */
const CI_PREFIX = /^\s*(?:ci|circleci|travis|github actions|build)\b/;

/** The rubric: "a CI job that runs tests is still a chore" ("travis: Stop testing on py3.5"). */
const TESTS = /\btest(?:s|ing)?\b/;
const CI_NAMED =
  /\b(?:travis\w*|circleci|ci (?:jobs?|steps?|matrix|pipelines?)|github actions?|workflows?|pipelines?|tox|gitlab-ci|jenkins)\b/;
const DOCS_WORD = /\b(?:docs?|documentation|readme)\b/;

/** Code style and formatting named in the title. */
const STYLE =
  /\b(?:code ?style|styling|indentation|blank lines?|line spacing|pep ?8|style (?:fix\w*|issues?|in|tweaks?)|fix(?:ed|es|ing)? (?:the )?style|updated formatting|formatting$|^formatting)\b/i;

/** The prose around code a fix names, and what may follow it ("typo in …", "links (#12)"). */
const PROSE =
  '(broken links?|dead links?|links?|typos?|code snippets?|snippets?|(?:code )?comments?|spelling|wording|grammar|misspell\\w*)' +
  '(?=$|\\s*[(:#[,.]|\\s+(?:in|on|for|of|to|about|regarding|from|at|that|which|with|and)\\b)';
/** The product's own words (UI copy): a typo there is a fix, not docs. */
const UI_COPY = 'labels?|buttons?|ui|screens?|settings?|messages?|dialogs?|tabs?|menus?|tooltips?';
/** ...named nowhere after the prose, to the end of the title. */
const NO_UI_AFTER = `(?:(?!\\b(?:${UI_COPY})\\b).)*$`;
/**
 * A fix to the prose around code ("Fixed broken link", "fix comment regarding window size", "Correct
 * typo: ISO1806 to ISO8601", "fixed erroneous code snippet"): docs work. Not a typo in the product's
 * own words (a label, a button, a settings screen: UI copy, a fix), symbolic links, or a product's
 * comments feature ("Fix comment deletion": there the object is followed by what it does).
 */
const DOCS_FIX = new RegExp(
  `^(?:\\W*\\w+(?:\\([^)]*\\))?!?:\\s*)?(?:fix|fixe[sd]|fixing|correct\\w*|clarif\\w*|reword\\w*)\\b(?!\\s*[:(])` +
    `(?:(?!\\b(?:${UI_COPY}|symbolic)\\b).)*?\\b${PROSE}${NO_UI_AFTER}`,
);

/**
 * A "fix:" prefix standing for the verb, the prose named within its first words ("fix: broken
 * links", "fix: typo in the tutorial"); further off ("fix: enforce tenant scoping on … display
 * links") the prefix is a fix of something else.
 */
const DOCS_FIX_PREFIX = new RegExp(`^fix(?:\\([^)]*\\))?!?:\\s*(?:\\S+\\s+){0,2}?${PROSE}${NO_UI_AFTER}`);

/**
 * A title whose verb is explaining or documenting ("Document how retries work", "Clarify the
 * timeout option", "Add a section on proxies", "Suggestion: explain the difference between id_token
 * and access_token"): docs work (all 53 such titles in train+dev are labelled docs). "Document" as
 * a noun ("Document upload fails") is not the verb.
 */
const DOCS_VERB =
  /^(?:\[[^\]]*\]\s*|\w+(?:\([^)]*\))?!?:\s*)*(explain(?:ed|s)?|document(?:ed|s|ing)?(?= (?:the|how|what|why|when|which|that|all|our|a|an|new|each|this|these|usage|in|on|for)\b)|add(?:ed)? (?:more )?(?:docs|documentation|an? explanation|info|information|notes?|section|examples?|instructions)|mention(?:ed|s)?|describe[sd]?|clarif\w+)\b/;

/**
 * A typo or wording fix in the product's own words ("Fix typo in settings tab label", "Fix weird
 * grammar in messages on authorize screen"): UI copy is behaviour the user sees, so it is a fix, not
 * docs (all 11 such titles in train+dev are labelled bugfix).
 */
const COPY_FIX = /\b(typos?|spelling|wording|grammar|misspel\w*)\b/;
const PRODUCT_WORDS =
  /\b(?:labels?|buttons?|ui|screens?|settings?|(?:error |warning )?messages?|dialogs?|tabs?|menus?|tooltips?|placeholders?|page titles?|toasts?|notifications?)\b/;
const DOCS_NAMED = /\b(?:docs?|documentation|readme|comments?|docstrings?)\b|\.(?:md|mdx|rst|adoc|txt)\b/;

/**
 * The documentation as the object of the title's verb ("Update the docs to use tox as the test
 * runner", "Improve documentation of the retry options"): docs work, whatever else the title names
 * (all 30 such titles in train+dev are labelled docs).
 */
const DOCS_OBJECT =
  /^(?:\W*\w+(?:\([^)]*\))?!?:\s*)?(?:update|improv|fix|clarif|expand|extend|rewrit|correct|tweak|polish|revis|enhanc|refresh|edit)\w*\s+(?:the\s+|our\s+|some\s+)?(?:docs?|documentation|readme|guides?|tutorials?|docstrings?)\b/;

/**
 * What the rubric decides from the title alone: docs work names its file, fixes the prose around
 * code or is the object of the title's verb, a typo in the product's own words is a fix, a flaky
 * test is test work, changing how CI runs the tests is a chore.
 */
export function titleKind(title: string): { kind: TaskKind; rule: string } | undefined {
  const t = title.toLowerCase();
  // Each docs rule gives way when the work is the tooling around the docs.
  const docsWork = !DOCS_TOOLING.test(t);
  const docs = docsWork && DOCS_FILE.exec(t);
  if (docs) return { kind: 'docs', rule: `names a documentation file (‘${docs[0].replace(/^[^\w.]/, '')}’)` };
  const prose = docsWork && (DOCS_FIX.exec(t) ?? DOCS_FIX_PREFIX.exec(t));
  if (prose) return { kind: 'docs', rule: `fixes the prose around code (‘${prose[1]}’)` };
  const object = docsWork && DOCS_OBJECT.exec(t);
  if (object) return { kind: 'docs', rule: `works on the documentation (‘${object[0].trim()}’)` };
  const verb = docsWork && DOCS_VERB.exec(t);
  if (verb) return { kind: 'docs', rule: `explains or documents (‘${verb[1]}’)` };
  const copy = COPY_FIX.exec(t);
  const where = copy && !DOCS_NAMED.test(t) ? PRODUCT_WORDS.exec(t) : null;
  if (copy && where) return { kind: 'bugfix', rule: `a ${copy[1]} in the product's own words (‘${where[0]}’)` };
  if (FLAKY.test(t) && !CI_PREFIX.test(t)) return { kind: 'test', rule: 'fixes a flaky test' };
  if (TESTS.test(t) && (CI_PREFIX.test(t) || CI_NAMED.test(t)) && !DOCS_WORD.test(t))
    return { kind: 'chore', rule: 'how CI runs the tests, not the tests (a chore)' };
  return undefined;
}

/** "<other work> and tests", "…, refactor and fix some tests": the other work is before the tests. */
const AND_TESTS =
  /^(.*?)\b(?:and|plus|&|\+)\s+(?:(?:add|adds|added|fix|fixes|fixed|update|updates|updated)\s+)?(?:some\s+|the\s+|an?\s+)?(?:[a-z-]+\s+){0,2}(?:tests\b|test\s*$)/;
export function testsToo(title: string): boolean {
  const m = AND_TESTS.exec(title.toLowerCase());
  return !!m && /[a-z]/.test(m[1]!) && !/test/.test(m[1]!);
}

export interface KindDecision {
  kind: TaskKind;
  kindCall: Call;
  asks: boolean;
  report?: SecurityReport;
  explicit: boolean;
  sure: boolean;
  changes: boolean;
}

/** The kind: the rule layer first (a reported security hole, a title that only asks), then the model. */
export function decideKind(
  task: string,
  f: TaskFeatures,
  score: HeadScore<TaskKind>,
  policy: LowKindPolicy,
  subjectNamed = false,
): KindDecision {
  const { title, clean } = splitTask(task);
  const asks = asksOnly(title);
  const report = securityReport(title, clean, f.surface.has('p:docs-site'));
  // A change asked for politely is still a change: the likeliest kind that is not a question (the
  // rule is named whether or not the model leaned toward a question).
  const requests = !asks && requestsChange(title);
  // Tests that come with other work ("Added settings and tests") are not a tests-only task.
  const withTests = testsToo(title);
  const learned = score.ranked.find(
    (r) => (!requests || r.label !== 'question') && (!withTests || r.label !== 'test'),
  )!.label;
  // Supporting a new language or runtime version is build and tooling work, not new behaviour.
  const runtime = learned === 'feature' && runtimeSupport(title);
  // Code style alone ("Fixing code styling", "Fix blank line spacing issue") is housekeeping, not a
  // fix or a restructuring, unless it names a high-risk subject ("deadlock when formatting …").
  const style = !subjectNamed && STYLE.test(title) && ['bugfix', 'refactor', 'chore'].includes(learned);
  const byTitle =
    asks || report
      ? undefined
      : (titleKind(title) ?? (style ? { kind: 'chore' as const, rule: 'code style only (a chore)' } : undefined));
  const kind = asks ? 'question' : report ? 'bugfix' : (byTitle?.kind ?? (runtime ? 'chore' : learned));
  const rule = asks
    ? 'phrased as a question that asks for no change'
    : report
      ? `reports a security hole (‘${report.hole}’)`
      : (byTitle?.rule ??
        (runtime
          ? 'supports a language or runtime version'
          : requests
            ? 'asks for a change'
            : withTests && score.ranked[0]!.label === 'test'
              ? 'tests come with other work, not tests alone'
              : undefined));
  const explicitFor = (k: TaskKind): boolean =>
    asks || !!byTitle || (EXPLICIT[k] ?? []).some((id) => f.surface.has(id)) || asksInBody(k, f);
  // An unsure docs, tests or question call that names a high-risk subject keeps its kind; its risk
  // is weighed as a change that may be the work (never low, see classifier.ts). Turning it into a
  // feature ("Add SSO page with auth provider config info") was wrong more often than right
  // (5-fold cross-validation by repository over train+dev).
  const kindCall = callOf('kind', score, kind, f, rule);
  const explicit = explicitFor(kind);
  // A docs, tests-only or question call changes nothing only when it is sure (less sure will do when
  // the title says so); an unsure one is weighed like a change, so a misread kind cannot hide a
  // high-risk task.
  const sure = explicit ? policy.lowKindExplicitSure : policy.lowKindSure;
  const ruled = asks || !!byTitle;
  const changes = !LOW_KINDS.has(kind) || (!ruled && kindCall.confidence < sure);
  return {
    kind,
    kindCall,
    asks,
    report,
    explicit,
    sure: ruled || kindCall.confidence >= policy.lowKindSure,
    changes,
  };
}
