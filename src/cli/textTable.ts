// Plain-text tables and figures for the CLI's reports (stats, bench): columns padded to their
// widest cell, the first `leftCols` left-aligned, the rest right-aligned as numbers are.
export const pct = (x: number | null): string => (x === null ? '—' : `${Math.round(x * 100)}%`);
export const usd = (x: number | null): string => (x === null ? '—' : `$${x.toFixed(4)}`);
export const secs = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

export function table(header: string[], rows: string[][], leftCols = 1): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < leftCols ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}
