// What `switchyard apply` may touch of the process, injected so tests run the verb in-process.
export interface ApplyIo {
  readStdin(): Promise<string>;
  stdinIsTty: boolean;
  out(text: string): void;
  err(text: string): void;
}

export function applyProcessIo(): ApplyIo {
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
