// The environment a confined command runs with, built from an allow-list: nothing of the host's
// environment passes unless it is on the list or the caller names it (a name the policy lists and
// the user approved). A deny-list always misses something — AWS_ACCESS_KEY_ID, SLACK_WEBHOOK_URL,
// DATABASE_URL with its password, DOCKER_AUTH_CONFIG — and output masking can be bypassed (`| base64`);
// a secret that is not in the environment at all cannot leak from it.
//
// Always passed: PATH, the locale (LANG, LANGUAGE, LC_*), TERM, TZ, CI and the colour switches.
// Always set: HOME (a scratch folder, never the user's), TMPDIR, SHELL=/bin/sh.
// Named by the caller: passed if set, unless the name looks like a credential (below) or is the
// host's own plumbing (GIT_DIR and friends, VSCODE_*, ELECTRON_RUN_AS_NODE, NODE_TEST_CONTEXT):
// those are refused even when asked for, and the refusal is reported.
// Only names are reported, never values. The values of credential-looking variables (and any
// value shaped like a provider key) are handed back so that output can still be masked.

const ALWAYS_PASSED = new Set(['PATH', 'LANG', 'LANGUAGE', 'TERM', 'TZ', 'CI', 'COLORTERM', 'NO_COLOR', 'FORCE_COLOR']);
const isLocale = (name: string) => /^LC_[A-Z]+$/.test(name);

/** Names that hold credentials (case-insensitive). */
const SECRET_PATTERNS: RegExp[] = [
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
  /AUTH_CONFIG/i,
  /WEBHOOK/i,
  /_DSN$/i,
  /DATABASE_URL/i,
  /^AWS_/i,
  /^OPENAI_/i,
  /^ANTHROPIC_/i,
  /^AZURE_OPENAI/i,
  /^GEMINI_/i,
  /^GOOGLE_API/i,
  /^MISTRAL_/i,
  /^GROQ_/i,
  /^OPENROUTER_/i,
  /^SSH_AUTH_SOCK$/i,
  /^GPG_AGENT_INFO$/i,
  /^npm_config_.*_auth/i,
];

/** The host's own plumbing: not secret, but it would point the command at the user's repository or editor. */
const HOST_PLUMBING: RegExp[] = [
  /^GIT_(DIR|WORK_TREE|INDEX_FILE|COMMON_DIR|OBJECT_DIRECTORY|ALTERNATE_OBJECT_DIRECTORIES|PREFIX|NAMESPACE|CONFIG.*)$/,
  /^VSCODE_/,
  /^ELECTRON_RUN_AS_NODE$/,
  /^NODE_TEST_CONTEXT$/,
  /^(HOME|TMPDIR|SHELL|USER|LOGNAME|XDG_RUNTIME_DIR|DBUS_SESSION_BUS_ADDRESS|DISPLAY|WAYLAND_DISPLAY)$/,
];

/** Values shaped like provider keys are treated as secret whatever their name. */
const KEY_SHAPED_VALUE = /^\s*(sk-[A-Za-z0-9_-]{16,}|sk-ant-[A-Za-z0-9_-]{8,})\s*$/;

/** True when `name` holds a credential: the patterns above, or one of `extra` (a policy's apiKeyEnv names). */
export function isSecretEnvName(name: string, extra: Iterable<string> = []): boolean {
  if (ALWAYS_PASSED.has(name) || isLocale(name)) return false;
  for (const s of extra) if (s === name) return true;
  return SECRET_PATTERNS.some((re) => re.test(name));
}

export interface SandboxEnvOptions {
  /** The scratch HOME. */
  home: string;
  /** The command's TMPDIR. */
  tmpDir: string;
  /** More names to pass (the policy's `verify.env`, approved by the user). */
  pass?: Iterable<string>;
  /** More names that are credentials (the policy's apiKeyEnv names), never passed, always masked. */
  secretNames?: Iterable<string>;
}

export interface SandboxEnv {
  env: Record<string, string>;
  /** Sorted names of the host's variables that were not passed. */
  withheld: string[];
  /** Sorted names the caller asked to pass that were refused (credentials or host plumbing). */
  refused: string[];
  /** Values to mask in output: those of credential-looking and key-shaped variables. */
  secretValues: string[];
}

export function buildSandboxEnv(parent: NodeJS.ProcessEnv, opts: SandboxEnvOptions): SandboxEnv {
  const secretNames = [...(opts.secretNames ?? [])];
  const asked = new Set(opts.pass ?? []);
  const refused = [...asked].filter((n) => isSecretEnvName(n, secretNames) || HOST_PLUMBING.some((re) => re.test(n)));
  const env: Record<string, string> = {};
  const withheld: string[] = [];
  const secretValues: string[] = [];
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined) continue;
    const secret = isSecretEnvName(name, secretNames) || KEY_SHAPED_VALUE.test(value);
    if (secret && value.length >= 4) secretValues.push(value);
    const passes = ALWAYS_PASSED.has(name) || isLocale(name) || (asked.has(name) && !refused.includes(name));
    if (passes && !(secret && !ALWAYS_PASSED.has(name))) env[name] = value;
    else withheld.push(name);
  }
  Object.assign(env, { HOME: opts.home, TMPDIR: opts.tmpDir, SHELL: '/bin/sh' });
  return { env, withheld: withheld.sort(), refused: refused.sort(), secretValues };
}
