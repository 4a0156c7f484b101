// The built-in policy: the bottom layer, under user settings and the workspace file.
// Two vendors per stage at least, so a cross-vendor reviewer exists whichever key the user has.
// Model names and prices are a starting point the user is expected to adjust; prices are USD per
// million tokens as published by the vendors when this table was written (approximate).
import type { RoutingPolicyInput } from './policySchema';

export const DEFAULT_POLICY: RoutingPolicyInput = {
  version: 1,
  models: [
    {
      id: 'gpt-5',
      provider: 'openai',
      model: 'gpt-5',
      vendor: 'openai',
      apiKeyEnv: 'OPENAI_API_KEY',
      price: { inputPerMTok: 1.25, outputPerMTok: 10 },
      capabilities: ['tools', 'structured-output', 'reasoning', 'long-context'],
      tier: 'strong',
    },
    {
      id: 'gpt-5-mini',
      provider: 'openai',
      model: 'gpt-5-mini',
      vendor: 'openai',
      apiKeyEnv: 'OPENAI_API_KEY',
      price: { inputPerMTok: 0.25, outputPerMTok: 2 },
      capabilities: ['tools', 'structured-output', 'long-context'],
      tier: 'cheap',
    },
    {
      id: 'claude-opus',
      provider: 'anthropic',
      model: 'claude-opus-4-5',
      vendor: 'anthropic',
      apiKeyEnv: 'ANTHROPIC_API_KEY',
      price: { inputPerMTok: 5, outputPerMTok: 25 },
      capabilities: ['tools', 'reasoning', 'long-context'],
      tier: 'strong',
    },
    {
      id: 'claude-sonnet',
      provider: 'anthropic',
      model: 'claude-sonnet-4-6',
      vendor: 'anthropic',
      apiKeyEnv: 'ANTHROPIC_API_KEY',
      price: { inputPerMTok: 3, outputPerMTok: 15 },
      capabilities: ['tools', 'reasoning', 'long-context'],
      tier: 'standard',
    },
    {
      id: 'claude-haiku',
      provider: 'anthropic',
      model: 'claude-haiku-4-5',
      vendor: 'anthropic',
      apiKeyEnv: 'ANTHROPIC_API_KEY',
      price: { inputPerMTok: 1, outputPerMTok: 5 },
      capabilities: ['tools', 'long-context'],
      tier: 'cheap',
    },
    {
      id: 'gemini-pro',
      provider: 'openai-compatible',
      model: 'gemini-2.5-pro',
      vendor: 'google',
      baseUrl: 'https://generativelanguage.googleapis.com/v1beta/openai/',
      apiKeyEnv: 'GEMINI_API_KEY',
      price: { inputPerMTok: 1.25, outputPerMTok: 10 },
      capabilities: ['tools', 'structured-output', 'reasoning', 'long-context'],
      tier: 'strong',
    },
  ],
  stages: {
    scout: ['claude-haiku', 'gpt-5-mini'],
    architect: ['gpt-5', 'claude-opus', 'gemini-pro'],
    implementer: ['claude-sonnet', 'gpt-5', 'gemini-pro'],
    critic: ['gpt-5', 'claude-sonnet', 'gemini-pro'],
    finalOwner: ['claude-opus', 'gpt-5', 'gemini-pro'],
  },
};
