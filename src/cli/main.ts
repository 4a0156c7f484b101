// The `switchyard` command line: the same core as the extension, for scripts and CI.
const [, , verb] = process.argv;
process.stderr.write(`switchyard: unknown command "${verb ?? ''}"\n`);
process.exitCode = 2;
