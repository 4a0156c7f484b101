// Which models can be called right now, resolved once before deciding (key lookups are async in the
// extension, decide() is sync). A missing key is a reason a person can act on, never the key itself.
import type { ModelSpec } from '../config/policySchema';
import { keyEnvFor, type KeySource } from '../providers/keys';
import type { ModelAvailability } from './decide';

export interface AvailabilityOptions {
  /** Why vscode-lm models cannot be used here (the CLI); undefined when the host can call them. */
  vscodeLmUnavailable?: string;
}

export async function resolveAvailability(
  models: readonly ModelSpec[],
  keys: KeySource,
  opts: AvailabilityOptions = {},
): Promise<ModelAvailability> {
  const reasons = new Map<string, string | undefined>();
  await Promise.all(
    models.map(async (spec) => {
      if (spec.provider === 'vscode-lm') {
        reasons.set(spec.id, opts.vscodeLmUnavailable);
        return;
      }
      const key = await keys.get(spec);
      if (key) return reasons.set(spec.id, undefined);
      const withheld = keys.withheld?.(spec);
      if (withheld) return reasons.set(spec.id, withheld);
      const env = keyEnvFor(spec);
      // An openai-compatible server with no known key variable is a local server (Ollama, LM Studio): no key needed.
      if (spec.provider === 'openai-compatible' && !spec.apiKeyEnv && !env) return reasons.set(spec.id, undefined);
      reasons.set(spec.id, env ? `no API key: ${env} is not set` : `no API key configured for ${spec.id}`);
    }),
  );
  return (spec) => (reasons.has(spec.id) ? reasons.get(spec.id) : `model ${spec.id} was not checked for a key`);
}
