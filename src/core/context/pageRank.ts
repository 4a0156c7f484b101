// PageRank over the import graph: a file many files depend on (directly or through others) ranks
// high. This is the "repository map" prior: when a task's words match several files, the one the
// rest of the code leans on is more often the one to change or to read first.

/** Scores in [0, 1] (the highest file gets 1), from edges `from → to` (from imports to). */
export function pageRank(nodes: readonly string[], edges: ReadonlyMap<string, readonly string[]>, iterations = 20) {
  const n = nodes.length;
  const out = new Map<string, number>();
  if (n === 0) return out;
  const index = new Map(nodes.map((p, i) => [p, i]));
  const d = 0.85;
  let rank = new Float64Array(n).fill(1 / n);
  const targets: number[][] = nodes.map((p) =>
    (edges.get(p) ?? []).map((t) => index.get(t)).filter((i): i is number => i !== undefined),
  );
  for (let it = 0; it < iterations; it++) {
    const next = new Float64Array(n).fill((1 - d) / n);
    let dangling = 0;
    for (let i = 0; i < n; i++) {
      const ts = targets[i]!;
      if (ts.length === 0) dangling += rank[i]!;
      else for (const t of ts) next[t] += (d * rank[i]!) / ts.length;
    }
    for (let i = 0; i < n; i++) next[i] += (d * dangling) / n;
    rank = next;
  }
  let max = 0;
  for (const r of rank) max = Math.max(max, r);
  nodes.forEach((p, i) => out.set(p, max > 0 ? rank[i]! / max : 0));
  return out;
}
