// Checks a review's findings against the diff they are about: a finding must name a file in the
// diff and lines that exist in that file's new content. Findings that do not are kept (a person
// should still read them) but flagged, so the UI does not pin them to a wrong line.
import type { Finding, Review } from './reviewSchema';

export interface AnchoredFinding extends Finding {
  /** False when the file is not in the diff or the lines are past the end of the new content. */
  anchored: boolean;
  note?: string;
}

/** newLineCounts: per file in the diff, how many lines its new content has (0 for a deleted file). */
export function anchorFindings(review: Review, newLineCounts: ReadonlyMap<string, number>): AnchoredFinding[] {
  return review.findings.map((f) => {
    const count = newLineCounts.get(f.file.replace(/^\.?\//, '').replace(/^b\//, ''));
    if (count === undefined) return { ...f, anchored: false, note: `${f.file} is not part of this diff` };
    if (f.startLine > Math.max(count, 1))
      return { ...f, anchored: false, note: `line ${f.startLine} is past the end of ${f.file} (${count} lines)` };
    return { ...f, endLine: Math.min(f.endLine, Math.max(count, 1)), anchored: true };
  });
}
