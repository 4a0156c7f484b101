// The environment the verify command runs with: the parent's environment minus anything that
// looks like a secret. The command is the project's own test script, run on a change a model
// wrote; it has no business seeing the keys Switchyard uses to talk to models, or any other
// credential the editor happens to hold.
//
// The rule, in order:
//   1. A small allow-list (PATH, HOME, LANG, LC_*, TERM, TMPDIR, …) always passes: tests need it.
//   2. Any variable the policy names as an `apiKeyEnv`, or the caller adds, is withheld.
//   3. Any name matching a deny pattern is withheld (case-insensitive): *_API_KEY, *API_KEY*,
//      *_KEY, *_KEYS, *TOKEN*, *SECRET*, *PASSWORD*, *PASSWD*, *PASSPHRASE*, *CREDENTIAL*,
//      *PRIVATE_KEY*, *_AUTH, *_AUTHTOKEN, OPENAI_*, ANTHROPIC_*, AZURE_OPENAI_*, GEMINI_*,
//      GOOGLE_API*, MISTRAL_*, GROQ_*, OPENROUTER_*, AWS_SECRET*, AWS_SESSION*, SSH_AUTH_SOCK,
//      GPG_AGENT_INFO, and npm's `npm_config_*_auth*` settings.
//   4. Any value shaped like a provider key (`sk-…`, `sk-ant-…`) is withheld whatever its name.
//   5. The host's own plumbing is withheld too, though not secret, because it would make the
//      command act on the wrong thing: GIT_DIR and friends (set when the host runs inside a git
//      hook; tests would then commit to the user's repository, not the scratch), VSCODE_* (the
//      IPC hooks let a process drive the editor), ELECTRON_RUN_AS_NODE (breaks Electron-based
//      test runners), NODE_TEST_CONTEXT (turns a nested `node --test` into a silent child).
//   6. Everything else passes through unchanged.
// Only the names of withheld variables are reported, never their values.

const ALWAYS_ALLOWED = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'TERM',
  'TMPDIR',
  'TEMP',
  'TMP',
  'TZ',
  'PWD',
  'CI',
  'NODE_ENV',
  'COLORTERM',
  'NO_COLOR',
  'FORCE_COLOR',
]);

const DENY_PATTERNS: RegExp[] = [
  /API_?KEY/i,
  /_KEYS?$/i,
  /^KEY$/i,
  /TOKEN/i,
  /SECRET/i,
  /PASSWORD/i,
  /PASSWD/i,
  /PASSPHRASE/i,
  /CREDENTIAL/i,
  /PRIVATE_?KEY/i,
  /_AUTH$/i,
  /_AUTHTOKEN$/i,
  /^OPENAI_/i,
  /^ANTHROPIC_/i,
  /^AZURE_OPENAI/i,
  /^GEMINI_/i,
  /^GOOGLE_API/i,
  /^MISTRAL_/i,
  /^GROQ_/i,
  /^OPENROUTER_/i,
  /^AWS_SECRET/i,
  /^AWS_SESSION/i,
  /^SSH_AUTH_SOCK$/i,
  /^GPG_AGENT_INFO$/i,
  /^npm_config_.*_auth/i,
];

const HOST_PLUMBING: RegExp[] = [
  /^GIT_(DIR|WORK_TREE|INDEX_FILE|COMMON_DIR|OBJECT_DIRECTORY|ALTERNATE_OBJECT_DIRECTORIES|PREFIX|NAMESPACE)$/,
  /^VSCODE_/,
  /^ELECTRON_RUN_AS_NODE$/,
  /^NODE_TEST_CONTEXT$/,
];

/** Values shaped like provider keys are withheld even under an innocent name. */
const KEY_SHAPED_VALUE = /^\s*(sk-[A-Za-z0-9_-]{16,}|sk-ant-[A-Za-z0-9_-]{8,})\s*$/;

export interface VerifyEnv {
  env: Record<string, string>;
  /** Sorted names of what was withheld, for the result and the record. */
  withheld: string[];
}

/** True when `name` must not reach the verify command (rules 2 and 3 above). */
export function isSecretEnvName(name: string, secretEnvNames: Iterable<string> = []): boolean {
  if (ALWAYS_ALLOWED.has(name) || /^LC_[A-Z]+$/.test(name)) return false;
  for (const s of secretEnvNames) if (s === name) return true;
  return DENY_PATTERNS.some((re) => re.test(name));
}

export function buildVerifyEnv(parent: NodeJS.ProcessEnv, secretEnvNames: Iterable<string> = []): VerifyEnv {
  const named = new Set(secretEnvNames);
  const env: Record<string, string> = {};
  const withheld: string[] = [];
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined) continue;
    const allowed = ALWAYS_ALLOWED.has(name) || /^LC_[A-Z]+$/.test(name);
    const plumbing = HOST_PLUMBING.some((re) => re.test(name));
    if (!allowed && (plumbing || isSecretEnvName(name, named) || KEY_SHAPED_VALUE.test(value))) {
      withheld.push(name);
      continue;
    }
    env[name] = value;
  }
  withheld.sort();
  return { env, withheld };
}

/** The policy's `apiKeyEnv` names: the keys Switchyard itself uses are withheld by name too. */
export function secretEnvNamesFromPolicy(policy: { models: ReadonlyArray<{ apiKeyEnv?: string }> }): string[] {
  return [...new Set(policy.models.flatMap((m) => (m.apiKeyEnv ? [m.apiKeyEnv] : [])))];
}
