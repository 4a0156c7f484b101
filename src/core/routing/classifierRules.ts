// The classifier's rule layer: the subjects a mistake in is expensive (auth, access control,
// secrets, cryptography, injection and other security holes, money, deleting or migrating user data,
// concurrency and corruption, production infrastructure), as compiled patterns over the task text.
// Every rule is also a feature of the learned model (textFeatures.ts), which learns how much a rule
// counts in context; a `strong` rule additionally sets the risk high by itself whenever the task
// changes code (see classifier.ts) — the rubric's "never miss" list. A topic word in a question, a
// docs task or a tests-only task never counts: the rubric says the work decides, not the words.
import type { Risk } from '../config/policySchema';

export interface RiskRule {
  id: string;
  /** Shown to people: "payments / billing". */
  label: string;
  pattern: RegExp;
  /** Fires alone → high for a change task; otherwise only a feature the model weighs. */
  strong: boolean;
  risk: Risk;
}

// The patterns run on lower-cased text (textFeatures.ts): no 'i' flag, which only slows irregexp.
const w = (s: string): RegExp => new RegExp(`(?:^|[^a-z0-9])(?:${s})(?=$|[^a-z0-9])`);

export const HIGH_RISK_RULES: readonly RiskRule[] = [
  {
    id: 'auth',
    label: 'authentication',
    strong: true,
    risk: 'high',
    pattern: w(
      'auth|authenticat\\w*|oauth\\w*|oidc|openid|jwts?|sso|saml|2fa|mfa|totp|log ?in|login|logout|log out|sign[- ]?in|sign[- ]?up|passwords?|passwd|(?:access|refresh|bearer|id|auth|session|csrf|xsrf|reset) tokens?|tokens? (?:expir\\w*|validation|verification|revocation|refresh)|session (?:cookie|fixation|hijack\\w*|id)|cookies?|user tokens?|tokens? (?:in|to) (?:localstorage|sessionstorage|storage)',
    ),
  },
  {
    id: 'access-control',
    label: 'access control',
    strong: true,
    risk: 'high',
    pattern: w(
      "authori[sz]\\w*|permissions? (?:check|bypass|escalation)|privilege\\w*|rbac|acl|access control|idor|insecure direct object|impersonat\\w*|other users?'? ?(?:data|profiles?|accounts?|preferences|information|details)|another (?:user|person)'s|each ?other's (?:profiles?|accounts?|data)|any (?:logged[- ]in )?user can|unauthori[sz]ed|cross[- ]tenant|tenant (?:isolation|scop\\w*|boundar\\w*|leak\\w*)",
    ),
  },
  {
    id: 'secrets',
    label: 'secrets / credentials',
    strong: true,
    risk: 'high',
    pattern: w(
      'secrets?|api[ _-]?keys?|private keys?|signing keys?|credentials?|(?:leak\\w*|expos\\w*|logg\\w*|print\\w*) (?:the |your |full |raw )?(?:api )?(?:keys?|tokens?|passwords?|secrets?)|sensitive data|\\.env|database urls?|connection strings?|dsn',
    ),
  },
  {
    id: 'crypto',
    label: 'cryptography / TLS',
    strong: true,
    risk: 'high',
    pattern: w(
      'encrypt\\w*|decrypt\\w*|ciphers?|cryptograph\\w*|hmac|signature verif\\w*|verify (?:the )?signatures?|tls|ssl|certificates?|openssl|libssl|bcrypt|argon2|pbkdf2|hash(?:ing)? passwords?|password hash\\w*',
    ),
  },
  {
    id: 'security',
    label: 'security hole',
    strong: true,
    risk: 'high',
    pattern: w(
      'security (?:vulnerab\\w*|issue|fix|hole|breach|bug|flaw|risk)|vulnerab\\w*|xss|cross[- ]site|csrf|xsrf|ssrf|\\w*[- ]?injection|sanitiz\\w*|unsaniti[sz]ed|escape (?:user )?input|(?:path|directory) traversal|rce|remote code execution|open redirect|clickjacking|owasp|exploit\\w*|malicious|attacker|cors|allowed origins?|content security policy|csp|rate limit\\w*|file uploads?|uploaded files?|upload (?:handler|endpoint|validation)',
    ),
  },
  {
    id: 'payments',
    label: 'payments / billing',
    strong: true,
    risk: 'high',
    pattern: w(
      'payments?|billing|invoic\\w*|stripe|paypal|braintree|(?<!actions/|git )checkout|charged|charges?|double[- ]charg\\w*|refunds?|subscriptions?|credit cards?|tax(?:es)?|purchase orders?|order creation',
    ),
  },
  {
    id: 'data-deletion',
    label: 'deletes or loses user data',
    strong: true,
    risk: 'high',
    pattern: w(
      'gdpr|right to (?:be forgotten|erasure)|personal data|(?:delete|remove|purge|erase|wipe) (?:a |the |their |your |my |all )?(?:user |customer )?(?:accounts?|users?|data|records)|accounts? (?:delete|deletion|removal|closure)|(?:deleting|removing|closing) (?:an |a |the |their |your |my |user )?accounts?|accounts? (?:is|are|was|gets?|has been) (?:deleted|removed|closed)|purge|wipe[sd]?|erase|drop (?:the )?(?:\\w+ ){0,2}(?:tables?|columns?|databases?|collections?|rows)|retention (?:period|policy)|audit logs?|truncate|data loss|los(?:e|es|t|ing) (?:all )?(?:their |the |user )?data|data retention|anonymi[sz]\\w*|backfill\\w*|destroy (?:all )?resources',
    ),
  },
  {
    id: 'migration',
    label: 'schema / data migration',
    strong: true,
    risk: 'high',
    pattern: w(
      '(?:schema|database|db|data|sql) migrations?|migrations? (?:file|script|table)s?|(?:up|down) migration|alter table|(?:add|drop|rename) (?:a )?columns?|unique (?:index|constraint)|foreign keys?|(?:add|create|drop|remove) (?:an? |the )?(?:unique |composite )?index(?:es)? (?:to|on)|index on|migrate(?:s|d)? (?:the )?(?:database|schema|data)',
    ),
  },
  {
    id: 'concurrency',
    label: 'concurrency / corruption',
    strong: true,
    risk: 'high',
    pattern: w(
      'race conditions?|racing|deadlocks?|concurrent(?:ly)?|concurrency|thread[- ]safe\\w*|mutex\\w*|reentrantlock|corrupt\\w*|atomic(?:ally)?|simultaneous(?:ly)?|duplicate (?:records?|entries|inserts?|rows)',
    ),
  },
  {
    id: 'infrastructure',
    label: 'production infrastructure',
    strong: true,
    risk: 'high',
    pattern: w(
      'terraform(?![- ](?:version|fmt|validate|docs|lint))|\\.tf|kubernetes|k8s|helm charts?|ingress|cloudformation|vpc|subnets?|route tables?|iam (?:roles?|polic\\w*|permissions?)|security groups?|s3 buckets?|load balancers?|firewall|production (?:database|server|cluster|environment|infrastructure|deploy\\w*)|deploy\\w* to production',
    ),
  },
];

