// One entry for every text edit format: picks the parser (or tells the formats apart for
// 'auto') and returns one EditPlan. Throws PatchParseError when the text is not a patch.
import {
  type EditFormat,
  type EditPlan,
  type FormatOption,
  MAX_EDIT_BLOCKS,
  PatchParseError,
  tooManyBlocks,
} from './editPlan';
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

/** Every format the text carries a real piece of (a unified diff counts only with a hunk). */
function formatsPresent(text: string): EditFormat[] {
  const found: EditFormat[] = [];
  if (looksLikeApplyPatch(text)) found.push('patch');
  if (looksLikeSearchReplace(text)) found.push('search-replace');
  if (/^--- .*\n\+\+\+ .*\n@@/m.test(text.replace(/\r\n/g, '\n'))) found.push('udiff');
  return found;
}

/** Lines that open an edit block in any format: counted before anything is parsed. */
const BLOCK_START = /^(?:<{7}|@@|\*\*\* (?:Add|Update|Delete) File)/gm;

function blockCount(text: string): number {
  let n = 0;
  BLOCK_START.lastIndex = 0;
  while (BLOCK_START.exec(text)) n++;
  return n;
}

export function parsePatch(text: string, format: FormatOption = 'auto'): EditPlan {
  const blocks = blockCount(text);
  if (blocks > MAX_EDIT_BLOCKS) throw new PatchParseError([tooManyBlocks(blocks)]);
  if (format === 'auto') {
    // Parsing one format would silently skip the other's edits: half a change is worse than none.
    const present = formatsPresent(text);
    if (present.length > 1) {
      throw new PatchParseError([
        {
          kind: 'parse',
          message: `the patch mixes formats (${present.join(', ')}); write every edit in one format, or pass --format to choose one.`,
        },
      ]);
    }
  }
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
