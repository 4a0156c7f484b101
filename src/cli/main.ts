// The `switchyard` command line: the same core as the extension, for scripts and CI. This file
// only dispatches: each verb lives in its own module (src/cli/<verb>.ts) and is one row below.
import { runApply } from './apply';
import { type Verb, type CliIo, processIo } from './cliIo';

const VERBS: Record<string, { run: Verb; summary: string }> = {
  apply: { run: runApply, summary: 'apply a patch read from standard input to a folder, all-or-nothing' },
};

function usage(): string {
  const rows = Object.entries(VERBS).map(([name, v]) => `  ${name.padEnd(10)} ${v.summary}`);
  return ['usage: switchyard <command> [options]', '', 'commands:', ...rows, '', 'Run "switchyard <command> --help" for its options.', ''].join('\n');
}

/** Runs one command line; resolves to the exit code (0 ok, 1 refused/failed, 2 usage error). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === '--help' || verb === '-h' || verb === 'help') {
    if (verb === undefined) {
      io.err(usage());
      return 2;
    }
    io.out(usage());
    return 0;
  }
  const entry = VERBS[verb];
  if (!entry) {
    io.err(`switchyard: unknown command "${verb}".\n${usage()}`);
    return 2;
  }
  return entry.run(rest, io);
}

if (require.main === module) {
  runCli(process.argv.slice(2), processIo()).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`switchyard: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
