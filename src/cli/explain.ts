// `switchyard explain "TASK" [--json] [--root DIR] [--file PATH]… [--assume-keys]`: classifies the
// task and prints the routing decision. Offline and key-free: it calls no model (a configured
// classifier model is not consulted here, so the answer is instant and deterministic).
import { resolve } from 'node:path';
import { envKeySource } from '../core/providers/keys';
import { resolveAvailability } from '../core/routing/availability';
import { classify } from '../core/routing/classifier';
import { allAvailable, decide } from '../core/routing/decide';
import { explainDecision } from '../core/routing/explainDecision';
import { mentionedPaths } from '../core/routing/stagePlan';
import { workspaceProfile } from '../core/routing/workspaceProfile';
import { defaultCacheDir } from '../core/context/indexCache';
import { locateInRoot } from '../core/context/locateInRoot';
import { looksSecret } from '../core/paths/secretPaths';
import { renderLocated } from './locate';
import { LIKELY_FILES_SCREENED, residencyPaths } from '../core/residency/residencyPaths';
import { filesUnderRoot } from './filesUnderRoot';
import { PERSON_CALLS_HELP, PERSON_CALLS_OPTIONS, verbArgs, verbPersonCalls, verbPolicy, verbTask } from './verbArgs';
import { withPersonCalls } from '../core/routing/personCalls';
import { EXIT, type VerbIo } from './verbIo';

/** How many likely files `explain` shows. */
const EXPLAIN_FILES = 3;

export const EXPLAIN_HELP = `usage: switchyard explain "TASK" [--json] [--root DIR] [--file PATH]... [--assume-keys] [--kind KIND] [--risk RISK]
  Classifies the task and prints which stages run, which model owns each and why.
  --json         print the RoutingDecision as JSON (kind, risk, confidence, features, signals, stages, gates, …)
  --root DIR     workspace whose .switchyard/routing.json applies (default: current directory)
  --file PATH    a file the task is about (repeatable); feeds the classifier and the stage plan
  --assume-keys  decide as if every model's API key were set (the default when none is set)
  --no-locate    do not rank the files the task likely touches (the local index of --root);
                 the task is then classified without the workspace's shape as well
${PERSON_CALLS_HELP}
exit codes: 0 explained, 2 usage error, 3 invalid policy`;

export async function runExplain(args: string[], io: VerbIo): Promise<number> {
  const verb = { name: 'explain', help: EXPLAIN_HELP, io };
  const parsed = verbArgs(verb, {
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      root: { type: 'string' },
      file: { type: 'string', multiple: true, default: [] },
      'assume-keys': { type: 'boolean', default: false },
      'no-locate': { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      ...PERSON_CALLS_OPTIONS,
      help: { type: 'boolean', default: false },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const person = verbPersonCalls(verb, parsed.values);
  if (typeof person === 'number') return person;
  const task = verbTask(verb, parsed.positionals);
  if (typeof task === 'number') return task;
  const root = resolve(io.cwd, parsed.values.root ?? '.');
  const policy = await verbPolicy(verb, root);
  if (typeof policy === 'number') return policy;
  const given = filesUnderRoot(parsed.values.file, root, io.cwd);
  if (given.outside.length) {
    io.err(`switchyard explain: --file must name files inside the workspace ${root}: ${given.outside.join(', ')}`);
    return EXIT.usage;
  }
  const files = [...given.paths, ...mentionedPaths(task)];
  let assumedKeys = parsed.values['assume-keys'];
  let availability = assumedKeys
    ? allAvailable
    : await resolveAvailability(policy.models, envKeySource(io.env), {
        vscodeLmUnavailable: 'VS Code language models are only available inside VS Code',
      });
  // With no key at all, "every model is missing a key" explains nothing: show the routing the
  // policy intends, and say plainly that it assumed the keys.
  const missing = policy.models.map((m) => availability(m)).filter((r): r is string => r !== undefined);
  if (!assumedKeys && policy.models.length > 0 && missing.length === policy.models.length) {
    assumedKeys = true;
    availability = allAvailable;
  }
  // The files the task likely touches (the local index; offline, cached): a reader sees where it lands.
  const located = parsed.values['no-locate']
    ? undefined
    : await locateInRoot(root, task, {
        isSecret: looksSecret,
        limit: Math.max(EXPLAIN_FILES, LIKELY_FILES_SCREENED),
        cacheDir: defaultCacheDir(io.env),
        editor: given.paths[0] ? { activeFile: given.paths[0] } : undefined,
      }).catch(() => undefined);
  const likely = located?.files ?? [];
  // As in a run, the first likely file weighs in the risk (a guess: one step at most), and the
  // workspace's shape (a documentation site…) weighs in the kind.
  const classification = withPersonCalls(
    classify(task, {
      filePaths: files,
      likelyPaths: likely.slice(0, 1).map((f) => f.path),
      workspace: located && workspaceProfile(located.paths()),
    }),
    person,
  );
  // Rules scoped to paths weigh the likely files too, as in a run (see decide.ts).
  const decision = decide(classification, policy, availability, {
    task,
    knownFiles: files.length,
    files: await residencyPaths(root, files),
    likelyFiles: await residencyPaths(
      root,
      likely.slice(0, LIKELY_FILES_SCREENED).map((f) => f.path),
    ),
  });
  // kind, risk and signals first and at the top level: scripts read these without digging.
  if (parsed.values.json) {
    const { kind, risk, ...rest } = decision;
    const c = decision.classification;
    // The features behind each call and how sure it was, beside kind and risk (the full calls,
    // with runner-ups and weights, are under classification.calls).
    const why = {
      confidence: c.calls && { kind: c.calls.kind.confidence, risk: c.calls.risk.confidence },
      needsPlan: c.needsPlan,
      features: c.calls && { kind: c.calls.kind.features, risk: c.calls.risk.features },
    };
    io.out(
      JSON.stringify(
        { kind, risk, signals: c.signals, ...why, assumedKeys, ...rest, files: likely.slice(0, EXPLAIN_FILES) },
        null,
        2,
      ),
    );
  } else {
    if (assumedKeys && !parsed.values['assume-keys']) {
      const names = [...new Set(missing.map((m) => /([A-Z][A-Z0-9_]+) is not set/.exec(m)?.[1]).filter(Boolean))];
      io.out(
        `Note: no API key is set, so this shows the routing as if every key were (set ${names.join(', ') || 'a key'} to route for real).\n`,
      );
    }
    io.out(explainDecision(decision, { verbose: parsed.values.verbose }));
    if (likely.length)
      io.out(`\nFiles this task likely touches (switchyard locate):\n${renderLocated(likely.slice(0, EXPLAIN_FILES))}`);
  }
  return EXIT.ok;
}
