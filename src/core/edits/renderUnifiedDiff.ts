// The canonical unified diff of a resolved plan: what the reviewer reads, the UI shows and the
// ledger stores. git-style headers (so `git apply` takes it too), 3 lines of context, files in
// plan order, line text without its terminator (a CRLF file reads like any other), and
// "\ No newline at end of file" where a side ends without one.
import type { ResolvedFile, ResolvedPlan } from './editPlan';
import { splitFileText } from './fileText';
import { type DiffOp, diffLines } from './lineDiff';

const CONTEXT = 3;

export function renderUnifiedDiff(resolved: ResolvedPlan | { files: readonly ResolvedFile[] }): string {
  return resolved.files.map(renderFile).join('');
}

function renderFile(f: ResolvedFile): string {
  const oldName = f.path;
  const newName = f.op === 'rename' ? (f.newPath ?? f.path) : f.path;
  let head = `diff --git a/${oldName} b/${newName}\n`;
  if (f.op === 'create') head += 'new file mode 100644\n';
  if (f.op === 'delete') head += 'deleted file mode 100644\n';
  if (f.op === 'rename') head += `rename from ${oldName}\nrename to ${newName}\n`;
  const before = splitFileText(f.before);
  const after = splitFileText(f.after);
  const body = renderHunks(before.lines, before.eols, after.lines, after.eols);
  if (body === '') return head;
  const minus = f.op === 'create' ? '/dev/null' : `a/${oldName}`;
  const plus = f.op === 'delete' ? '/dev/null' : `b/${newName}`;
  return `${head}--- ${minus}\n+++ ${plus}\n${body}`;
}

function range(start: number, count: number): string {
  // Unified diff convention: an empty side names the line before it.
  const s = count === 0 ? start : start + 1;
  return count === 1 ? `${s}` : `${s},${count}`;
}

function renderHunks(a: string[], aEols: string[], b: string[], bEols: string[]): string {
  // A change of the final newline alone still shows, on the last line.
  const aKey = a.map((l, i) => (i === a.length - 1 && aEols[i] === '' ? l + '\u0000noeol' : l));
  const bKey = b.map((l, i) => (i === b.length - 1 && bEols[i] === '' ? l + '\u0000noeol' : l));
  const ops = diffLines(aKey, bKey);
  const changed = ops.map((o) => o.kind !== '=');
  let out = '';
  let i = 0;
  while (i < ops.length) {
    if (!changed[i]) {
      i++;
      continue;
    }
    // Grow a hunk from this change: include context, merge changes closer than 2 * CONTEXT.
    const from = Math.max(0, i - CONTEXT);
    let end = i;
    while (true) {
      while (end < ops.length && changed[end]) end++;
      let next = end;
      while (next < ops.length && !changed[next] && next - end < 2 * CONTEXT + 1) next++;
      if (next < ops.length && changed[next] && next - end <= 2 * CONTEXT) end = next;
      else break;
    }
    const to = Math.min(ops.length, end + CONTEXT);
    out += renderHunk(ops.slice(from, to), a, aEols, b, bEols);
    i = to;
  }
  return out;
}

function renderHunk(ops: DiffOp[], a: string[], aEols: string[], b: string[], bEols: string[]): string {
  const first = ops[0];
  const aStart = first.a;
  const bStart = first.b;
  const aCount = ops.filter((o) => o.kind !== '+').length;
  const bCount = ops.filter((o) => o.kind !== '-').length;
  let out = `@@ -${range(aStart, aCount)} +${range(bStart, bCount)} @@\n`;
  for (const o of ops) {
    if (o.kind === '=') {
      out += ` ${a[o.a]}\n`;
      if (o.a === a.length - 1 && aEols[o.a] === '') out += '\\ No newline at end of file\n';
    } else if (o.kind === '-') {
      out += `-${a[o.a]}\n`;
      if (o.a === a.length - 1 && aEols[o.a] === '') out += '\\ No newline at end of file\n';
    } else {
      out += `+${b[o.b]}\n`;
      if (o.b === b.length - 1 && bEols[o.b] === '') out += '\\ No newline at end of file\n';
    }
  }
  return out;
}
