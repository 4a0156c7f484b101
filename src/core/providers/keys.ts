// Where API keys and base URL overrides come from. The extension implements KeySource over
// SecretStorage; the CLI and tests use envKeySource over process.env. Keys are looked up per model
// at call time and never stored on anything that gets logged or recorded.
import { isIPv4 } from 'node:net';
import type { ModelSpec } from '../config/policySchema';

export interface KeySource {
  /** The key for this model, or undefined when none is configured (local servers need none). */
  get(spec: ModelSpec): Promise<string | undefined>;
  /** Why a key that exists is withheld from this model, if it is (shown instead of "no API key"). */
  withheld?(spec: ModelSpec): string | undefined;
}

type Env = Record<string, string | undefined>;

/** Well-known gateways by host, so an openai-compatible model finds its usual variable. */
const GATEWAY_KEY_ENV: Array<[RegExp, string]> = [
  [/(^|\.)openrouter\.ai$/, 'OPENROUTER_API_KEY'],
  [/(^|\.)groq\.com$/, 'GROQ_API_KEY'],
  [/(^|\.)together\.(ai|xyz)$/, 'TOGETHER_API_KEY'],
  [/(^|\.)deepseek\.com$/, 'DEEPSEEK_API_KEY'],
  [/(^|\.)mistral\.ai$/, 'MISTRAL_API_KEY'],
  [/(^|\.)x\.ai$/, 'XAI_API_KEY'],
  [/(^|\.)fireworks\.ai$/, 'FIREWORKS_API_KEY'],
  [/(^|\.)googleapis\.com$/, 'GEMINI_API_KEY'],
  [/(^|\.)openai\.com$/, 'OPENAI_API_KEY'],
  [/(^|\.)anthropic\.com$/, 'ANTHROPIC_API_KEY'],
];

/** The environment variable that holds this model's key, if there is a sensible one. */
export function keyEnvFor(spec: Pick<ModelSpec, 'provider' | 'baseUrl' | 'apiKeyEnv'>): string | undefined {
  if (spec.apiKeyEnv) return spec.apiKeyEnv;
  if (spec.provider === 'openai' || spec.provider === 'codex-agent') return 'OPENAI_API_KEY';
  if (spec.provider === 'anthropic' || spec.provider === 'claude-agent') return 'ANTHROPIC_API_KEY';
  if (spec.provider === 'openai-compatible' && spec.baseUrl) {
    let host = '';
    try {
      host = new URL(spec.baseUrl).hostname;
    } catch {
      return undefined;
    }
    return GATEWAY_KEY_ENV.find(([re]) => re.test(host))?.[1];
  }
  return undefined;
}

type KeyNamed = Pick<ModelSpec, 'provider' | 'baseUrl' | 'apiKeyEnv'>;

/**
 * The key variables a policy's models use (keyEnvFor of each, each once): what a verify command's
 * sandbox masks by name, what readiness looks up, and whose values output and records never show.
 */
export function keyEnvNames(models: Iterable<KeyNamed>): string[] {
  const names = new Set<string>();
  for (const m of models) {
    const name = keyEnvFor(m);
    if (name) names.add(name);
  }
  return [...names];
}

/** The values of those variables in `env` (set ones only). */
export function keyEnvValues(models: Iterable<KeyNamed>, env: Env): string[] {
  return keyEnvNames(models).flatMap((name) => (env[name] ? [env[name]] : []));
}

/** Where each well-known key may go: the vendor's own hosts (a policy cannot redirect it elsewhere). */
const KEY_HOME: Record<string, RegExp> = Object.fromEntries(GATEWAY_KEY_ENV.map(([host, name]) => [name, host]));

/** Variables a policy may never name as a model key: they unlock other systems than model APIs. */
const NEVER_A_MODEL_KEY =
  /^(AWS_|AZURE_|GCP_|GOOGLE_APPLICATION_|GITHUB_|GH_|GITLAB_|NPM_|NODE_AUTH_|SSH_|GPG_|DOCKER_|KUBE|VAULT_|CI_|ACTIONS_)/;

/**
 * Loopback by address, never by a name's prefix: `127.evil.test` and `127.0.0.1.nip.io` are names
 * anyone can point anywhere. Takes a URL's hostname (the WHATWG parser has already turned numeric
 * spellings such as `127.1` or `0x7f.1` into dotted IPv4).
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === '::1') return true;
  return isIPv4(h) && h.startsWith('127.');
}

/** Names the user chose to send to endpoints a policy names: `SWITCHYARD_KEY_ENV_ALLOW` (comma-separated). */
export function allowedKeyEnvNames(env: Env): Set<string> {
  return new Set(
    (env['SWITCHYARD_KEY_ENV_ALLOW'] ?? '')
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean),
  );
}

