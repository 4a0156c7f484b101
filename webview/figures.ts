// Number formats of the Scorecard view and the routing review (the routing panel has its own in
// dom.ts): rates as whole percents, dollars to four places, times in seconds; null reads as "—".
export const pct = (x: number | null): string => (x === null ? '—' : `${Math.round(x * 100)}%`);
export const usd = (x: number | null): string => (x === null ? '—' : `$${x.toFixed(4)}`);
export const secs = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;
