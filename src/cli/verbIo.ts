// What a CLI verb of the routing engine gets from the process, injected so tests run verbs in-process:
// output streams, environment, working directory, and stdin for gate prompts.
import { terminalSafe } from './terminalText';
export interface VerbIo {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Asks a yes/no question on the terminal; undefined when there is no terminal (CI): gates then refuse. */
  ask?(question: string): Promise<boolean>;
  /** Asks on the terminal and returns the answer as typed ('' for Ctrl-C); undefined without a terminal. */
  prompt?(question: string): Promise<string>;
}

/** Exit codes shared by explain, route, review and stats (each verb documents its own in `--help`). */
export const EXIT = {
  ok: 0,
  /** Rejected: the review did not approve, a gate said no, or the edits did not resolve. Nothing was written. */
  rejected: 1,
  usage: 2,
  /** A provider or configuration error: invalid policy, no model for a required stage, a budget, a provider that failed after retries and fallbacks. */
  config: 3,
  /**
   * Used by `bench` for a failed run. explain/route/review/stats report provider failures with `config`
   * (3), as the README documents ("a provider or configuration error").
   */
  failed: 4,
  /** An internal error: a bug, not the user's input or a provider (EX_SOFTWARE in sysexits.h). Nothing was applied. */
  internal: 70,
  /** Interrupted (Ctrl-C): nothing was applied. */
  cancelled: 130,
} as const;

/** Where the process's text goes; tests pass their own sinks to see the exact bytes. */
export interface ProcessStreams {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/**
 * The real process: every line passes through terminalSafe, so no model text drives the terminal.
 * `prompts: false` for verbs that never ask (`locate`): looking at process.stdin at all loads
 * Node's stream and tty modules, a sizeable share of a warm `locate`.
 */
export function processIo(streams: ProcessStreams = process, { prompts = true } = {}): VerbIo {
  const line = (t: string) => terminalSafe(t.endsWith('\n') ? t : `${t}\n`);
  return {
    out: (t) => streams.stdout.write(line(t)),
    err: (t) => streams.stderr.write(line(t)),
    env: process.env,
    cwd: process.cwd(),
    ...(prompts ? { ask: terminalAsk(), prompt: terminalPrompt() } : {}),
  };
}

/** A question on the terminal, the answer as typed; undefined when stdin is not a terminal (CI, pipes). */
export function terminalPrompt(): VerbIo['prompt'] {
  if (!process.stdin.isTTY) return undefined;
  return async (question) => {
    const { createInterface } = await import('node:readline/promises');
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    // Ctrl-C at the prompt is an empty answer (a "no"), not a hang.
    const sigint = new Promise<string>((res) => rl.once('SIGINT', () => res('')));
    try {
      return (await Promise.race([rl.question(terminalSafe(question)), sigint])).trim();
    } finally {
      rl.close();
    }
  };
}

/** A yes/no prompt on the terminal; undefined when stdin is not a terminal (CI, pipes). */
export function terminalAsk(): VerbIo['ask'] {
  const prompt = terminalPrompt();
  return prompt && (async (question) => /^y(es)?$/i.test(await prompt(question)));
}
