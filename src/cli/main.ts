// The `switchyard` command line: the same core as the extension, for scripts and CI. This file
// only dispatches: each verb lives in its own module (src/cli/<verb>.ts) and is one row of VERBS.
// A row builds the process I/O its verb wants, so verbs keep their own injectable I/O types.
import { runApply } from './apply';
import { runBench } from './bench';
import { applyProcessIo } from './applyIo';
import { runExplain } from './explain';
import { runLocate } from './locate';
import { runReview } from './review';
import { runRoute } from './route';
import { runStats } from './stats';
import { EXIT, processIo } from './verbIo';
import { exitWhenDone } from './processExit';

export interface VerbEntry {
  summary: string;
  /** Runs the verb with the rest of the command line; resolves to the exit code. */
  run(args: string[]): Promise<number>;
}

export const VERBS: Record<string, VerbEntry> = {
  apply: {
    summary: 'apply a patch from standard input to a folder, all-or-nothing',
    run: (args) => runApply(args, applyProcessIo()),
  },
  explain: {
    summary: 'classify a task and show which model owns each stage, and why (offline)',
    run: (args) => runExplain(args, processIo()),
  },
  locate: {
    summary: 'rank the files (and symbols) a task most likely touches, with reasons (offline)',
    run: (args) => runLocate(args, processIo()),
  },
  route: {
    summary: 'run a task through its stages, review the diff with another vendor, apply after approval',
    run: (args) => runRoute(args, processIo()),
  },
  review: {
    summary: "review the working tree's git diff with another vendor's model (text, json, sarif)",
    run: (args) => runReview(args, processIo()),
  },
  stats: { summary: 'scorecard per model and role from the run ledger', run: (args) => runStats(args, processIo()) },
  bench: {
    summary: 'benchmark set and routing review: replay marked tasks with a candidate model in one stage',
    run: (args) => runBench(args, processIo()),
  },
};

export function usage(verbs: Record<string, VerbEntry> = VERBS): string {
  const rows = Object.entries(verbs).map(([name, v]) => `  ${name.padEnd(10)} ${v.summary}`);
  return [
    'usage: switchyard <command> [options]',
    '',
    'commands:',
    ...rows,
    '',
    'Run "switchyard <command> --help" for its options.',
    '',
  ].join('\n');
}

/** Runs one command line; resolves to the exit code (each verb's own, 2 usage error, 70 internal error). */
export async function runCli(
  argv: string[],
  verbs: Record<string, VerbEntry> = VERBS,
  print: { out(t: string): void; err(t: string): void } = {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
  },
): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === '--help' || verb === '-h' || verb === 'help') {
    print.out(usage(verbs));
    return 0;
  }
  if (verb === undefined) {
    print.err(usage(verbs));
    return 2;
  }
  const entry = Object.hasOwn(verbs, verb) ? verbs[verb] : undefined;
  if (!entry) {
    print.err(`switchyard: unknown command "${verb}".\n${usage(verbs)}`);
    return 2;
  }
  try {
    return await entry.run(rest);
  } catch (e) {
    // Not "rejected" (1): nothing the user did; a bug to report, with where it happened.
    print.err(`switchyard: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT.internal;
  }
}

// Run directly (node --import tsx src/cli/main.ts …); the shipped dist/cli.js runs entry.ts.
if (require.main === module) exitWhenDone(runCli(process.argv.slice(2)));
