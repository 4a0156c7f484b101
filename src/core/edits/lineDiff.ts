// A line diff (Myers' O(ND) algorithm) used twice: to align a hunk's old and new lines so
// unchanged lines keep the file's own bytes, and to render the canonical unified diff. Common
// prefix and suffix are trimmed first; past `maxD` differences the middle is reported as one
// replacement (still a correct diff, only not minimal) so a rewrite of a huge file stays linear.

export type DiffOp = { kind: '=' | '-' | '+'; a: number; b: number };

export function diffLines(a: readonly string[], b: readonly string[], maxD = 1500): DiffOp[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const ops: DiffOp[] = [];
  for (let i = 0; i < pre; i++) ops.push({ kind: '=', a: i, b: i });
  middle(a, b, pre, a.length - suf, pre, b.length - suf, maxD, ops);
  for (let i = suf; i > 0; i--) ops.push({ kind: '=', a: a.length - i, b: b.length - i });
  return ops;
}

function middle(
  a: readonly string[],
  b: readonly string[],
  a0: number,
  a1: number,
  b0: number,
  b1: number,
  maxD: number,
  out: DiffOp[],
): void {
  const n = a1 - a0;
  const m = b1 - b0;
  if (n === 0 || m === 0) {
    for (let i = a0; i < a1; i++) out.push({ kind: '-', a: i, b: b0 });
    for (let j = b0; j < b1; j++) out.push({ kind: '+', a: a1, b: j });
    return;
  }
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  const limit = Math.min(max, maxD);
  for (let d = 0; d <= limit; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1])) x = v[offset + k + 1];
      else x = v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[a0 + x] === b[b0 + y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
    if (found !== -1) break;
  }
  if (found === -1) {
    // Too different to diff cheaply: one block out, one block in.
    for (let i = a0; i < a1; i++) out.push({ kind: '-', a: i, b: b0 });
    for (let j = b0; j < b1; j++) out.push({ kind: '+', a: a1, b: j });
    return;
  }
  // Walk the trace back from (n, m); each trace[d] holds v before round d, indices k in [-d-1, d+1].
  const rev: DiffOp[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const prev = trace[d];
    const at = (k: number) => prev[k + d + 1];
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    const midX = down ? prevX : prevX + 1;
    while (x > midX) {
      rev.push({ kind: '=', a: a0 + x - 1, b: b0 + y - 1 });
      x--;
      y--;
    }
    if (down) rev.push({ kind: '+', a: a0 + prevX, b: b0 + prevY });
    else rev.push({ kind: '-', a: a0 + prevX, b: b0 + prevY });
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    rev.push({ kind: '=', a: a0 + x - 1, b: b0 + y - 1 });
    x--;
    y--;
  }
  for (let i = rev.length - 1; i >= 0; i--) out.push(rev[i]);
}