/**
 * Cues of the kind of work, written once from the rubric rather than learned: each is a feature
 * of the model (`k:<id>`), so "broken", "crash" and "KeyError" count as one bug cue even in a
 * repository whose words the training set never saw. The model decides how much each counts.
 */
export const KIND_CUES: ReadonlyArray<{ id: string; pattern: RegExp }> = [
  {
    id: 'docs',
    pattern: w(
      "docs?|documentation|document(?:ed|ing|s)?(?! (?:uploads?|updates?|ready|status|stores?|storage|editors?|viewers?|models?|ids?|types?|level|root|objects?|body|titles?|previews?|lists?|views?|sharing|signing|management|processing|conversions?|parsers?|loaders?|fails?|failed|is|are|was|were|not|cannot|can't|doesn't|does not)\\b)|readme|changelog|guides?|tutorials?|docstrings?|javadoc|jsdoc|godoc|code comments?|comments? in the code|typos?|spelling|grammar|wording|vignette|wiki|faq|contributing|\\.md|\\.mdx|\\.rst|\\.adoc|examples? in the|clarif\\w*|mention\\w*|explanation|instructions|case stud(?:y|ies)|how-?to guides?|(?:add|adds|added|adding|new|more) (?:an? |some )?examples? (?:for|of|on|to|showing)|[\\w./-]*\\.(?:md|mdx|rst|adoc)",
    ),
  },
  {
    // Words docs tasks use that other work uses too ("Add SAML to the list of strategies", "page").
    id: 'docs-weak',
    pattern: w(
      'list of|links?|pages?|sections?|notes?|tips?|screencasts?|website|content|descriptions?|translations?|translat\\w+|examples?|snippets?|information (?:on|about)',
    ),
  },
  {
    id: 'test',
    pattern: w(
      'tests?|testing|unit ?tests?|test cases?|test suite|coverage|specs?|fixtures?|flaky|flakiness|flake|e2e|integration tests?|mocks?|asserts?|assertions?|pytest|jest|mocha|junit',
    ),
  },
  {
    id: 'bug',
    pattern: w(
      "bugs?|crash\\w*|errors?|exceptions?|broken|breaks?|fails?|failing|failure|wrong|incorrect\\w*|doesn'?t work|does not work|not working|no longer|hangs?|hanging|freez\\w*|leaks?|leaking|regression|traceback|\\w+error|panic\\w*|segfault|undefined|null|unexpected\\w*|instead of|should not|shouldn'?t|can'?t|cannot|unable|missing|infinite loop|duplicate\\w*|twice",
    ),
  },
  {
    // The scaffolding of a report of wrong behaviour, as issue templates and reporters write it.
    id: 'report',
    pattern: w(
      "steps to reproduce|to reproduce|reproduc\\w+|expected (?:behaviou?r|results?|output)|actual (?:behaviou?r|results?|output)|what happened|describe the bug|current behaviou?r|observed|used to work|worked (?:before|fine|in)|stopped working|no longer|since (?:version|v?\\d|upgrading|updating)|after (?:upgrading|updating)|regression|i get|i got|i'?m getting|getting (?:an? )?(?:error|exception)|throws?|raises?|has no effect|is ignored|(?:os|browser|version): ",
    ),
  },
  {
    // The scaffolding of a request for new behaviour.
    id: 'request',
    pattern: w(
      "is your feature request|describe the solution|describe alternatives|feature requests?|proposals?|proposed solution|use cases?|motivation|as an? \\w+,? i want|would be (?:nice|great|helpful|useful|cool|awesome)|it'?d be|i'?d (?:like|love)|i would (?:like|love)|(?:could|can|would) you (?:please )?add|please add|would love|nice to have|suggestions?|suggest\\w*|wish",
    ),
  },
  {
    id: 'fix',
    pattern: w('fix\\w*|bugfix|hotfix|resolv\\w*|repair\\w*|correct(?:s|ed|ing|ly)?|prevent\\w*|avoid\\w*|handle'),
  },
  {
    id: 'feature',
    pattern: w(
      'add|adds|added|adding|implement\\w*|support\\w*|introduc\\w*|allow\\w*|enabl\\w*|new|ability|option|feature|request|would be (?:nice|great|helpful|useful)|it would|expose\\w*|provide',
    ),
  },
  {
    id: 'refactor',
    pattern: w(
      'refactor\\w*|renam\\w*|extract\\w*|restructur\\w*|reorgani[sz]\\w*|clean ?up|cleanups?|simplif\\w*|dedup\\w*|dry up|moved?|moves|dead code|unused|redundant|convert\\w*|async ?/ ?await|callbacks?|moderni[sz]\\w*|tidy|reformat\\w*|static typing|type hints|code style',
    ),
  },
  {
    id: 'deps',
    pattern: w(
      'bump\\w*|upgrad\\w*|downgrad\\w*|dependenc\\w*|deps?|dependabot|renovate|package\\.json|lock ?files?|yarn\\.lock|package-lock|requirements\\.txt|go\\.mod|gemfile|pin(?:s|ned)?|(?:python|node|go|golang|ruby|java|php) ?v?\\d+(?:\\.\\d+)*',
    ),
  },
  {
    id: 'ci',
    pattern: w(
      'ci|cicd|ci/cd|github actions?|workflows?|travis\\w*|circleci|jenkins\\w*|pipelines?|runners?|gitlab-ci|build (?:matrix|jobs?|scripts?|times?)|builds?|release (?:process|workflow|script)s?|publish\\w*|makefile|dockerfile|docker[- ]compose|docker image|lint\\w*|pre-commit|tox|webpack|babel|eslint|prettier|tsconfig|gitignore|issue (?:template|labeler)',
    ),
  },
  {
    id: 'style',
    pattern: w(
      'formatting|reformat\\w*|whitespace|indentation|code style|styling|prettier|trailing spaces?|lint warnings?',
    ),
  },
  {
    id: 'question',
    pattern: w(
      "is there (?:a|any)|how (?:do|can|could|should|to|does)|what (?:is|are|does|do)|why (?:is|does|are|do)|any plans|is it possible|can i|could you (?:tell|explain)|wondering|question|am i missing|i'?m not sure",
    ),
  },
];

