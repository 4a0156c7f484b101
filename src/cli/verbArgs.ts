// What every verb does first: parse its arguments (printing its help on --help, or the error and
// its help on bad arguments), take the task from the positionals, and load the policy (a broken
// policy is a configuration error, exit 3). Each returns the value, or the exit code to return.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { RoutingPolicy } from '../core/config/policySchema';
import { RISKS, TASK_KINDS } from '../core/config/stages';
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

/** The options `--kind` and `--risk`, for a verb's parseArgs config. */
export const PERSON_CALLS_OPTIONS = { kind: { type: 'string' }, risk: { type: 'string' } } as const;

/** What `--kind` and `--risk` add to a verb's help. */
export const PERSON_CALLS_HELP = `  --kind KIND    route as this kind of work, whatever the classifier says
                 (${TASK_KINDS.join(', ')}); the classifier's call stays in the reasons
  --risk RISK    route at this risk (${RISKS.join(', ')}), whatever the classifier says`;

/** --kind and --risk: the person's calls over the classifier's, or the usage error's exit code. */
export function verbPersonCalls(
  verb: Verb,
  values: { kind?: string; risk?: string },
): { kind?: (typeof TASK_KINDS)[number]; risk?: (typeof RISKS)[number] } | number {
  const pick = <T extends string>(
    name: string,
    value: string | undefined,
    allowed: readonly T[],
  ): T | null | undefined => {
    if (value === undefined) return undefined;
    const v = value.trim().toLowerCase();
    if ((allowed as readonly string[]).includes(v)) return v as T;
    verb.io.err(
      `switchyard ${verb.name}: --${name} must be one of ${allowed.join(', ')}, not "${value}"\n${verb.help}`,
    );
    return null;
  };
  const kind = pick('kind', values.kind, TASK_KINDS);
  const risk = pick('risk', values.risk, RISKS);
  if (kind === null || risk === null) return EXIT.usage;
  return { kind, risk };
}
