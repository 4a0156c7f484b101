// How a call is reported: the model's confidence in the chosen class, its runner-up and the
// features that pushed most toward it (the "why" in the panel and in `switchyard explain`).
import type { Call, WeighedFeature } from './classificationSchema';
import type { HeadScore } from './classifierModel';
import { featureLabel, isStopWord, type TaskFeatures } from './textFeatures';

/**
 * Below this probability a call is reported as uncertain (and a configured model may refine it).
 * The kind's bar sits higher since its head carries a naive-Bayes term, which makes it surer:
 * at 0.65 about as many calls are flagged, and as many of its mistakes among them, as at 0.55
 * before (cross-validation by repository over train+dev: 656 of 2,309 calls flagged, holding 239
 * of the 367 wrong kinds; before, 668 holding 240 of 376).
 */
export const CONFIDENT = { kind: 0.65, risk: 0.55 } as const;
const TOP_FEATURES = 4;

/** Word features a person learns nothing from ("the", "is"), and a title word already shown as a word. */
function worthShowing(id: string, surface: Map<string, string>, shown: Set<string>): boolean {
  const words = surface.get(id) ?? '';
  if ((id.startsWith('w:') || id.startsWith('t:')) && isStopWord(words)) return false;
  const key = words || id;
  if (shown.has(key)) return false;
  shown.add(key);
  return true;
}

export const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** A call: the model's confidence in `chosen`, its runner-up and the features that pushed most. */
export function callOf<C extends string>(
  head: keyof typeof CONFIDENT,
  score: HeadScore<C>,
  chosen: C,
  f: TaskFeatures,
  rule?: string,
): Call {
  const chosenP = score.ranked.find((r) => r.label === chosen)?.p ?? 0;
  const runnerUp = score.ranked.find((r) => r.label !== chosen);
  const shown = new Set<string>();
  const features: WeighedFeature[] = score
    .contributions(chosen)
    .filter((c) => c.weight > 0.05)
    .sort((a, b) => b.weight - a.weight || (a.id < b.id ? -1 : 1))
    .filter((c) => worthShowing(c.id, f.surface, shown))
    .slice(0, TOP_FEATURES)
    .map((c) => ({
      id: c.id,
      label: featureLabel(c.id, f.surface.get(c.id)),
      weight: Math.round(c.weight * 100) / 100,
    }));
  return {
    confidence: round3(chosenP),
    // A rule's call is not the model's guess: it is as sure as the rule.
    uncertain: !rule && chosenP < CONFIDENT[head],
    runnerUp: runnerUp && { label: runnerUp.label, p: round3(runnerUp.p) },
    features,
    rule,
  };
}
