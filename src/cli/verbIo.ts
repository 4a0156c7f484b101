// What a CLI verb of the routing engine gets from the process, injected so tests run verbs in-process:
// output streams, environment, working directory, and stdin for gate prompts.
export interface VerbIo {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Asks a yes/no question on the terminal; undefined when there is no terminal (CI): gates then refuse. */
  ask?(question: string): Promise<boolean>;
}

/** Exit codes shared by explain, route, review and stats (each verb documents its own in `--help`). */
export const EXIT = {
  ok: 0,
  /** route: rejected by the reviewer or at a gate; review: findings at or above --fail-on. */
  rejected: 1,
  usage: 2,
  /** The policy file is invalid, or no model can own a required stage. */
  config: 3,
  /** A provider failed after retries and fallbacks, or the edits did not resolve. */
  failed: 4,
  cancelled: 130,
} as const;

export function processIo(): VerbIo {
  return {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
    env: process.env,
    cwd: process.cwd(),
    ask: terminalAsk(),
  };
}

/** A yes/no prompt on the terminal; undefined when stdin is not a terminal (CI, pipes). */
export function terminalAsk(): VerbIo['ask'] {
  if (!process.stdin.isTTY) return undefined;
  return async (question) => {
    const { createInterface } = await import('node:readline/promises');
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    // Ctrl-C at the prompt is a "no", not a hang.
    const sigint = new Promise<string>((res) => rl.once('SIGINT', () => res('n')));
    try {
      const answer = await Promise.race([rl.question(question), sigint]);
      return /^y(es)?$/i.test(answer.trim());
    } finally {
      rl.close();
    }
  };
}
