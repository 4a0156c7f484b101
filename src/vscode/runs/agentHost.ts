// Coding agents in the extension: an agent's key comes from SecretStorage under the same
// destination rules as a chat model's, and its SDK from the folder the user named in their own
// settings (a workspace cannot point Switchyard at code to load) or, failing that, from where Node
// finds it next to Switchyard.
import * as vscode from 'vscode';
import type { AgentHost } from '../../core/agents/agentTypes';
import type { ParkedSessions } from '../../core/agents/parkedSessions';
import type { KeySource } from '../../core/providers/keys';
import { SETTINGS_SECTION, SettingKeys } from '../../core/config/settingsKeys';

export function agentHost(keys: KeySource, usedKeys: Set<string>, parked?: ParkedSessions): AgentHost {
  const setting = vscode.workspace.getConfiguration(SETTINGS_SECTION).inspect<string>(SettingKeys.agentSdkDir);
  const dir = setting?.globalValue?.trim() || process.env['SWITCHYARD_AGENT_SDK_DIR']?.trim() || undefined;
  return {
    credentials: async (spec) => {
      const apiKey = await keys.get(spec);
      if (apiKey) usedKeys.add(apiKey);
      return { apiKey, baseUrl: spec.baseUrl, withheld: keys.withheld?.(spec) };
    },
    claudeSdkDir: dir,
    codexSdkDir: dir,
    parked,
  };
}