/** Words that open a question ("how do I…", "is there a way…", "any plans to…"); not "can't", "doesn't". */
const QUESTION_OPENER =
  /^(?:q:\s*|\[?question\]?:?\s*)?(?:what|why|how|where|when(?= (?:will|is|are|does|do|did|can|could|should|would|was|to)\b)|which|who|whose|is|are|was|does|do|did|can|could|should|would|will|may|any (?:plans|way|idea)|explain|is there)\b(?!'t|n't| not)/i;
/** A fault reported in question form ("Crash on save?", "Why can't I log in?"): a bug, not a question. */
const FAULT = w(
  "crash\\w*|error|exception|bug|broken|fails?|failing|can'?t|cannot|doesn'?t|won'?t|isn'?t|not working|race condition",
);
/** A change asked for in question form ("Can you add a retry?", "Fix the parser?"). */
const CHANGE = w('fix\\w*|add|implement\\w*|remove|rename|refactor\\w*|bump|upgrade|update|change|support|make');
const REQUEST = /^(?:(?:can|could|would|will) (?:you|we|someone|somebody)|please|pls|let'?s)\b/i;
/** A change asked for after the question ("Explain the fee, then fix it", "Why does X fail and fix it"). */
const THEN_CHANGE = /\b(?:then|and then|and)\s+(?:fix|add|implement|remove|rename|refactor|change|update|make)\b/i;

/** Support for a language or runtime version ("Add support for Python 3.12", "feat: support node 20"): build and tooling work. */
const RUNTIME_SUPPORT = w(
  '(?:support\\w*|add|adds|added|drop\\w*) (?:for )?(?:python|py|node(?:\\.?js)?|ruby|php|java|jdk|go|golang|rust|django|rails|perl|elixir|dotnet|deno|bun|typescript) ?(?:>=? ?)?v?\\d+(?:\\.\\d+)*',
);
export function runtimeSupport(title: string): boolean {
  return RUNTIME_SUPPORT.test(title);
}

/** A change requested in question form ("Can you add a retry to the fetch helper?"): not a question. */
export function requestsChange(title: string): boolean {
  const t = title.trim();
  return REQUEST.test(t) && CHANGE.test(t);
}

/** A title phrased as a question ("Will there be Python 3.12 support?", "How to use it ?"). */
export function isQuestionForm(title: string): boolean {
  return /\?\s*$/.test(title.trim()) || QUESTION_OPENER.test(title.trim());
}

/**
 * The rubric's question: a title that asks something, reports no fault and requests no change
 * ("do we need … for GDPR?" asks; "Can you add a retry?" requests; "Fix the parser?" requests).
 * Its topic words ("Custom Authentication Provider?") never set a risk.
 */
export function asksOnly(title: string): boolean {
  const t = title.trim();
  if (FAULT.test(t)) return false;
  if (QUESTION_OPENER.test(t) && !REQUEST.test(t) && !THEN_CHANGE.test(t)) return true;
  return /\?\s*$/.test(t) && !CHANGE.test(t);
}
