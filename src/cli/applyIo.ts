// What `switchyard apply` may touch of the process, injected so tests run the verb in-process.
import { terminalSafe } from './terminalText';
export interface ApplyIo {
  /** The whole of standard input, or undefined once it passes `maxBytes` (reading stops there). */
  readStdin(maxBytes: number): Promise<string | undefined>;
  stdinIsTty: boolean;
  out(text: string): void;
  err(text: string): void;
}

export function applyProcessIo(): ApplyIo {
  return {
    stdinIsTty: Boolean(process.stdin.isTTY),
    readStdin: async (maxBytes) => {
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const chunk of process.stdin) {
        total += (chunk as Buffer).length;
        if (total > maxBytes) {
          process.stdin.destroy();
          return undefined;
        }
        chunks.push(chunk as Buffer);
      }
      return Buffer.concat(chunks).toString('utf8');
    },
    // Paths in a patch are the repository's: a file name can carry escape sequences too.
    out: (t) => process.stdout.write(terminalSafe(t)),
    err: (t) => process.stderr.write(terminalSafe(t)),
  };
}
