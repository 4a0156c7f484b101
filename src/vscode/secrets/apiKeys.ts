// API keys in VS Code's SecretStorage, one secret per key name (OPENAI_API_KEY, …). Keys are read
// only when a model is about to be called, never logged, never put in settings or sent to the
// webview. In an untrusted workspace no key goes to a base URL that a workspace file chose; the
// policy loader already drops the workspace file there, and this checks again at the last step.
// Where a key may go is core's rule (keyWithheldReason), the same as the CLI's: a well-known key only
// to its vendor's hosts (never over plain http), any other name only when the user's own settings
// configure it or it is a SWITCHYARD_…_KEY name — a repository's policy cannot pick a stored key.
import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import type { PolicyProvenance } from '../../core/config/loadPolicy';
import type { ModelSpec } from '../../core/config/policySchema';
import { keyNameOfSecret, secretKeyFor } from '../../core/config/settingsKeys';
import { keyEnvFor, keyWithheldReason, type KeySource } from '../../core/providers/keys';

export class ApiKeys extends Disposable {
  private readonly changed = this._register(new vscode.EventEmitter<string>());
  /** Fires with the key name (e.g. OPENAI_API_KEY) when one of Switchyard's stored keys changes. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly secrets: vscode.SecretStorage) {
    super();
    this._register(
      secrets.onDidChange((e) => {
        const name = keyNameOfSecret(e.key);
        if (name !== undefined) this.changed.fire(name);
      }),
    );
  }

  async has(keyName: string): Promise<boolean> {
    return Boolean(await this.secrets.get(secretKeyFor(keyName)));
  }

  /** A stored secret by name, for the few that are not a model's key (the OTLP headers). */
  async value(keyName: string): Promise<string | undefined> {
    return (await this.secrets.get(secretKeyFor(keyName))) || undefined;
  }

  async store(keyName: string, value: string): Promise<void> {
    await this.secrets.store(secretKeyFor(keyName), value.trim());
  }

  async delete(keyName: string): Promise<void> {
    await this.secrets.delete(secretKeyFor(keyName));
  }

  /** Which key names, of those given, have a stored key (for availability, without keeping keys around). */
  async present(keyNames: Iterable<string>): Promise<Set<string>> {
    const out = new Set<string>();
    for (const name of new Set(keyNames)) if (await this.has(name)) out.add(name);
    return out;
  }

  /**
   * A KeySource for the pipeline. `policy.workspaceChoseUrl(url)` says whether this model's base URL
   * came from a workspace file (when the workspace is untrusted such a model gets no key);
   * `policy.provenance.userKeyEnvNames` are the key names the user's own settings configure.
   */
  keySource(policy: KeyPolicyView): KeySource {
    const withheld = (spec: ModelSpec): string | undefined => {
      const name = keyEnvFor(spec);
      return name ? keyWithheldReason(spec, name, {}, { userNames: policy.provenance.userKeyEnvNames }) : undefined;
    };
    return {
      get: async (spec) => {
        if (!policy.trusted && policy.workspaceChoseUrl(spec.baseUrl)) return undefined;
        const name = keyEnvFor(spec);
        if (!name || withheld(spec)) return undefined;
        return (await this.secrets.get(secretKeyFor(name))) || undefined;
      },
      withheld,
    };
  }
}

/** What the key rule needs to know about the policy in force (PolicyService provides it). */
export interface KeyPolicyView {
  readonly trusted: boolean;
  workspaceChoseUrl(baseUrl: string | undefined): boolean;
  readonly provenance: PolicyProvenance;
}
