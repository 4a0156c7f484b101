// The local classifier's rule table: each rule is a compiled pattern over the task text (or over the
// context's file paths) and what it pushes — a task kind with a weight, a risk, or both. Kept as data
// so the "why" view can name the rule that fired and tests can check rules one by one.
// Bias: a high-risk pattern is written broadly on purpose; a false "high" costs a gate, a false
// "low" can ship an unreviewed security change.
import type { Risk, TaskKind } from '../config/policySchema';

export interface ClassifierRule {
  id: string;
  label: string;
  /** Matched against the lower-cased task text (`text`) or each context file path (`path`). */
  on: 'text' | 'path';
  pattern: RegExp;
  kind?: TaskKind;
  /** How strongly the rule points at `kind`; object nouns (tests, docs) outweigh generic verbs (add). */
  weight?: number;
  risk?: Risk;
  /**
   * Ignore file paths written in the task: "src/format.ts" is a module, not a formatting job. Set
   * on the trivial markers only, so a path can never make a task look lower-risk than it is.
   */
  notInPaths?: boolean;
}

/** A file path written in a task ("src/format.ts", "comments/thread.ts", "notes.md"). */
export const PATH_IN_TEXT =
  /[a-z0-9_.@~-]*(?:\/[a-z0-9_.@~-]+)+|[a-z0-9_@~-]+(?:\.[a-z0-9_-]+)*\.[a-z][a-z0-9]{0,5}(?![a-z0-9])/gi;

const w = (s: string): RegExp => new RegExp(`(?:^|[^a-z0-9])(?:${s})(?:$|[^a-z0-9])`, 'i');

