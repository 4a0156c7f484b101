// The scorecard: per model and role, how often its work was accepted, how long it took, what it
// cost, and the cost per trusted change — the total cost of the runs whose diff was applied after
// an approving cross-vendor review, divided by how many there were.
import type { Stage } from '../config/policySchema';
import { STAGES } from '../config/stages';
import { isTrustedChange, type RunRecord } from './runRecordSchema';

export interface ScoreRow {
  modelId: string;
  role: Stage;
  /** Runs in which this model did at least one pass of this role. */
  runs: number;
  /** Of the runs that ended in a decision about a diff (applied, rejected, failed), the share applied. null when none did. */
  acceptanceRate: number | null;
  /** Median over runs of this model's time in this role. */
  medianMs: number;
  /** This model's own cost in this role, over all its runs. */
  costUsd: number;
  trustedChanges: number;
  /** Whole-run cost of its trusted runs / their number; null when it has none. */
  costPerTrustedChange: number | null;
}

export interface Scorecard {
  rows: ScoreRow[];
  overall: {
    runs: number;
    applied: number;
    trustedChanges: number;
    costUsd: number;
    costPerTrustedChange: number | null;
  };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function scorecard(records: readonly RunRecord[]): Scorecard {
  interface Acc {
    runs: number;
    decided: number;
    applied: number;
    times: number[];
    cost: number;
    trusted: number;
    trustedCost: number;
  }
  const acc = new Map<string, Acc & { modelId: string; role: Stage }>();
  for (const r of records) {
    // Fold this run's passes per (model, role) first: several rounds are one run.
    const perKey = new Map<string, { modelId: string; role: Stage; ms: number; cost: number }>();
    for (const s of r.stages) {
      const key = `${s.modelId}\u0000${s.stage}`;
      const cur = perKey.get(key) ?? { modelId: s.modelId, role: s.stage, ms: 0, cost: 0 };
      cur.ms += s.elapsedMs;
      cur.cost += s.costUsd;
      perKey.set(key, cur);
    }
    const decided = r.outcome === 'applied' || r.outcome === 'rejected' || r.outcome === 'failed';
    const trusted = isTrustedChange(r);
    for (const [key, p] of perKey) {
      const a = acc.get(key) ?? {
        modelId: p.modelId,
        role: p.role,
        runs: 0,
        decided: 0,
        applied: 0,
        times: [],
        cost: 0,
        trusted: 0,
        trustedCost: 0,
      };
      a.runs++;
      if (decided) a.decided++;
      if (r.outcome === 'applied') a.applied++;
      a.times.push(p.ms);
      a.cost += p.cost;
      if (trusted) {
        a.trusted++;
        a.trustedCost += r.totals.costUsd;
      }
      acc.set(key, a);
    }
  }
  const order: readonly Stage[] = STAGES;
  const rows = [...acc.values()]
    .map<ScoreRow>((a) => ({
      modelId: a.modelId,
      role: a.role,
      runs: a.runs,
      acceptanceRate: a.decided ? a.applied / a.decided : null,
      medianMs: median(a.times),
      costUsd: a.cost,
      trustedChanges: a.trusted,
      costPerTrustedChange: a.trusted ? a.trustedCost / a.trusted : null,
    }))
    .sort((x, y) => order.indexOf(x.role) - order.indexOf(y.role) || x.modelId.localeCompare(y.modelId));
  const trustedRuns = records.filter(isTrustedChange);
  const trustedCost = trustedRuns.reduce((n, r) => n + r.totals.costUsd, 0);
  return {
    rows,
    overall: {
      runs: records.length,
      applied: records.filter((r) => r.outcome === 'applied').length,
      trustedChanges: trustedRuns.length,
      costUsd: records.reduce((n, r) => n + r.totals.costUsd, 0),
      costPerTrustedChange: trustedRuns.length ? trustedCost / trustedRuns.length : null,
    },
  };
}
