// The learned half of the local classifier: three small logistic-regression heads (kind, risk,
// needs-a-plan; the kind head's weights carry a small naive-Bayes term, scripts/trainClassifier.ts's
// TRAINING.nbKind, and stay one linear model) over the sparse features of textFeatures.ts, trained by
// `npm run train:classifier` (scripts/trainClassifier.ts) from the labelled real tasks in
// test/fixtures/routing/train.jsonl and dev.jsonl and shipped as JSON beside this file. Scoring is a few hundred
// additions; the "why" of a call is the features that pushed the chosen class most.
import { z } from 'zod';
import { RiskSchema, TaskKindSchema, type Risk, type TaskKind } from '../config/policySchema';
import weightsJson from './classifierWeights.json';

/**
 * The shipped file: feature weights as whole numbers of thousandths (`scale`), the biases as they
 * are. Integers keep the file small (2 bytes a weight fewer than "0.123") so more of the vocabulary
 * fits under the 200 KB the bundle allows for it; the model reads them back as the same 3-decimal
 * numbers training rounded to.
 */
export const WEIGHTS_SCALE = 1000;

export interface ModelWeights {
  trainedOn: string;
  kinds: TaskKind[];
  risks: Risk[];
  bias: { kind: number[]; risk: number[]; plan: number };
  /** feature id → [7 kind weights, 3 risk weights, 1 plan weight]. */
  features: Record<string, number[]>;
}

const HeaderSchema = z.object({
  version: z.literal(2),
  scale: z.literal(WEIGHTS_SCALE),
  trainedOn: z.string(),
  kinds: z.array(TaskKindSchema).length(7),
  risks: z.array(RiskSchema).length(3),
  bias: z.object({ kind: z.array(z.number()).length(7), risk: z.array(z.number()).length(3), plan: z.number() }),
  features: z.custom<object>(
    (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
    'features must be an object',
  ),
});

/** The file form of trained weights (what `npm run train:classifier` writes). */
export function weightsFile(w: ModelWeights): string {
  const features: Record<string, number[]> = {};
  for (const [id, row] of Object.entries(w.features)) features[id] = row.map((x) => Math.round(x * WEIGHTS_SCALE) || 0);
  const { trainedOn, kinds, risks, bias } = w;
  return JSON.stringify({ version: 2, scale: WEIGHTS_SCALE, trainedOn, kinds, risks, bias, features }) + '\n';
}

/**
 * Validates a weights file: zod for the header, a plain loop for the ~2,000 feature rows (zod over
 * all of them took ~90 ms on first use, a stall in the extension host's event loop).
 */
export function parseWeights(json: unknown, where: string): ModelWeights {
  const header = HeaderSchema.safeParse(json);
  const problem = header.success
    ? Object.entries(header.data.features as Record<string, unknown>).find(
        ([, row]) => !Array.isArray(row) || row.length !== 11 || !row.every((x) => Number.isInteger(x)),
      )
    : undefined;
  if (!header.success || problem)
    throw new Error(
      `${where} is not a valid classifier model (${header.success ? `feature "${problem![0]}" is not 11 whole numbers` : header.error.issues[0]?.message}); run npm run train:classifier`,
    );
  const { trainedOn, kinds, risks, bias } = header.data;
  const features: Record<string, number[]> = {};
  for (const [id, row] of Object.entries(header.data.features as Record<string, number[]>))
    features[id] = row.map((x) => x / WEIGHTS_SCALE);
  return { trainedOn, kinds, risks, bias, features };
}

export interface HeadScore<C extends string> {
  /** Classes with their probability, most likely first. */
  ranked: Array<{ label: C; p: number }>;
  /** Per class, the logit contribution of each feature present (for the "why"). */
  contributions: (label: C) => Array<{ id: string; weight: number }>;
}

export interface ModelScore {
  kind: HeadScore<TaskKind>;
  risk: HeadScore<Risk>;
  /** Probability that an architect should plan first. */
  plan: number;
}

let cached: ModelWeights | undefined;
/** The shipped weights, validated once on first use (a broken file fails loudly, naming itself). */
export function shippedWeights(): ModelWeights {
  if (!cached) {
    cached = parseWeights(weightsJson, 'src/core/routing/classifierWeights.json');
  }
  return cached;
}

function softmax(logits: number[]): number[] {
  const max = Math.max(...logits);
  const exps = logits.map((l) => Math.exp(l - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

function head<C extends string>(
  labels: readonly C[],
  bias: readonly number[],
  rows: Array<[string, number[]]>,
  offset: number,
  boost: Partial<Record<C, number>>,
): HeadScore<C> {
  const logits = labels.map((c, i) => bias[i]! + (boost[c] ?? 0));
  for (const [, row] of rows) for (let i = 0; i < labels.length; i++) logits[i]! += row[offset + i]!;
  const p = softmax(logits);
  const ranked = labels.map((label, i) => ({ label, p: p[i]! })).sort((a, b) => b.p - a.p);
  return {
    ranked,
    contributions: (label) => {
      const i = labels.indexOf(label);
      // What a feature adds to this class over the average class: the part that chose it.
      return rows.map(([id, row]) => {
        let mean = 0;
        for (let j = 0; j < labels.length; j++) mean += row[offset + j]!;
        return { id, weight: row[offset + i]! - mean / labels.length };
      });
    },
  };
}

/** Scores feature ids; `boost` adds log-odds from outside the text (error diagnostics → bugfix). */
export function scoreFeatures(
  ids: readonly string[],
  boost: Partial<Record<TaskKind, number>> = {},
  weights: ModelWeights = shippedWeights(),
): ModelScore {
  const rows: Array<[string, number[]]> = [];
  for (const id of ids) {
    const row = weights.features[id];
    if (row) rows.push([id, row]);
  }
  let plan = weights.bias.plan;
  for (const [, row] of rows) plan += row[10]!;
  return {
    kind: head(weights.kinds, weights.bias.kind, rows, 0, boost),
    risk: head(weights.risks, weights.bias.risk, rows, 7, {}),
    plan: 1 / (1 + Math.exp(-plan)),
  };
}
