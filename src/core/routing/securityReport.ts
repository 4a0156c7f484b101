// A report of a security hole in the product — "Stored XSS in the comment name field", "any user can
// read another user's orders by changing the id", "API keys are printed in the debug log", "Fix SQL
// injection via search parameters" — is a bugfix and high-risk whatever shape its text takes
// (headings, a severity line, a question at the end). The rubric: a security hole is existing
// behaviour that is wrong. What is *not* such a report: docs, a case study or a tests-only task about
// a vulnerability class (explicit in the title), a question that only asks, a dependency bump for a
// CVE (a chore), and a security scanner's own false positive (tooling).
import { KIND_CUES } from './classifierRules';

const w = (s: string): RegExp => new RegExp(`(?:^|[^a-z0-9])(?:${s})(?=$|[^a-z0-9])`);

const OWNED = '(?:data|orders?|invoices?|accounts?|profiles?|files?|messages?|information|details|records?|content)';
const SECRET =
  '(?:api[ _-]?keys?|access tokens?|tokens?|passwords?|secrets?|credentials?|private keys?|pii|personal data)';

/** A named hole: a class of vulnerability, or a concrete "X can read Y's data" / "secret in the log". */
const HOLE = w(
  [
    'xss',
    'cross[- ]site (?:scripting|request forgery)',
    'csrf',
    'xsrf',
    'ssrf',
    'server[- ]side request forgery',
    '(?:sql|nosql|command|code|ldap|xpath|template|header|crlf|html|os command|shell|formula|csv) injection',
    'sqli',
    'idor',
    'insecure direct object references?',
    '(?:path|directory) traversal',
    'arbitrary (?:file|code|command)s? (?:read|download|write|upload|execution|disclosure|deletion|access)',
    'remote code execution',
    'rce',
    'open redirect',
    '(?:auth|authentication|login|2fa|mfa|signature) bypass',
    'bypass(?:es|ed|ing)? (?:the )?(?:authentication|authorization|auth|login|2fa|mfa|permission checks?|access control)',
    'privilege escalation',
    'account takeover',
    'session (?:fixation|hijacking)',
    'broken access control',
    'clickjacking',
    'prototype pollution',
    'insecure deserialization',
    'xxe',
    `(?:leak(?:s|ed|ing)?|expos(?:es|ed|ing)|disclos(?:es|ed|ing)|log(?:s|ged|ging)|print(?:s|ed|ing)|stor(?:es|ed|ing) in plain ?text) (?:the |a |full |raw |your |all |user |users' )?${SECRET}`,
    `${SECRET} (?:are |is |get |gets |being )?(?:leak(?:s|ed|ing)?|exposed|logged|printed|visible|disclosed|in (?:the )?(?:debug )?logs?|in plain ?text)`,
    'vulnerab\\w*',
    'cve-\\d+',
    'security (?:issue|bug|hole|flaw|problem|vulnerability|finding)',
    `(?:other|another|any|every) (?:other )?(?:users?|customers?|vendors?|tenants?|members?|person|people)(?:['’]s|s['’]|['’])? ${OWNED}`,
    `anyone['’]?s ${OWNED}`,
    "(?:tokens?|links?|sessions?) (?:never|do not|does not|don't|doesn't) expire",
    '(?:expired|invalid|revoked|forged|unsigned|tampered) (?:tokens?|jwts?|sessions?|signatures?|cookies?)',
    '(?:after|despite) (?:the )?(?:token|session|jwt|cookie) (?:has )?expir\\w*',
    '(?:tokens?|jwts?|sessions?|signatures?|passwords?) (?:are |is )?(?:still )?(?:accepted|not (?:rejected|checked|verified))',
    '(?:is |are )?not (?:sanitized|escaped)',
    'unsanitized',
    'unescaped',
    'without (?:any )?(?:authentication|authorization|auth|a token|login|ownership checks?)',
    'no (?:authentication|authorization|ownership) checks?',
  ].join('|'),
);

