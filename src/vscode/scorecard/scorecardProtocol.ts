// Messages from the scorecard view and the routing-review panel to the host, checked with zod on
// arrival: anything that does not fit is dropped. The host only sends whole HTML (re-rendered on
// each change), so there is no host → webview message to declare.
import { z } from 'zod';
import { ScorecardFilterSchema } from '../../core/bench/scorecardFilters';

export const ScorecardMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('filter'), filter: ScorecardFilterSchema }),
  z.object({ type: z.literal('refresh') }),
  z.object({ type: z.literal('markBenchmark') }),
  z.object({ type: z.literal('reviewRouting') }),
]);
export type ScorecardMessage = z.infer<typeof ScorecardMessageSchema>;

export const ReviewPanelMessageSchema = z.discriminatedUnion('type', [z.object({ type: z.literal('accept') })]);
export type ReviewPanelMessage = z.infer<typeof ReviewPanelMessageSchema>;
