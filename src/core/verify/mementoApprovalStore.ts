// An ApprovalStore over anything shaped like VS Code's Memento (workspaceState / globalState),
// typed structurally so core stays vscode-free: the extension passes `context.workspaceState`.
// Hashes only, like the file store, capped so a long-lived workspace cannot grow it without end.
import { StorageKeys } from '../config/settingsKeys';
import type { ApprovalStore } from './verifyApproval';

export interface MementoLike {
  get<T>(key: string, defaultValue: T): T;
  update(key: string, value: unknown): PromiseLike<void>;
}

/** The one key approvals are remembered under (the extension always used it; none is asked again). */
export const APPROVALS_STATE_KEY = StorageKeys.verifyApprovals;
const MAX_REMEMBERED = 200;

export function mementoApprovalStore(memento: MementoLike, key = APPROVALS_STATE_KEY): ApprovalStore {
  const read = (): string[] => {
    const v = memento.get<unknown>(key, []);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  };
  return {
    has: (hash) => read().includes(hash),
    add: async (hash) => {
      const current = read().filter((h) => h !== hash);
      // Newest last; the oldest approvals are the ones forgotten (they are asked again, nothing worse).
      await memento.update(key, [...current, hash].slice(-MAX_REMEMBERED));
    },
  };
}
