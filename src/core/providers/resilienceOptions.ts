// The retry and timeout knobs the retry layer reads, typed from the policy schema so the
// policy's `rules.retry` and `rules.timeouts` can be passed straight in.
import type { z } from 'zod';
import type { ModelSpec, RetrySchema, TimeoutsSchema } from '../config/policySchema';

export type RetryOptions = z.infer<typeof RetrySchema>;
/** totalSeconds bounds one model's whole effort, retries and waits included. */
export type TimeoutOptions = Omit<z.infer<typeof TimeoutsSchema>, 'totalSeconds'> & {
  totalSeconds?: number;
  /** Where a value was set, for the timeout message (default "rules.timeouts.<name>"). */
  setIn?: Partial<Record<TimeoutKey, string>>;
};
export type TimeoutKey = keyof z.infer<typeof TimeoutsSchema>;
const TIMEOUT_KEYS: readonly TimeoutKey[] = ['firstTokenSeconds', 'idleSeconds', 'totalSeconds'];

/** The policy's timeouts with a model's own ones on top, each remembering where it was set. */
export function timeoutsFor(rules: TimeoutOptions, spec: Pick<ModelSpec, 'id' | 'timeouts'>): TimeoutOptions {
  const own = spec.timeouts;
  if (!own) return rules;
  const merged: TimeoutOptions = { ...rules, setIn: { ...rules.setIn } };
  for (const key of TIMEOUT_KEYS) {
    const v = own[key];
    if (v === undefined) continue;
    merged[key] = v;
    merged.setIn![key] = `models "${spec.id}" timeouts.${key}`;
  }
  return merged;
}
