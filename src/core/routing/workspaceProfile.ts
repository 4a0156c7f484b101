// The shape of the workspace a task is routed in: what share of its files is documentation, source,
// tests or infrastructure. A tree that is nearly all Markdown is a documentation site, and "add the
// subscriptions endpoint" there is a page to write, not code to ship; a tree of Terraform modules
// makes a change infrastructure. Computed from the file list the host already has (the repository
// index), never from file contents; the classifier takes it as optional context and names it in the
// why ("the workspace is 92% documentation").
import type { z } from 'zod';
import { skipByName } from '../context/fileList';
import { fileRole } from '../context/languages';
import type { WorkspaceProfileSchema } from './classificationSchema';
import type { TaskFeatures } from './textFeatures';

/**
 * `files`: files counted (binaries, lock files and vendored trees are left out, as the index does);
 * the rest: shares of `files`, 0–1, rounded to 3 decimals.
 */
export type WorkspaceProfile = z.infer<typeof WorkspaceProfileSchema>;

/** Infrastructure as code: Terraform and HCL, Helm charts, Kubernetes manifests. */
const INFRA = /\.(tf|tfvars|hcl)$|(^|\/)(charts|helm|k8s|kubernetes|manifests)\/.*\.(ya?ml|tpl)$|(^|\/)Chart\.yaml$/i;
/** Fewer files than this say little about a workspace: no profile. */
export const MIN_FILES = 10;

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** The profile of a file list (workspace-relative paths), or undefined when it is too small to tell. */
export function workspaceProfile(paths: Iterable<string>): WorkspaceProfile | undefined {
  let files = 0;
  let docs = 0;
  let source = 0;
  let tests = 0;
  let infra = 0;
  for (const raw of paths) {
    const path = raw.replace(/\\/g, '/');
    if (skipByName(path, () => false)) continue;
    files++;
    if (INFRA.test(path)) {
      infra++;
      continue;
    }
    const role = fileRole(path);
    if (role === 'docs') docs++;
    else if (role === 'source') source++;
    else if (role === 'test') tests++;
  }
  if (files < MIN_FILES) return undefined;
  return {
    files,
    docs: round3(docs / files),
    source: round3(source / files),
    tests: round3(tests / files),
    infra: round3(infra / files),
  };
}

/** One fact about a workspace the model weighs: its feature id and how it reads to a person. */
interface ProfileMark {
  id: string;
  applies: (p: WorkspaceProfile) => boolean;
  label: (p: WorkspaceProfile) => string;
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;

/**
 * The marks the model weighs. A documentation site (60% or more of its files documentation) is the
 * one that earned its place: on 5-fold cross-validation by repository over train+dev it lifted kind
 * 82.7 → 84.1 and risk 82.2 → 83.4. Bands for a docs-heavy code repository, a mostly-code tree and
 * infrastructure as code were tried and left out: they moved nothing or cost risk accuracy (a code
 * repository with versioned docs read its fixes as docs). So was a workspace *named* for docs
 * ("sensu-docs"): +0.4 kind on cross-validation, but it explained the docs rows of such repositories
 * away and docs cues in the text weakened for every other workspace.
 */
export const PROFILE_MARKS: readonly ProfileMark[] = [
  {
    id: 'p:docs-site',
    applies: (p) => p.docs >= 0.6,
    label: (p) => `the workspace is ${pct(p.docs)} documentation`,
  },
];

/** The profile's feature ids, sorted. */
export function profileFeatures(p: WorkspaceProfile | undefined): string[] {
  return p ? PROFILE_MARKS.filter((m) => m.applies(p)).map((m) => m.id) : [];
}

/** The task's features with the workspace's marks added, each labelled for the why. */
export function withProfile(f: TaskFeatures, p: WorkspaceProfile | undefined): TaskFeatures {
  const marks = profileFeatures(p);
  if (!p || !marks.length) return f;
  const surface = new Map(f.surface);
  for (const id of marks) surface.set(id, profileLabel(id, p));
  return { ids: [...f.ids, ...marks].sort(), surface };
}

/** How a profile feature reads to a person ("the workspace is 92% documentation"). */
export function profileLabel(id: string, p: WorkspaceProfile): string {
  return PROFILE_MARKS.find((m) => m.id === id)?.label(p) ?? id;
}
