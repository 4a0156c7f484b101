// dist/cliLocate.js: the `locate` verb on its own, for dist/cli.js to load without the rest of the
// command line (see entry.ts). Same verb, same bytes out as `switchyard locate` through main.ts,
// written straight to the descriptors (directOutput.ts). With SWITCHYARD_TIMING set, where the time
// went follows on stderr (phaseMarks.ts).
import { phaseReport } from '../core/context/phaseMarks';
import { directStreams } from './directOutput';
import { runLocate } from './locate';
import { processIo } from './verbIo';

/** Runs `locate …` (argv[0] is the verb); resolves to the exit code. */
export function runCli(argv: string[]): Promise<number> {
  const streams = directStreams();
  return runLocate(argv.slice(1), processIo(streams, { prompts: false })).finally(() => {
    const report = phaseReport();
    if (report) streams.stderr.write(report);
  });
}
