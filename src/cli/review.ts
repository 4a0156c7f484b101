// `switchyard review [--base REF] [--format text|json|sarif]`: sends the working tree's git diff
// (against --base, default HEAD) to a reviewer from the policy's critic chain and prints the
// findings — as text, as the Review JSON, or as SARIF 2.1.0 for CI code scanning.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { StageFailure } from '../core/stage/runContext';
import { createProvider } from '../core/providers/createProvider';
import { envBaseUrl, envKeySource } from '../core/providers/keys';
import { resolveAvailability } from '../core/routing/availability';
import { splitFileText } from '../core/edits/fileText';
import { resolveInsideRoot } from '../core/edits/safePath';
import { diffNewLines } from '../core/review/numberDiff';
import { splitDiffByFile } from '../core/review/splitDiff';
import { checkModelRead } from '../core/paths/modelRead';
import { scrubSecrets } from '../core/providers/scrub';
import { reviewDiff } from '../core/pipeline/reviewDiff';
import { SeveritySchema, type Severity } from '../core/review/reviewSchema';
import { reviewToSarif } from '../core/review/sarif';
import { formatReview } from './reviewText';
import { policyKeyValues } from './policyForCli';
import { verbArgs, verbPolicy } from './verbArgs';
import { EXIT, type VerbIo } from './verbIo';

const run = promisify(execFile);

export const REVIEW_HELP = `usage: switchyard review [--base REF] [--format text|json|sarif] [--root DIR] [--task TEXT] [--author-vendor VENDOR] [--fail-on SEVERITY] [--untracked] [--include-secret-files]
  Reviews the working tree's changes (git diff against --base, default HEAD; staged and unstaged,
  and, with --untracked, new files) with the first ready model of stages.critic. Files that look
  like they hold secrets (.env*, keys, credentials — by name or through a symlink) are left out of
  what the reviewer is sent, and named on stderr; --include-secret-files sends them too. The output
  is scrubbed of your keys and key-shaped strings, like the run ledger.
  --format        text (default), json (the Review), or sarif (SARIF 2.1.0 for code scanning)
  --task TEXT     what the change is meant to do, so the reviewer can judge it against that
  --author-vendor the vendor of the model that wrote the change: the reviewer will be another vendor's
  --untracked     include new files git does not track yet
  --include-secret-files  also send the changes to secret-looking files to the reviewer
  --fail-on SEV   exit 1 when a finding is at least this severe (info|minor|major|critical);
                  default: exit 1 unless the verdict is approve
exit codes: 0 approved (or nothing to review), 1 changes requested / blocked / findings at --fail-on,
            2 usage error, 3 a provider or configuration error (invalid policy, no reviewer, git failed),
            70 an internal error (a bug: the message says where)`;

const RANK: Record<Severity, number> = { info: 0, minor: 1, major: 2, critical: 3 };

/** New files git does not track yet, as "new file" diffs (git diff --no-index exits 1 when there is a difference). */
async function untrackedDiff(root: string): Promise<string> {
  const list = await run('git', ['ls-files', '--others', '--exclude-standard', '-z'], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  });
  let out = '';
  for (const file of list.stdout.split('\0').filter(Boolean)) {
    try {
      await run(
        'git',
        [
          'diff',
          '--no-color',
          '--no-ext-diff',
          '--no-index',
          '--src-prefix=a/',
          '--dst-prefix=b/',
          '--',
          '/dev/null',
          file,
        ],
        { cwd: root, maxBuffer: 16 * 1024 * 1024 },
      );
    } catch (err) {
      const e = err as { code?: number; stdout?: string };
      if (e.code === 1 && e.stdout) out += e.stdout;
      else throw err;
    }
  }
  return out;
}

/** Line counts of the files the diff creates or changes, from the working tree, so findings are checked against real lengths. */
async function workingTreeLineCounts(root: string, files: Iterable<string>): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const f of files) {
    const where = await resolveInsideRoot(root, f);
    if (!where.ok || !where.exists) continue;
    try {
      counts.set(f, splitFileText(await readFile(where.abs, 'utf8')).lines.length);
    } catch {
      // unreadable: the diff's own lines are used instead
    }
  }
  return counts;
}

/** The diff without the sections of secret-looking files (by name or real path), each left out named on stderr. */
async function withoutSecretFiles(diff: string, root: string, io: VerbIo): Promise<string> {
  const kept: string[] = [];
  for (const section of splitDiffByFile(diff)) {
    let refused: string | undefined;
    for (const path of section.paths) {
      const check = await checkModelRead(root, path, { protectedPaths: [], secretsOnly: true });
      if (!check.ok) refused ??= `${path} (${check.reason})`;
    }
    if (refused) io.err(`switchyard review: left out ${refused}; pass --include-secret-files to have it reviewed.`);
    else kept.push(section.text);
  }
  return kept.join('');
}

type ReviewValues = {
  base: string;
  format: string;
  untracked: boolean;
  'fail-on'?: string;
  'include-secret-files': boolean;
};

