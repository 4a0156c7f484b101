// Builds a ready-to-call Provider from one policy ModelSpec and its key. Each provider file builds
// itself from its own config; this only picks which one. vscode-lm models live in the extension
// (src/vscode), which passes its own factory in, because core must not import 'vscode'.
import type { ModelSpec } from '../config/policySchema';
import { createAnthropicProvider } from './anthropicProvider';
import { keyEnvFor } from './keys';
import { createOpenAIProvider } from './openaiProvider';
import { sameOriginFetch } from './sameOriginFetch';
import { ProviderError, type Provider } from './types';

export interface CreateProviderOptions {
  apiKey?: string;
  /** Replaces the global fetch (tests, proxies). */
  fetch?: typeof fetch;
  /** Overrides spec.baseUrl (the CLI passes envBaseUrl(spec)). */
  baseUrl?: string;
  /** Tells the user where to set the key, in auth errors. Defaults to the model's environment variable. */
  keyHint?: string;
  /** Builds vscode-lm models; supplied by the extension host. */
  vscodeLm?: (spec: ModelSpec) => Provider;
}

export function createProvider(spec: ModelSpec, opts: CreateProviderOptions = {}): Provider {
  const baseUrl = opts.baseUrl ?? spec.baseUrl;
  const keyEnv = keyEnvFor(spec);
  const keyHint =
    opts.keyHint ?? (keyEnv ? `environment variable ${keyEnv}, or "Switchyard: Set API Key" in VS Code` : undefined);
  const common = {
    modelId: spec.id,
    vendor: spec.vendor,
    model: spec.model,
    baseUrl,
    apiKey: opts.apiKey,
    keyHint,
    maxOutputTokens: spec.maxOutputTokens,
    fetch: sameOriginFetch(opts.fetch),
  };
  switch (spec.provider) {
    case 'openai':
      return createOpenAIProvider({ ...common, flavour: 'openai' });
    case 'openai-compatible':
      return createOpenAIProvider({ ...common, flavour: 'openai-compatible' });
    case 'anthropic':
      return createAnthropicProvider(common);
    case 'claude-agent':
    case 'codex-agent':
      throw new ProviderError(
        'bad-request',
        `Model "${spec.id}" is a coding agent (${spec.provider}): it implements through its own SDK in a scratch copy and cannot answer as a chat model.`,
        spec.id,
      );
    case 'vscode-lm':
      if (opts.vscodeLm) return opts.vscodeLm(spec);
      throw new ProviderError(
        'bad-request',
        `Model "${spec.id}" uses VS Code's language models, which only the extension can call (not the CLI). Route this stage to an API model when running outside VS Code.`,
        spec.id,
      );
  }
}