export interface KeyRuleOptions {
  /** Key variable names the user configured themselves (their settings' models, or SWITCHYARD_KEY_ENV_ALLOW). */
  userNames?: Iterable<string>;
  /** Where the call really goes when the policy names no baseUrl (the CLI's OPENAI_BASE_URL / ANTHROPIC_BASE_URL). */
  envBaseUrl?: string;
}

/**
 * Whether the key in variable `name` may be sent to this model's endpoint. A routing policy comes
 * from a repository, and a hostile one could point a model at its own server and name a variable, so:
 * - variables that hold other systems' credentials are never model keys;
 * - a well-known key (OPENAI_API_KEY, ANTHROPIC_API_KEY, …) goes only to its vendor's hosts, to
 *   loopback, to a base URL that came from the environment rather than the policy, or to a host
 *   listed in SWITCHYARD_KEY_HOSTS — and never over plain http to a vendor host;
 * - any other variable is sent only when the user configured that name (their own settings, or
 *   SWITCHYARD_KEY_ENV_ALLOW) or it is a `SWITCHYARD_…_KEY` variable: a repository file must not
 *   choose which of the user's variables is sent where.
 * Returns the reason when withheld.
 */
export function keyWithheldReason(
  spec: Pick<ModelSpec, 'id' | 'provider' | 'baseUrl' | 'apiKeyEnv'>,
  name: string,
  env: Env = process.env,
  opts: KeyRuleOptions = {},
): string | undefined {
  if (NEVER_A_MODEL_KEY.test(name)) {
    return `${spec.id}: ${name} is not sent to models (it holds another system's credentials)`;
  }
  const destination = spec.baseUrl ?? opts.envBaseUrl;
  let url: URL | undefined;
  if (destination) {
    try {
      url = new URL(destination);
    } catch {
      return `${spec.id}: its baseUrl is not a valid URL, so ${name} is withheld`;
    }
  }
  const host = url?.hostname.toLowerCase();
  if (
    url &&
    host &&
    url.protocol !== 'https:' &&
    !isLoopbackHost(host) &&
    GATEWAY_KEY_ENV.some(([re]) => re.test(host))
  ) {
    return `${spec.id}: ${name} is not sent over plain http to ${host}; use https://${host}`;
  }
  const home = KEY_HOME[name];
  if (home) {
    if (!spec.baseUrl || !host) return undefined; // the SDK's own endpoint, or a base URL from the environment
    const allowed = (env['SWITCHYARD_KEY_HOSTS'] ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean);
    if (home.test(host) || isLoopbackHost(host) || allowed.includes(host)) return undefined;
    return `${spec.id}: ${name} is only sent to its vendor's hosts, not to ${host} named by the policy; give the model an apiKeyEnv of its own or list the host in SWITCHYARD_KEY_HOSTS`;
  }
  const userNames = new Set([...(opts.userNames ?? []), ...allowedKeyEnvNames(env)]);
  if (userNames.has(name) || /^SWITCHYARD_[A-Z0-9_]*KEY$/.test(name)) return undefined;
  return `${spec.id}: ${name} is not sent: a repository's policy cannot choose which of your variables goes to a model. If it is a model key, list it in SWITCHYARD_KEY_ENV_ALLOW (or your user settings' models), or name it SWITCHYARD_…_KEY`;
}

/** Keys from environment variables: the model's apiKeyEnv, else the usual variable for its provider. */
export function envKeySource(env: Env = process.env): KeySource {
  const withheld = (spec: ModelSpec): string | undefined => {
    const name = keyEnvFor(spec);
    return name && env[name]?.trim()
      ? keyWithheldReason(spec, name, env, { envBaseUrl: envBaseUrl(spec, env) })
      : undefined;
  };
  return {
    async get(spec) {
      const name = keyEnvFor(spec);
      const value = name ? env[name]?.trim() : undefined;
      if (!value || withheld(spec)) return undefined;
      return value;
    },
    withheld,
  };
}

/**
 * Base URL overrides for the CLI: OPENAI_BASE_URL for provider "openai", ANTHROPIC_BASE_URL for
 * "anthropic". A model's own baseUrl in the policy wins. The extension does not use these.
 */
export function envBaseUrl(spec: Pick<ModelSpec, 'provider' | 'baseUrl'>, env: Env = process.env): string | undefined {
  if (spec.baseUrl) return spec.baseUrl;
  if (spec.provider === 'openai' || spec.provider === 'codex-agent') return env['OPENAI_BASE_URL']?.trim() || undefined;
  if (spec.provider === 'anthropic' || spec.provider === 'claude-agent')
    return env['ANTHROPIC_BASE_URL']?.trim() || undefined;
  return undefined;
}
