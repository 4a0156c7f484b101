// "Switchyard: Set API key": picks a key name (those the policy's models use, or another), asks
// for the key in a password box and stores it in SecretStorage. The key is never echoed, logged,
// written to settings or sent to the webview. An empty entry removes the stored key.
import * as vscode from 'vscode';
import { keyEnvFor } from '../../core/providers/keys';
import type { Services } from '../services';

const OTHER = 'Another key name…';

export async function setApiKey(svc: Services, args: unknown[]): Promise<boolean> {
  await svc.policy.ready();
  let name = typeof args[0] === 'string' ? args[0] : undefined;
  if (!name) {
    const used = new Map<string, string[]>();
    for (const m of svc.policy.policy.models) {
      const n = keyEnvFor(m);
      if (n) used.set(n, [...(used.get(n) ?? []), m.id]);
    }
    const items: vscode.QuickPickItem[] = [];
    for (const [n, models] of used) {
      items.push({
        label: n,
        description: (await svc.keys.has(n)) ? 'stored' : 'not set',
        detail: `used by ${models.join(', ')}`,
      });
    }
    items.push({ label: OTHER });
    const pick = await vscode.window.showQuickPick(items, {
      title: 'Switchyard: Set API key',
      placeHolder: 'Which key?',
    });
    if (!pick) return false;
    name = pick.label;
    if (name === OTHER) {
      name = await vscode.window.showInputBox({
        title: 'Switchyard: key name',
        prompt: "The name the policy uses for this key (a model's apiKeyEnv), e.g. OPENROUTER_API_KEY",
        validateInput: (v) =>
          /^[A-Z_][A-Z0-9_]*$/.test(v) ? undefined : 'Use capitals, digits and _ (like an environment variable).',
      });
      if (!name) return false;
    }
  }
  if (!/^[A-Z_][A-Z0-9_]*$/.test(name))
    throw new Error(`"${name}" is not a key name; use capitals, digits and _ (like OPENAI_API_KEY).`);
  const value =
    typeof args[1] === 'string'
      ? args[1]
      : await vscode.window.showInputBox({
          title: `Switchyard: ${name}`,
          prompt: `Paste the key for ${name}. It is kept in VS Code's secret storage, never in settings. Leave empty to remove it.`,
          password: true,
          ignoreFocusOut: true,
        });
  if (value === undefined) return false;
  if (value.trim() === '') {
    await svc.keys.delete(name);
    void vscode.window.showInformationMessage(`Switchyard: removed the stored ${name}.`);
  } else {
    await svc.keys.store(name, value);
    void vscode.window.showInformationMessage(`Switchyard: stored ${name} in secret storage.`);
  }
  await svc.refreshStatus();
  return true;
}
