// One entry for every text edit format: picks the parser (or tells the formats apart for
// 'auto') and returns one EditPlan. Throws PatchParseError when the text is not a patch.
import { type EditFormat, type EditPlan, type FormatOption, PatchParseError } from './editPlan';
import { looksLikeApplyPatch, parseApplyPatch } from './parseApplyPatch';
import { looksLikeSearchReplace, parseSearchReplace } from './parseSearchReplace';
import { looksLikeUnifiedDiff, parseUnifiedDiff } from './parseUnifiedDiff';

/** Which format a patch text is written in, or undefined when it looks like none of them. */
export function detectFormat(text: string): EditFormat | undefined {
  // Order matters: an apply_patch or search/replace body may quote diff-like lines, never the reverse.
  if (looksLikeApplyPatch(text)) return 'patch';
  if (looksLikeSearchReplace(text)) return 'search-replace';
  if (looksLikeUnifiedDiff(text)) return 'udiff';
  return undefined;
}

export function parsePatch(text: string, format: FormatOption = 'auto'): EditPlan {
  const f = format === 'auto' ? detectFormat(text) : format;
  switch (f) {
    case 'patch':
      return parseApplyPatch(text);
    case 'search-replace':
      return parseSearchReplace(text);
    case 'udiff':
      return parseUnifiedDiff(text);
    default:
      throw new PatchParseError([
        {
          kind: 'parse',
          message:
            'could not tell the patch format: expected search/replace blocks (<<<<<<< SEARCH), a unified diff (--- / +++ / @@) or an apply_patch body (*** Begin Patch). Pass --format to choose one.',
        },
      ]);
  }
}
