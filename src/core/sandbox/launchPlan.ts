// How one confined command is started: the program, its arguments and the extra file descriptors.
// In the sandbox: [setpriv (as root) →] bwrap <layout> → prlimit <limits> → the command.
// Unsandboxed (only when the user opted in): prlimit <limits> → the command, in the scratch copy,
// with the same environment and limits but no namespaces: it can read the user's files and reach
// the network, and a process that leaves its group with setsid outlives the time limit.
import { homedir } from 'node:os';
import { bwrapArgs, type SandboxLayout } from './bwrapArgs';
import { tasksOwnedBy } from './processTable';
import { prlimitArgs, type SandboxLimits } from './sandboxLimits';
import { findExecutable, setprivArgs, type SandboxSupport } from './sandboxProbe';
import { readableBy, systemEntries, toolchainView } from './systemView';

export type Isolation =
  { kind: 'sandbox'; support: Extract<SandboxSupport, { ok: true }> } | { kind: 'unsandboxed'; why: string };

export interface LaunchInput {
  argv: string[];
  layout: SandboxLayout;
  env: Record<string, string>;
  isolation: Isolation;
  limits: SandboxLimits;
  network?: 'none' | 'host';
  /** The host's environment, for PATH toolchains and SWITCHYARD_SANDBOX_READONLY (default: this process's). */
  hostEnv?: NodeJS.ProcessEnv;
}

export interface LaunchPlan {
  file: string;
  args: string[];
  /** bwrap reports its child's pid and namespaces on fd 3. */
  infoFd: boolean;
  /**
   * bwrap's own options, to be written NUL-separated to the child's fd 4 (`--args 4`) rather than
   * put on its command line: the environment is in them, and any process can read a command line.
   */
  bwrapOptions?: string[];
  /** The user the command runs as (its uid decides whose tasks the process limit counts). */
  uid: number;
}

/** The child's fd bwrap reads its options from (after stdin, stdout, stderr and the info pipe). */
export const ARGS_FD = 4;

export async function launchPlan(input: LaunchInput): Promise<LaunchPlan> {
  const hostEnv = input.hostEnv ?? process.env;
  if (input.isolation.kind === 'unsandboxed') {
    const uid = process.getuid?.() ?? -1;
    const prlimit = await findExecutable('prlimit', hostEnv);
    const limited = prlimit ? [prlimit, ...prlimitArgs(input.limits, await tasksOwnedBy(uid))] : [];
    const [file, ...args] = [...limited, ...input.argv];
    return { file: file!, args, infoFd: false, uid };
  }
  const s = input.isolation.support;
  const uid = s.runAs?.uid ?? process.getuid?.() ?? -1;
  const tools = await toolchainView(hostEnv, hostEnv.HOME ?? homedir());
  // Run as nobody (a root host), the sandbox cannot walk into folders only root may enter (/root):
  // toolchains there are left out. The copy and its mounts must be reachable, or bwrap says which is not.
  const reachable: typeof tools.mounts = [];
  for (const m of tools.mounts) if (!s.runAs || (await readableBy(m.source, s.runAs))) reachable.push(m);
  const layout = { ...input.layout, readOnly: [...input.layout.readOnly, ...reachable] };
  const mask = tools.mask.filter((f) => reachable.some((m) => f.startsWith(m.source + '/')));
  const sandbox = bwrapArgs({
    layout,
    env: input.env,
    features: s.features,
    system: await systemEntries(),
    tmpBytes: input.limits.tmpBytes,
    network: input.network,
    mask,
    infoFd: 3,
  });
  const inner = [s.prlimit, ...prlimitArgs(input.limits, await tasksOwnedBy(uid)), ...input.argv];
  const bwrap = [s.bwrap, '--args', String(ARGS_FD), '--', ...inner];
  const plan = { infoFd: true, uid, bwrapOptions: sandbox };
  if (s.runAs) return { ...plan, file: s.runAs.setpriv, args: [...setprivArgs(s.runAs), ...bwrap] };
  return { ...plan, file: bwrap[0]!, args: bwrap.slice(1) };
}
