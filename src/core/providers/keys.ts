// Where API keys and base URL overrides come from. The extension implements KeySource over
// SecretStorage; the CLI and tests use envKeySource over process.env. Keys are looked up per model
// at call time and never stored on anything that gets logged or recorded.
import type { ModelSpec } from '../config/policySchema';

export interface KeySource {
  /** The key for this model, or undefined when none is configured (local servers need none). */
  get(spec: ModelSpec): Promise<string | undefined>;
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

/** Keys from environment variables: the model's apiKeyEnv, else the usual variable for its provider. */
export function envKeySource(env: Env = process.env): KeySource {
  return {
    async get(spec) {
      const name = keyEnvFor(spec);
      const value = name ? env[name]?.trim() : undefined;
      return value ? value : undefined;
    },
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
