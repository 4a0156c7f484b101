// What a CLI verb may touch of the process, injected so tests drive verbs without spawning.
export interface CliIo {
  readStdin(): Promise<string>;
  stdinIsTty: boolean;
  out(text: string): void;
  err(text: string): void;
}

export type Verb = (args: string[], io: CliIo) => Promise<number>;

export function processIo(): CliIo {
  return {
    stdinIsTty: Boolean(process.stdin.isTTY),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
  };
}
