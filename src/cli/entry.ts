// The `switchyard` executable (dist/cli.js): picks the bundle a verb needs before loading anything.
// `locate` is run by scripts and editors again and again, and a warm answer must take about 100 ms:
// it runs from its own small bundle (dist/cliLocate.js) instead of the whole command line
// (dist/cliMain.js), whose schemas and providers' SDKs take longer than that just to load.
// Bundle-only: the required files exist beside dist/cli.js (esbuild.config.mjs builds all three).
import { mark } from '../core/context/phaseMarks';
import { exitWhenDone } from './processExit';

mark('entry (Node started)');

interface CliBundle {
  runCli(argv: string[]): Promise<number>;
}

const argv = process.argv.slice(2);
const cli = (argv[0] === 'locate' ? require('./cliLocate.js') : require('./cliMain.js')) as CliBundle;
mark('bundle loaded');
exitWhenDone(cli.runCli(argv));
