// Risk from the files in play. A path under auth/, payments/, billing/, migrations/, security/ or a
// Terraform file makes a change to it expensive to get wrong, whatever the task text says: high. A
// CI workflow or pipeline file is build and CI configuration, the rubric's medium: it lifts a low
// call to medium, never to high. Takes any list of paths — files the task names, the editor's
// active file, the selection's file, files chosen in the explorer, or the ranked candidates of the
// context locator — and says which of them raise the risk and why, naming the file. Test files and
// docs are not code paths: a test of the login flow is test work (the rubric), so they raise nothing.
import type { Risk } from '../config/policySchema';

export interface PathRule {
  id: string;
  label: string;
  pattern: RegExp;
  /** What a change to such a file is at least. */
  risk: Exclude<Risk, 'low'>;
}

export const PATH_RISK_RULES: readonly PathRule[] = [
  // First: a workflow named auth.yml or security.yml (a scanner step) is still CI configuration.
  {
    id: 'path-ci',
    risk: 'medium',
    label: 'CI configuration',
    pattern:
      /(^|\/)\.github\/workflows\/|(^|\/)\.circleci\/|(^|\/)(\.gitlab-ci|\.travis|azure-pipelines|appveyor|bitbucket-pipelines)\.ya?ml$|(^|\/)Jenkinsfile$/i,
  },
  {
    id: 'path-auth',
    risk: 'high',
    label: 'authentication code',
    pattern:
      /(^|\/)(auth|authn|authz|authentication|login|oauth|sessions?|passwords?|sso|saml|oidc)([._-][^/]*)?(\/|$)/i,
  },
  {
    id: 'path-security',
    risk: 'high',
    label: 'security code',
    pattern:
      /(^|\/)(security|permissions?|acl|rbac|crypto|secrets?|credentials?)([._-][^/]*)?(\/|$)|(^|\/)(\.env[^/]*|[^/]*\.(pem|key|p12|pfx))$/i,
  },
  {
    id: 'path-payments',
    risk: 'high',
    label: 'payments / billing code',
    pattern: /(^|\/)(payments?|billing|checkout|invoices?|subscriptions?|stripe|refunds?)([._-][^/]*)?(\/|$)/i,
  },
  {
    id: 'path-migrations',
    risk: 'high',
    label: 'database migration',
    pattern: /(^|\/)(migrations?|migrate|db\/schema)(\/|\.|$)|\.sql$|(^|\/)schema\.prisma$/i,
  },
  {
    id: 'path-infra',
    risk: 'high',
    label: 'infrastructure / deployment',
    pattern: /\.(tf|tfvars|hcl)$|(^|\/)(terraform|k8s|kubernetes|helm|charts|deploy(ments?)?|infra(structure)?)(\/|$)/i,
  },
];

/** Tests and docs: reading or changing them does not change how the product behaves. */
const NOT_CODE =
  /(^|\/)(tests?|__tests__|specs?|fixtures?|e2e|docs?)(\/)|\.(test|spec)\.[a-z]+$|\.(md|mdx|rst|txt|adoc)$/i;

export interface PathRisk {
  /** The path as given. */
  path: string;
  ruleId: string;
  /** "payments / billing code". */
  label: string;
  /** What a change to it is at least: high, or medium for CI configuration. */
  risk: Exclude<Risk, 'low'>;
}

/**
 * The paths that raise a task's risk (to high, or for CI configuration to medium), in the order
 * given (most relevant first when the caller passes ranked candidates), each with the rule that
 * matched. Paths are compared with forward slashes and without a leading "./"; a path matches at
 * most one rule (the first).
 */
export function riskFromPaths(paths: readonly string[]): PathRisk[] {
  const out: PathRisk[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    const p = path.replace(/\\/g, '/').replace(/^\.\//, '');
    if (seen.has(p) || NOT_CODE.test(p)) continue;
    seen.add(p);
    const rule = PATH_RISK_RULES.find((r) => r.pattern.test(p));
    if (rule) out.push({ path, ruleId: rule.id, label: rule.label, risk: rule.risk });
  }
  return out;
}

/**
 * The locator's first candidate is a guess at the file the work lands in, not a file in play, so it
 * weighs less than a named one: when it falls under a high-risk path it lifts a medium change to
 * high and a low one to medium; CI configuration lifts low to medium. One step at most, so a guess
 * alone never makes a low change high; and only for work that changes code (the caller says so).
 * Returns the lifted risk and the reason naming the file, or undefined when nothing changes.
 */
export function likelyRiskLift(
  risk: Risk,
  likelyPaths: readonly string[],
): { risk: Exclude<Risk, 'low'>; why: string; file: PathRisk } | undefined {
  const first = likelyPaths[0];
  const hit = first === undefined ? undefined : riskFromPaths([first])[0];
  if (!hit || risk === 'high') return undefined;
  const lifted = risk === 'low' ? 'medium' : hit.risk === 'high' ? 'high' : undefined;
  if (!lifted) return undefined;
  return { risk: lifted, why: `${lifted}: the locator ranks ${hit.path} first (${hit.label})`, file: hit };
}
