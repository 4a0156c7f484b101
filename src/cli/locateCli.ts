// dist/cliLocate.js: the `locate` verb on its own, for dist/cli.js to load without the rest of the
// command line (see entry.ts). Same verb, same I/O as `switchyard locate` through main.ts.
import { runLocate } from './locate';
import { processIo } from './verbIo';

/** Runs `locate …` (argv[0] is the verb); resolves to the exit code. */
export function runCli(argv: string[]): Promise<number> {
  return runLocate(argv.slice(1), processIo(process, { prompts: false }));
}