/** Words that make it a report of something happening in the product, not a mention. */
const REPORTED = w(
  [
    'is vulnerable',
    'are vulnerable',
    'vulnerable to',
    'allows?',
    'allowing',
    'attackers?',
    'malicious',
    'payloads?',
    'poc',
    'proof of concept',
    'steps to reproduce',
    'reproduc\\w*',
    'exploit\\w*',
    'severity',
    'impact',
    'findings?',
    'found',
    'discovered',
    'noticed',
    'observed',
    'leads? to',
    'results? in',
    'can (?:be )?(?:used|abused|read|access|see|view|download|modify|delete|inject|execute|bypass|steal|take over)',
    'able to',
    'possible to',
    'there is an?',
    "there's an?",
    'fix\\w*',
    'prevent\\w*',
    'patch\\w*',
    'mitigat\\w*',
    'sanitiz\\w*',
    'escap\\w+',
    'redact\\w*',
    'unauthenticated',
    'leak\\w*',
    'expos\\w*',
    'hackerone',
    'huntr',
    'bounty',
    'reported',
    'security team',
    'security bug',
    'security issue',
  ].join('|'),
);

/** What only a finding carries: the attack and its effect, not a mention of a class of hole. */
const EVIDENCE = w(
  'attackers?|payloads?|poc|proof of concept|steps to reproduce|severity|impact|is vulnerable|are vulnerable|vulnerable to',
);

/** A title that makes the task docs, a case study or teaching material about a vulnerability class. */
const DOCS_TITLE = w(
  'docs?|documentation|document(?:s|ed|ing)?|readme|changelog|guides?|tutorials?|docstrings?|typos?|wiki|faq|[\\w./-]*\\.(?:md|mdx|rst|adoc)|(?:more )?information (?:on|about)|examples? (?:for|of|on)|case stud(?:y|ies)|cheat ?sheets?|course|lessons?|chapters?|(?:add|new|create) (?:a )?(?:content|page|section)|content (?:page|for)|explain(?:s|ed|er|ing)?|templates?|taxonomy|writeup|write-up|article',
);
/** Body phrases that make it teaching material whatever the title says. */
const DOCS_BODY = w('case stud(?:y|ies)|content page|cheat ?sheet');
/** Security tooling, not the product: a scanner's false positive, a CVE fixed by a dependency bump. */
const TOOLING = w(
  'false positives?|false negatives?|vulnerable dependenc\\w*|dependenc(?:y|ies) vulnerab\\w*|npm audit|yarn audit|dependabot|renovate|snyk|trivy|grype|bandit|semgrep|codeql|bump(?:s|ed)?|upgrade (?:\\S+ )?(?:to|from)|update (?:\\S+ )?to v?\\d|(?:in|of) (?:a |the )?dependenc(?:y|ies)|base image',
);
/** A security scanner or its findings' noise: the rubric's "security tooling", a medium change. */
const SCANNER = w(
  'false positives?|false negatives?|npm audit|yarn audit|snyk|trivy|grype|bandit|semgrep|codeql|gitleaks|trufflehog',
);
const TEST_CUE = KIND_CUES.find((c) => c.id === 'test')!.pattern;

export interface SecurityReport {
  /** The hole as the task names it ("stored xss", "other users' orders"). */
  hole: string;
  /** What makes it a report ("payload", "fix", "found"). */
  cue: string;
}

/**
 * A concrete security hole reported in (or fixed in) the product, or undefined. `title` and `clean`
 * are the lower-cased title and whole text (textFeatures.ts `splitTask`). In a documentation site
 * (`docsSite`, workspaceProfile.ts) a hole named without a finding's evidence is a page about it
 * ("simplify xss rule #2" in a cheat-sheet repository).
 */
export function securityReport(title: string, clean: string, docsSite = false): SecurityReport | undefined {
  const hole = HOLE.exec(clean);
  if (!hole) return undefined;
  // A docs word in the title ("XSS in the docs search box") does not make a finding docs when the
  // title names the hole and the text carries a finding's evidence (a payload, an attacker, impact).
  const finding = HOLE.test(title) && EVIDENCE.test(clean);
  const docs = docsSite || DOCS_TITLE.test(title);
  if ((docs && !finding) || DOCS_BODY.test(clean) || TEST_CUE.test(title) || TOOLING.test(clean)) return undefined;
  // The hole named in the title is a report by itself ("Stored XSS in comments"); one named only
  // in the body needs a reporting word beside it somewhere.
  const cue = REPORTED.exec(clean);
  if (!cue && !HOLE.test(title)) return undefined;
  return {
    hole: hole[0].replace(/^[^a-z0-9]+/, ''),
    cue: cue ? cue[0].replace(/^[^a-z0-9]+/, '') : 'named in the title',
  };
}

/** Whether the task is about security tooling (a scanner, its false positive), not the product. */
export function securityTooling(clean: string): boolean {
  return SCANNER.test(clean);
}
