// The CLI user's opt-in to running the verify command without a sandbox on a machine that has
// none: a flag on the command line, or SWITCHYARD_VERIFY_UNSANDBOXED=1 in their own environment.
// Never the repository's policy file, which is what the sandbox protects against.
export function allowUnsandboxed(flag: boolean | undefined, env: Record<string, string | undefined>): boolean {
  return flag === true || env.SWITCHYARD_VERIFY_UNSANDBOXED === '1';
}
