// What every verb does first: parse its arguments (printing its help on --help, or the error and
// its help on bad arguments), take the task from the positionals, and load the policy (a broken
// policy is a configuration error, exit 3). Each returns the value, or the exit code to return.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { RoutingPolicy } from '../core/config/policySchema';
import type { CliPolicy } from './policyForCli';
import { EXIT, type VerbIo } from './verbIo';

interface Verb {
  name: string;
  help: string;
  io: Pick<VerbIo, 'out' | 'err'>;
}

export function verbArgs<C extends ParseArgsConfig>(verb: Verb, config: C): ReturnType<typeof parseArgs<C>> | number {
  let parsed: ReturnType<typeof parseArgs<C>>;
  try {
    parsed = parseArgs(config);
  } catch (err) {
    verb.io.err(`switchyard ${verb.name}: ${argsProblem(err as Error & { code?: string })}\n${verb.help}`);
    return EXIT.usage;
  }
  if ((parsed.values as { help?: boolean }).help) {
    verb.io.out(verb.help);
    return EXIT.ok;
  }
  return parsed;
}

/**
 * node:util's parseArgs error in our words: its unknown-option message ends in an unbalanced quote
 * and suggests '--' for positionals, which no verb needs.
 */
function argsProblem(err: Error & { code?: string }): string {
  const unknown = /^Unknown option '([^']+)'/.exec(err.message);
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown)
    return `unknown option ${unknown[1]}; the options are below.`;
  return err.message;
}

/** The task, from the words after the verb. */
export function verbTask(verb: Verb, positionals: string[]): string | number {
  const task = positionals.join(' ').trim();
  if (task) return task;
  verb.io.err(
    `switchyard ${verb.name}: give the task as an argument, e.g. switchyard ${verb.name} "fix the typo in README.md"\n${verb.help}`,
  );
  return EXIT.usage;
}

export async function verbPolicy(verb: Verb, root: string): Promise<RoutingPolicy | number> {
  const loaded = await verbLoadedPolicy(verb, root);
  return typeof loaded === 'number' ? loaded : loaded.policy;
}

/** The policy with which layer chose what (the workspace's own models, the user's key names). */
export async function verbLoadedPolicy(verb: Verb, root: string): Promise<CliPolicy | number> {
  // Loaded here, not at the top: verbs without a policy (locate) should not load its schema and zod.
  const { CliPolicyError, policyForCli } = require('./policyForCli') as typeof import('./policyForCli');
  try {
    const loaded = await policyForCli(root);
    // What the workspace file asked for and did not get (a loosened rule) is said, never silent.
    for (const note of loaded.notes) verb.io.err(`switchyard ${verb.name}: note: ${note}`);
    return loaded;
  } catch (err) {
    if (!(err instanceof CliPolicyError)) throw err;
    verb.io.err(`switchyard ${verb.name}: ${err.message}`);
    return EXIT.config;
  }
}
