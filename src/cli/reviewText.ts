// A review as the terminal shows it (`route` at its gate, `review`): the verdict and summary, then
// each finding with its place and its suggested code, indented.
import type { Review } from '../core/review/reviewSchema';

export function formatReview(review: Review, reviewer?: string): string {
  const lines = [
    `Review${reviewer ? ` by ${reviewer}` : ''}: ${review.verdict.toUpperCase()}${review.summary ? ` — ${review.summary}` : ''}`,
  ];
  for (const f of review.findings) {
    lines.push(
      `  [${f.severity}] ${f.file}:${f.startLine}${f.endLine !== f.startLine ? `-${f.endLine}` : ''} ${f.message}`,
    );
    if (f.suggestion) lines.push(...f.suggestion.split('\n').map((l) => `      | ${l}`));
  }
  return lines.join('\n');
}