/** --format, --fail-on and --base checked: the output format and the severity that fails, or a usage error. */
function reviewOptions(
  values: ReviewValues,
  io: VerbIo,
): { format: 'text' | 'json' | 'sarif'; failOn?: Severity } | number {
  const format = values.format;
  if (format !== 'text' && format !== 'json' && format !== 'sarif') {
    io.err(`switchyard review: --format must be text, json or sarif (got "${format}")`);
    return EXIT.usage;
  }
  let failOn: Severity | undefined;
  if (values['fail-on'] !== undefined) {
    const s = SeveritySchema.safeParse(values['fail-on']);
    if (!s.success) {
      io.err(`switchyard review: --fail-on must be one of info, minor, major, critical (got "${values['fail-on']}")`);
      return EXIT.usage;
    }
    failOn = s.data;
  }
  if (values.base.startsWith('-')) {
    io.err(`switchyard review: --base must be a git revision, not "${values.base}"`);
    return EXIT.usage;
  }
  return { format, failOn };
}

/** The working tree's diff against --base (with untracked files if asked, secret files left out), or an exit code. */
async function diffToReview(values: ReviewValues, root: string, io: VerbIo): Promise<string | number> {
  try {
    // "--" ends revisions: a base can never be read as a path or an option.
    const r = await run(
      'git',
      ['diff', '--no-color', '--no-ext-diff', '--src-prefix=a/', '--dst-prefix=b/', values.base, '--'],
      { cwd: root, maxBuffer: 64 * 1024 * 1024 },
    );
    let diff = r.stdout;
    if (values.untracked) diff += await untrackedDiff(root);
    if (!values['include-secret-files']) diff = await withoutSecretFiles(diff, root, io);
    return diff;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    io.err(
      `switchyard review: git diff against ${values.base} failed in ${root}: ${(e.stderr || e.message).trim()}\nRun it inside a git repository, with --base naming an existing revision.`,
    );
    return EXIT.config;
  }
}

export async function runReview(args: string[], io: VerbIo): Promise<number> {
  const verb = { name: 'review', help: REVIEW_HELP, io };
  const parsed = verbArgs(verb, {
    args,
    options: {
      base: { type: 'string', default: 'HEAD' },
      format: { type: 'string', default: 'text' },
      root: { type: 'string' },
      task: { type: 'string' },
      'author-vendor': { type: 'string' },
      'fail-on': { type: 'string' },
      untracked: { type: 'boolean', default: false },
      'include-secret-files': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const values = parsed.values;
  const opts = reviewOptions(values, io);
  if (typeof opts === 'number') return opts;
  const { format, failOn } = opts;
  const root = resolve(io.cwd, values.root ?? '.');
  const diff = await diffToReview(values, root, io);
  if (typeof diff === 'number') return diff;
  if (diff.trim() === '') {
    io.err(`switchyard review: no changes against ${values.base} in ${root}; nothing to review.`);
    const none = { verdict: 'approve' as const, summary: 'no changes', findings: [] };
    if (format === 'json') io.out(JSON.stringify(none, null, 2));
    if (format === 'sarif')
      io.out(JSON.stringify(reviewToSarif(none, { modelId: 'none', vendor: 'none' }, '0.1.0'), null, 2));
    return EXIT.ok;
  }

  const policy = await verbPolicy(verb, root);
  if (typeof policy === 'number') return policy;
  const keys = envKeySource(io.env);
  const availability = await resolveAvailability(policy.models, keys, {
    vscodeLmUnavailable: 'VS Code language models are only available inside VS Code',
  });
  let result;
  try {
    result = await reviewDiff({
      diff,
      root,
      task: values.task,
      policy,
      availability,
      authorVendor: values['author-vendor'],
      newLineCounts: await workingTreeLineCounts(root, diffNewLines(diff).keys()),
      providerFor: async (spec) =>
        createProvider(spec, { apiKey: await keys.get(spec), baseUrl: envBaseUrl(spec, io.env) }),
      listeners: [
        (e) => {
          if (e.type === 'stage-started')
            for (const r of e.snapshot.rejected)
              if (r.code === 'residency') io.err(`– ${r.modelId} may not see this diff: ${r.reason}`);
          if (e.type === 'fallback-taken')
            io.err(`↪ ${e.fromModelId} failed (${e.error.kind}); falling back to ${e.toModelId}`);
        },
      ],
    });
  } catch (err) {
    if (err instanceof StageFailure) {
      io.err(`switchyard review: ${err.message}`);
      return EXIT.config;
    }
    throw err;
  }
  const { review, reviewer } = result;
  // SARIF is often uploaded: what a reviewer echoed (a key, a token in the diff) is scrubbed as the ledger is.
  const show = (text: string) => io.out(scrubSecrets(text, ...policyKeyValues(policy, io.env)));
  if (format === 'json') show(JSON.stringify({ ...review, reviewer }, null, 2));
  else if (format === 'sarif') show(JSON.stringify(reviewToSarif(review, reviewer, '0.1.0'), null, 2));
  else {
    show(formatReview(review, `${reviewer.modelId} (${reviewer.vendor})`));
    show(`(${result.tokensIn}→${result.tokensOut} tokens, $${result.costUsd.toFixed(4)})`);
  }
  for (const u of result.unanchored)
    io.err(`switchyard review: note: a finding at ${u.file}:${u.startLine} is outside the change (${u.note})`);
  if (failOn !== undefined)
    return review.findings.some((f) => RANK[f.severity] >= RANK[failOn]) ? EXIT.rejected : EXIT.ok;
  return review.verdict === 'approve' ? EXIT.ok : EXIT.rejected;
}
