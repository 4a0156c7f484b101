// The retry and timeout knobs the retry layer reads, typed from the policy schema so the
// policy's `rules.retry` and `rules.timeouts` can be passed straight in.
import type { z } from 'zod';
import type { RetrySchema, TimeoutsSchema } from '../config/policySchema';

export type RetryOptions = z.infer<typeof RetrySchema>;
/** totalSeconds bounds one model's whole effort, retries and waits included. */
export type TimeoutOptions = Omit<z.infer<typeof TimeoutsSchema>, 'totalSeconds'> & { totalSeconds?: number };
