// Where API keys and base URL overrides come from. The extension implements KeySource over
// SecretStorage; the CLI and tests use envKeySource over process.env. Keys are looked up per model
// at call time and never stored on anything that gets logged or recorded.
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
  if (spec.provider === 'openai') return 'OPENAI_API_KEY';
  if (spec.provider === 'anthropic') return 'ANTHROPIC_API_KEY';
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

/** Where each well-known key may go: the vendor's own hosts (a policy cannot redirect it elsewhere). */
const KEY_HOME: Record<string, RegExp> = Object.fromEntries(GATEWAY_KEY_ENV.map(([host, name]) => [name, host]));

/** Variables a policy may never name as a model key: they unlock other systems than model APIs. */
const NEVER_A_MODEL_KEY =
  /^(AWS_|AZURE_|GCP_|GOOGLE_APPLICATION_|GITHUB_|GH_|GITLAB_|NPM_|NODE_AUTH_|SSH_|GPG_|DOCKER_|KUBE|VAULT_|CI_|ACTIONS_)/;

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
}

/**
 * Whether the key in variable `name` may be sent to this model's endpoint. A routing policy comes
 * from a repository, and a hostile one could point a model at its own server and name a key
 * variable, so: a well-known key (OPENAI_API_KEY, ANTHROPIC_API_KEY, …) goes only to its vendor's
 * hosts, to loopback, to a base URL that came from the environment rather than the policy, or to a
 * host listed in SWITCHYARD_KEY_HOSTS; and variables that hold other systems' credentials are never
 * model keys. Returns the reason when withheld.
 */
export function keyWithheldReason(
  spec: Pick<ModelSpec, 'id' | 'provider' | 'baseUrl' | 'apiKeyEnv'>,
  name: string,
  env: Env = process.env,
): string | undefined {
  if (NEVER_A_MODEL_KEY.test(name) || !/KEY$/.test(name)) {
    return `${spec.id}: ${name} is not sent to models (apiKeyEnv must name a variable ending in KEY that holds a model API key)`;
  }
  const home = KEY_HOME[name];
  if (!home || !spec.baseUrl) return undefined; // the SDK's own endpoint, or an env base URL, or a variable of the model's own
  let host: string;
  try {
    host = new URL(spec.baseUrl).hostname;
  } catch {
    return `${spec.id}: its baseUrl is not a valid URL, so ${name} is withheld`;
  }
  const allowed = (env['SWITCHYARD_KEY_HOSTS'] ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  if (home.test(host) || isLoopback(host) || allowed.includes(host.toLowerCase())) return undefined;
  return `${spec.id}: ${name} is only sent to its vendor's hosts, not to ${host} named by the policy; give the model an apiKeyEnv of its own or list the host in SWITCHYARD_KEY_HOSTS`;
}

/** Keys from environment variables: the model's apiKeyEnv, else the usual variable for its provider. */
export function envKeySource(env: Env = process.env): KeySource {
  const withheld = (spec: ModelSpec): string | undefined => {
    const name = keyEnvFor(spec);
    return name && env[name]?.trim() ? keyWithheldReason(spec, name, env) : undefined;
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
  if (spec.provider === 'openai') return env['OPENAI_BASE_URL']?.trim() || undefined;
  if (spec.provider === 'anthropic') return env['ANTHROPIC_BASE_URL']?.trim() || undefined;
  return undefined;
}