export const CLASSIFIER_RULES: readonly ClassifierRule[] = [
  // ── high risk ──────────────────────────────────────────────────────────────────────────────
  {
    id: 'auth',
    label: 'touches auth',
    on: 'text',
    risk: 'high',
    pattern: w(
      'auth|authn|authz|authenticat\\w*|authoriz\\w*|login|log in|logout|sign[- ]?in|signup|sign[- ]?up|jwt|oauth\\w*|sso|saml|2fa|mfa|passwords?|passwd|cookies?|(?:user|auth|bearer|access|refresh|session|csrf|reset|id) tokens?|tokens? (?:storage|handling|refresh|validation|expiry)',
    ),
  },
  {
    id: 'permissions',
    label: 'permissions / access control',
    on: 'text',
    risk: 'high',
    pattern: w(
      'permissions?|rbac|acl|access control|roles? check|privileges?|admin (?:rights|roles?|access|privileges?|only|checks?|users?)|admins? (?:can|may|only)|is_?admin|superusers?|impersonat\\w*|sudo|chmod',
    ),
  },
  {
    id: 'secrets',
    label: 'secrets / credentials',
    on: 'text',
    risk: 'high',
    pattern: w(
      'secrets?|credentials?|api[ _-]?keys?|private keys?|signing keys?|keychain|vault|\\.env|env vars?|environment variables?|connection strings?|database urls?|dsn',
    ),
  },
  {
    id: 'crypto',
    label: 'cryptography',
    on: 'text',
    risk: 'high',
    pattern: w(
      'crypto\\w*|encrypt\\w*|decrypt\\w*|cipher\\w*|hash(?:ing)? passwords?|bcrypt|argon2|hmac|signatures?|tls|ssl|certificates?|nonce|random (?:token|key)s?|openssl|libssl|rotate (?:the )?(?:\\w+ )?keys?|key rotation',
    ),
  },
  {
    id: 'security',
    label: 'security fix',
    on: 'text',
    risk: 'high',
    pattern: w(
      'security|vulnerab\\w*|cve-?\\d*|xss|csrf|ssrf|sql injection|injection|sanitiz\\w*|escap\\w* (?:user |untrusted )?(?:input|html|output)|user input|untrusted input|exploit\\w*|path traversal|rce|owasp|cors|allowed origins?|content security policy|csp|rate limit\\w*|file uploads?|uploaded files?|upload (?:handler|endpoint|validation)|uploading (?:files?|images?)',
    ),
  },
  {
    id: 'migration',
    label: 'schema / data migration',
    on: 'text',
    risk: 'high',
    pattern: w(
      'migrations?|migrate|schema change|database schema|db schema|alter table|add column|drop column|rename column|foreign key|index on|(?:add|create|drop|remove) (?:an? |the )?(?:unique |composite )?index(?:es)?|columns? (?:to|from|in|on) the \\w+ table|\\w+ table (?:schema|columns?)',
    ),
  },
  {
    id: 'payments',
    label: 'payments / billing',
    on: 'text',
    risk: 'high',
    pattern: w(
      'payments?|billing|invoic\\w*|stripe|paypal|checkout|charges?|refunds?|subscriptions?|pricing plans?|credit cards?|ledger balance',
    ),
  },
  {
    id: 'data-deletion',
    label: 'deletes or rewrites user data',
    on: 'text',
    risk: 'high',
    pattern: w(
      '(?:delete|remove|purge|wipe|erase) (?:all |the |old |stale |inactive )?(?:\\w+ ){0,2}(?:users?|accounts?|records?|customer data|data|rows|(?:user|chat|order|purchase|payment|message|browsing) history)|purge|wipe|erase|drop (?:the )?(?:\\w+ ){0,2}(?:tables?|databases?|collections?|columns?)|truncate (?:table)?|gdpr|backfill|rewrite (?:user )?data|data retention|retention (?:period|policy)|audit logs?',
    ),
  },
  {
    id: 'concurrency',
    label: 'concurrency / locking',
    on: 'text',
    risk: 'high',
    pattern: w(
      'concurren\\w*|race conditions?|deadlocks?|mutex\\w*|locking|locks?(?! ?files?)|semaphores?|thread[- ]?safe\\w*|atomic\\w*|transactions?|isolation level',
    ),
  },
  {
    id: 'production-infra',
    label: 'production infrastructure',
    on: 'text',
    risk: 'high',
    pattern: w(
      'production|prod|deploy\\w*|terraform|kubernetes|k8s|helm|infra\\w*|dns|load balancer|firewall|iam|cloudformation|rollout',
    ),
  },
  {
    id: 'path-auth',
    label: 'touches auth',
    on: 'path',
    risk: 'high',
    pattern: /(^|\/)(auth|authn|authz|login|session|security|permissions?|acl|oauth)[^/]*(\/|\.|$)/i,
  },
  {
    id: 'path-migration',
    label: 'schema / data migration',
    on: 'path',
    risk: 'high',
    pattern: /(^|\/)(migrations?|schema)(\/|\.)|\.sql$|schema\.prisma$/i,
  },
  {
    id: 'path-payments',
    label: 'payments / billing',
    on: 'path',
    risk: 'high',
    pattern: /(^|\/)(payments?|billing|checkout|invoices?)[^/]*(\/|\.|$)/i,
  },
  {
    id: 'path-secrets',
    label: 'secrets / credentials',
    on: 'path',
    risk: 'high',
    pattern: /(^|\/)(\.env[^/]*|secrets?[^/]*|credentials?[^/]*|[^/]*\.pem|[^/]*\.key)$/i,
  },
  {
    id: 'path-infra',
    label: 'production infrastructure',
    on: 'path',
    risk: 'high',
    pattern: /\.tf$|(^|\/)(terraform|k8s|kubernetes|helm|deploy|infra)(\/|$)|(^|\/)\.github\/workflows\//i,
  },

  // ── low-risk markers (only win when nothing riskier fired) ──────────────────────────────────
  {
    id: 'typo',
    label: 'typo',
    on: 'text',
    risk: 'low',
    kind: 'docs',
    weight: 2,
    notInPaths: true,
    pattern: w('typos?|spelling|misspell\\w*|misspelt|grammar'),
  },
  {
    id: 'comments',
    label: 'comments only',
    on: 'text',
    risk: 'low',
    kind: 'docs',
    weight: 1,
    notInPaths: true,
    pattern: w('comments?|docstrings?|jsdoc|tsdoc'),
  },
  {
    id: 'formatting',
    label: 'formatting',
    on: 'text',
    risk: 'low',
    kind: 'chore',
    weight: 2,
    notInPaths: true,
    pattern: w('format(?:ting)?|whitespace|indentation|prettier|trailing spaces?|lint warnings?'),
  },

  // ── kinds ───────────────────────────────────────────────────────────────────────────────────
  {
    id: 'docs',
    label: 'documentation',
    on: 'text',
    risk: 'low',
    kind: 'docs',
    weight: 3,
    pattern: w('docs?|documentation|readme|changelog|guide|tutorial|examples? in the docs|contributing\\.md|\\.md'),
  },
  {
    id: 'tests',
    label: 'test-only work',
    on: 'text',
    risk: 'low',
    kind: 'test',
    weight: 3,
    pattern: w('tests?|unit tests?|specs?|test cases?|coverage|fixtures?|snapshot tests?|e2e|flaky'),
  },
  {
    id: 'bug-verb',
    label: 'fix requested',
    on: 'text',
    kind: 'bugfix',
    weight: 2,
    pattern: w('fix(?:es|ed|ing)?|repair|resolve'),
  },
  {
    id: 'bug-noun',
    label: 'bug symptoms',
    on: 'text',
    kind: 'bugfix',
    weight: 2,
    pattern: w(
      'bugs?|crash\\w*|errors?|exceptions?|broken|regressions?|fails?|failing|wrong|incorrect|null pointer|undefined is not|panics?|hangs?|leaks?|off[- ]by[- ]one',
    ),
  },
  {
    id: 'feature',
    label: 'new behaviour',
    on: 'text',
    kind: 'feature',
    weight: 1,
    pattern: w('add|implement|support|introduce|create|new|build|allow|enable|let users'),
  },
  {
    id: 'refactor',
    label: 'refactor',
    on: 'text',
    kind: 'refactor',
    weight: 3,
    pattern: w(
      'refactor\\w*|rename|extract|restructure|reorgani[sz]e|clean ?up|simplif\\w*|deduplicate|split (?:up|into)|move .* (?:to|into)|inline|dead code|unused (?:imports?|code|variables?|functions?)|convert .* (?:to|into)|port .* to|rewrite .* (?:in|with|using)|moderni[sz]e|async/await|promisify',
    ),
  },
  {
    id: 'chore-deps',
    label: 'dependencies',
    on: 'text',
    kind: 'chore',
    weight: 3,
    pattern: w(
      'bump|upgrade|downgrade|dependenc\\w*|deps|package\\.json|lock ?files?|package-lock|yarn\\.lock|npm (?:install|update)|renovate|dependabot',
    ),
  },
  {
    id: 'chore-config',
    label: 'config / build / CI',
    on: 'text',
    kind: 'chore',
    weight: 2,
    pattern: w('config\\w*|tsconfig|eslint\\w*|webpack|esbuild|vite|babel|build scripts?|makefile|dockerfile'),
  },
  {
    // CI work mentions tests ("a workflow to run the tests") but is CI work: it outweighs them.
    id: 'chore-ci',
    label: 'config / build / CI',
    on: 'text',
    kind: 'chore',
    weight: 4,
    pattern: w('ci|pipeline config|github actions?|workflows?|gitlab-ci|circleci|jenkins\\w*|travis'),
  },
  {
    id: 'path-tests',
    label: 'test files',
    on: 'path',
    kind: 'test',
    weight: 2,
    pattern: /(^|\/)(tests?|__tests__|spec)\/|\.(test|spec)\.[a-z]+$/i,
  },
  {
    id: 'path-docs',
    label: 'documentation files',
    on: 'path',
    kind: 'docs',
    weight: 2,
    pattern: /\.(md|mdx|rst|txt|adoc)$|(^|\/)docs\//i,
  },
  {
    id: 'path-config',
    label: 'config / build / CI',
    on: 'path',
    kind: 'chore',
    weight: 2,
    pattern:
      /(^|\/)(package\.json|package-lock\.json|tsconfig[^/]*\.json|\.eslintrc[^/]*|eslint\.config\.[a-z]+|dockerfile|makefile|[^/]*\.ya?ml)$/i,
  },
];

/** Words that open a question; a task that opens with one and asks for no change is a question. */
export const QUESTION_OPENERS =
  /^(what|why|how|where|when|which|who|whose|is|are|does|do|did|can|could|should|would|will|explain|describe|tell me|show me|walk me through|summari[sz]e|list)\b/i;

/** Verbs that ask for a change; they turn "how do I … ? please add …" into a change request. */
export const CHANGE_VERBS = w(
  'fix|add|implement|change|update|refactor|rename|remove|delete|write|create|make|replace|bump|upgrade|move|convert|migrate|introduce|support',
);
