// Which models can be called right now, and why not when they cannot: an API model needs its key
// in SecretStorage (local OpenAI-compatible servers need none), a vscode-lm model needs VS Code to
// offer it. Computed ahead of `decide()`, which wants a synchronous answer.
import * as vscode from 'vscode';
import type { ModelSpec, RoutingPolicy, Stage } from '../../core/config/policySchema';
import { STAGES } from '../../core/config/stages';
import { keyEnvFor, keyEnvNames } from '../../core/providers/keys';
import type { ApiKeys, KeyPolicyView } from './apiKeys';

export interface Readiness {
  /** model id → undefined when ready, else why not. */
  reasons: Map<string, string | undefined>;
  /** Stages whose chain has at least one ready model. */
  readyStages: Stage[];
  /** Stages with a chain in the policy. */
  configuredStages: Stage[];
}

async function lmOffers(spec: ModelSpec): Promise<boolean> {
  try {
    if ((await vscode.lm.selectChatModels({ id: spec.model })).length) return true;
    return (await vscode.lm.selectChatModels({ family: spec.model })).length > 0;
  } catch {
    return false;
  }
}

export async function computeReadiness(
  policy: RoutingPolicy,
  keys: ApiKeys,
  keyPolicy?: KeyPolicyView,
): Promise<Readiness> {
  const withheld = keyPolicy ? keys.keySource(keyPolicy).withheld : undefined;
  const reasons = new Map<string, string | undefined>();
  const names = keyEnvNames(policy.models);
  const present = await keys.present(names);
  for (const m of policy.models) {
    if (m.provider === 'vscode-lm') {
      reasons.set(m.id, (await lmOffers(m)) ? undefined : `VS Code offers no language model "${m.model}"`);
      continue;
    }
    const name = keyEnvFor(m);
    if (!name) {
      reasons.set(
        m.id,
        m.provider === 'openai-compatible' ? undefined : `no key name for ${m.id}; set apiKeyEnv in the policy`,
      );
    } else {
      // Says which key; where to set it is said once by whoever shows this (a "Set API key" button).
      reasons.set(m.id, present.has(name) ? withheld?.(m) : `no ${name} stored`);
    }
  }
  const configuredStages = STAGES.filter((s) => policy.stages[s].length > 0);
  const readyStages = configuredStages.filter((s) =>
    policy.stages[s].some((id) => reasons.has(id) && reasons.get(id) === undefined),
  );
  return { reasons, readyStages, configuredStages };
}
