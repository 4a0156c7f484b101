// Parses unified diffs: `--- a/PATH` / `+++ b/PATH` (prefixes optional, /dev/null for create
// and delete, git's `diff --git` / `rename from` / `rename to` headers understood), then
// `@@ -l,s +l,s @@` hunks. Models get the numbers wrong, so a hunk's body is read by its
// line markers, not by its counts; the numbers survive only as hints for the matcher.
import { type EditPlan, type FileEdit, type Hunk, PatchParseError, type EditProblem } from './editPlan';
import { splitPatchLines } from './fileText';
import { normalizeEditPath } from './safePath';

const HUNK_HEADER = /^@@+\s*(?:-(\d+)(?:,(\d+))?\s+\+(\d+)(?:,(\d+))?)?\s*@@+.*$/;
const HUNK_START = /^@@/;

/** Whether marked hunk lines come after `from` before the next header, hunk, fence or the end. */
function diffLinesFollow(lines: readonly string[], from: number): boolean {
  for (let j = from; j < lines.length; j++) {
    const l = lines[j];
    if (HUNK_START.test(l) || l.startsWith('diff --git ') || /^\s*(```|~~~)/.test(l)) return false;
    if (l.startsWith('--- ') && j + 1 < lines.length && lines[j + 1].startsWith('+++ ')) return false;
    if (l.startsWith('+') || l.startsWith('-') || l.startsWith(' ')) return true;
  }
  return false;
}

export function looksLikeUnifiedDiff(text: string): boolean {
  return /^--- .*\n\+\+\+ /m.test(text.replace(/\r\n/g, '\n')) || /^diff --git /m.test(text);
}

function headerPath(raw: string): string {
  // Drop a trailing timestamp ("\t2024-01-01 ...") and surrounding quotes.
  let p = raw.replace(/\t.*$/, '').trim();
  if (p.startsWith('"') && p.endsWith('"') && p.length >= 2) p = p.slice(1, -1);
  return p;
}

function stripPrefix(oldRaw: string, newRaw: string): { oldPath: string | null; newPath: string | null } {
  const oldNull = oldRaw === '/dev/null';
  const newNull = newRaw === '/dev/null';
  let o = oldNull ? null : oldRaw;
  let n = newNull ? null : newRaw;
  // git's a/ b/ prefixes: strip them when the patch uses them (both sides, or the one real side),
  // and when only one side carries its prefix but otherwise names the same file as the other.
  const aOk = o === null || o.startsWith('a/');
  const bOk = n === null || n.startsWith('b/');
  if (aOk && bOk && (o !== null || n !== null)) {
    if (o !== null) o = o.slice(2);
    if (n !== null) n = n.slice(2);
  } else if (o !== null && n !== null && o.startsWith('a/') && o.slice(2) === n) o = n;
  else if (o !== null && n !== null && n.startsWith('b/') && n.slice(2) === o) n = o;
  return { oldPath: o, newPath: n };
}

export function parseUnifiedDiff(text: string): EditPlan {
  const lines = splitPatchLines(text);
  const problems: EditProblem[] = [];
  const files: FileEdit[] = [];
  let block = 0;
  let i = 0;
  let pendingRename: { from?: string; to?: string } = {};
  let pendingGit: { a?: string; b?: string; newFile?: boolean; deleted?: boolean } | undefined;

  const checkPath = (p: string, at: number): string | undefined => {
    const norm = normalizeEditPath(p);
    if (!norm.ok) {
      problems.push({ kind: 'path', patchLine: at, message: `patch line ${at}: ${norm.reason}.` });
      return undefined;
    }
    return norm.path;
  };

  const flushGitOnly = (at: number) => {
    // A `diff --git` section with no ---/+++ (pure rename, or empty new/deleted file).
    if (!pendingGit) return;
    const g = pendingGit;
    pendingGit = undefined;
    if (pendingRename.from && pendingRename.to) {
      const from = checkPath(pendingRename.from, at);
      const to = checkPath(pendingRename.to, at);
      if (from && to)
        files.push({ path: from, op: 'rename', newPath: to, hunks: [], sequential: false, createIfMissing: false });
    } else if (g.newFile && g.b) {
      const p = checkPath(g.b, at);
      if (p) files.push({ path: p, op: 'create', hunks: [], sequential: false, createIfMissing: false });
    } else if (g.deleted && g.a) {
      const p = checkPath(g.a, at);
      if (p) files.push({ path: p, op: 'delete', hunks: [], sequential: false, createIfMissing: false });
    }
    pendingRename = {};
  };

  while (i < lines.length) {
    const line = lines[i];
    const git = /^diff --git ("?a\/.*?"?) ("?b\/.*"?)$/.exec(line);
    if (git) {
      flushGitOnly(i + 1);
      pendingGit = { a: headerPath(git[1]).slice(2), b: headerPath(git[2]).slice(2) };
      i++;
      continue;
    }
    if (pendingGit) {
      if (line.startsWith('new file mode')) pendingGit.newFile = true;
      else if (line.startsWith('deleted file mode')) pendingGit.deleted = true;
      else if (line.startsWith('rename from ')) pendingRename.from = line.slice('rename from '.length).trim();
      else if (line.startsWith('rename to ')) pendingRename.to = line.slice('rename to '.length).trim();
      else if (line.startsWith('GIT binary patch') || line.startsWith('Binary files')) {
        problems.push({
          kind: 'binary',
          patchLine: i + 1,
          message: `patch line ${i + 1}: binary patches are not supported; change binary files by hand.`,
        });
      }
    }
    if (!(line.startsWith('--- ') && i + 1 < lines.length && lines[i + 1].startsWith('+++ '))) {
      if (HUNK_START.test(line)) {
        // A hunk with no file header above it (a mangled or missing --- / +++ pair): applying the
        // rest without it would silently drop part of the change.
        problems.push({
          kind: 'parse',
          patchLine: i + 1,
          message: `patch line ${i + 1}: hunk "${line.slice(0, 40)}" is not under a "--- PATH" / "+++ PATH" file header.`,
        });
      }
      i++;
      continue;
    }
    const headerLine = i + 1;
    const { oldPath: oldRaw, newPath: newRaw } = stripPrefix(
      headerPath(line.slice(4)),
      headerPath(lines[i + 1].slice(4)),
    );
    pendingGit = undefined;
    i += 2;
    const hunks: Hunk[] = [];
    while (i < lines.length && HUNK_START.test(lines[i])) {
      block++;
      const h = HUNK_HEADER.exec(lines[i]);
      const hunkLine = i + 1;
      const hunk: Hunk = {
        old: [],
        new: [],
        anchors: [],
        atEof: false,
        newEndsWithoutEol: false,
        oldEndsWithoutEol: false,
        block,
        patchLine: hunkLine,
      };
      if (h && h[1] !== undefined) {
        hunk.oldStart = Number(h[1]);
        hunk.claimedOldCount = h[2] === undefined ? 1 : Number(h[2]);
        hunk.claimedNewCount = h[4] === undefined ? 1 : Number(h[4]);
      }
      i++;
      let lastSide: 'both' | 'old' | 'new' = 'both';
      const body: Array<{ kind: ' ' | '-' | '+'; text: string; bare: boolean }> = [];
      while (i < lines.length) {
        const l = lines[i];
        if (HUNK_START.test(l)) break;
        if (l.startsWith('--- ') && i + 1 < lines.length && lines[i + 1].startsWith('+++ ')) {
          // Either the next file's header or a removed line starting "-- " that happens to sit
          // above an added "++ " line; the counts decide when they are still owed lines.
          const oldSeen = body.filter((b) => b.kind !== '+').length;
          if (hunk.claimedOldCount === undefined || oldSeen >= hunk.claimedOldCount) break;
        }
        if (l.startsWith('diff --git ')) break;
        if (l.startsWith('--- ') && hunk.claimedOldCount !== undefined) {
          // Once the header's counts are met, "--- " reads as a (broken) file header, not a removal.
          const oldSeen = body.filter((b) => b.kind !== '+').length;
          const newSeen = body.filter((b) => b.kind !== '-').length;
          if (oldSeen >= hunk.claimedOldCount && newSeen >= (hunk.claimedNewCount ?? 0)) break;
        }
        if (l.startsWith('\\')) {
          if (lastSide === 'new' || lastSide === 'both') hunk.newEndsWithoutEol = true;
          if (lastSide === 'old' || lastSide === 'both') hunk.oldEndsWithoutEol = true;
          i++;
          continue;
        }
        const c = l[0];
        if (c === ' ' || c === '-' || c === '+') {
          body.push({ kind: c, text: l.slice(1), bare: false });
          lastSide = c === ' ' ? 'both' : c === '-' ? 'old' : 'new';
        } else if (l === '') {
          // Models often drop the space of a blank context line.
          body.push({ kind: ' ', text: '', bare: true });
          lastSide = 'both';
        } else {
          const oldSeen = body.filter((b) => b.kind !== '+').length;
          const newSeen = body.filter((b) => b.kind !== '-').length;
          const countsMet = hunk.claimedOldCount === oldSeen && hunk.claimedNewCount === newSeen;
          if (!countsMet && diffLinesFollow(lines, i + 1)) {
            problems.push({
              kind: 'parse',
              block,
              patchLine: i + 1,
              message: `hunk ${block}, patch line ${i + 1}: ${JSON.stringify(l.slice(0, 60))} has no " ", "-" or "+" marker, yet hunk lines follow it; every line of a hunk needs its marker (a blank context line is " ").`,
            });
          }
          break;
        }
        i++;
      }
      // Blank lines trailing a hunk are usually spacing between sections, not context.
      let dropped = 0;
      while (body.length && body[body.length - 1].bare) {
        body.pop();
        dropped++;
      }
      // Blank context the header counted is not a counting mistake: count it out of the claim.
      const counted = (side: '-' | '+') => body.filter((b) => b.kind !== side).length;
      if (
        dropped &&
        hunk.claimedOldCount === counted('+') + dropped &&
        hunk.claimedNewCount === counted('-') + dropped
      ) {
        hunk.claimedOldCount -= dropped;
        hunk.claimedNewCount -= dropped;
      }
      for (const b of body) {
        if (b.kind !== '+') hunk.old.push(b.text);
        if (b.kind !== '-') hunk.new.push(b.text);
      }
      if (body.length === 0) {
        problems.push({
          kind: 'parse',
          block,
          patchLine: hunkLine,
          message: `hunk ${block} (patch line ${hunkLine}) has no lines.`,
        });
      }
      hunks.push(hunk);
    }
    if (oldRaw === null && newRaw === null) {
      problems.push({
        kind: 'parse',
        patchLine: headerLine,
        message: `patch line ${headerLine}: both sides are /dev/null.`,
      });
      continue;
    }
    if (hunks.length === 0 && !(oldRaw === null || newRaw === null)) {
      problems.push({
        kind: 'parse',
        patchLine: headerLine,
        message: `patch line ${headerLine}: file header without any @@ hunk.`,
      });
      continue;
    }
    if (oldRaw === null) {
      const p = checkPath(newRaw!, headerLine);
      if (p) {
        const content = hunks.flatMap((h) => h.new);
        const last = hunks[hunks.length - 1];
        files.push({
          path: p,
          op: 'create',
          hunks: [
            {
              old: [],
              new: content,
              anchors: [],
              atEof: false,
              newEndsWithoutEol: last?.newEndsWithoutEol ?? false,
              oldEndsWithoutEol: false,
              block: hunks[0]?.block ?? block,
              patchLine: headerLine,
            },
          ],
          sequential: false,
          createIfMissing: false,
        });
      }
    } else if (newRaw === null) {
      const p = checkPath(oldRaw, headerLine);
      // The removed lines stay: the resolver checks them against the file before it goes.
      if (p) files.push({ path: p, op: 'delete', hunks, sequential: false, createIfMissing: false });
    } else {
      const from = checkPath(oldRaw, headerLine);
      const to = checkPath(newRaw, headerLine);
      if (!from || !to) continue;
      const renamed = from !== to;
      const existing = files.find((f) => f.path === from && f.op === 'update' && !renamed);
      if (existing) existing.hunks.push(...hunks);
      else {
        // `--- a/x` over a file that is not there, with hunks that only add from line 0: a
        // creation written without /dev/null.
        const onlyAdds = hunks.every((h) => h.old.length === 0 && (h.oldStart ?? 0) === 0);
        files.push({
          path: from,
          op: renamed ? 'rename' : 'update',
          newPath: renamed ? to : undefined,
          hunks,
          sequential: false,
          createIfMissing: !renamed && onlyAdds,
        });
      }
    }
    pendingRename = {};
  }
  flushGitOnly(lines.length);
  if (files.length === 0 && problems.length === 0) {
    problems.push({
      kind: 'parse',
      patchLine: 1,
      message: 'no "--- PATH" / "+++ PATH" file header found in the unified diff.',
    });
  }
  if (problems.length) throw new PatchParseError(problems);
  return { format: 'udiff', files };
}
