// A line diff (Myers' O(ND) algorithm) used twice: to align a hunk's old and new lines so
// unchanged lines keep the file's own bytes, and to render the canonical unified diff. Common
// prefix and suffix are trimmed first; large inputs are split at lines unique to both sides;
// past `maxD` differences a piece is reported as one replacement (still a correct diff, only not
// minimal), so even a rewrite of a huge file stays cheap.

export type DiffOp = { kind: '=' | '-' | '+'; a: number; b: number };

export function diffLines(a: readonly string[], b: readonly string[], maxD = 1500): DiffOp[] {
  const ops: DiffOp[] = [];
  diffRange(a, b, 0, a.length, 0, b.length, maxD, ops);
  return ops;
}

function diffRange(
  a: readonly string[],
  b: readonly string[],
  a0: number,
  a1: number,
  b0: number,
  b1: number,
  maxD: number,
  out: DiffOp[],
): void {
  let pre = 0;
  while (a0 + pre < a1 && b0 + pre < b1 && a[a0 + pre] === b[b0 + pre]) pre++;
  let suf = 0;
  while (suf < a1 - a0 - pre && suf < b1 - b0 - pre && a[a1 - 1 - suf] === b[b1 - 1 - suf]) suf++;
  for (let i = 0; i < pre; i++) out.push({ kind: '=', a: a0 + i, b: b0 + i });
  const ma0 = a0 + pre;
  const ma1 = a1 - suf;
  const mb0 = b0 + pre;
  const mb1 = b1 - suf;
  // Big and far apart (many scattered changes in a large file): split at lines that occur once
  // on each side, in order (the patience idea), so each piece stays within the Myers budget.
  const anchors = ma1 - ma0 + (mb1 - mb0) > 2 * maxD ? uniqueAnchors(a, ma0, ma1, b, mb0, mb1) : [];
  if (anchors.length) {
    let pa = ma0;
    let pb = mb0;
    for (const [ia, jb] of anchors) {
      diffRange(a, b, pa, ia, pb, jb, maxD, out);
      out.push({ kind: '=', a: ia, b: jb });
      pa = ia + 1;
      pb = jb + 1;
    }
    diffRange(a, b, pa, ma1, pb, mb1, maxD, out);
  } else middle(a, b, ma0, ma1, mb0, mb1, maxD, out);
  for (let i = suf; i > 0; i--) out.push({ kind: '=', a: a1 - i, b: b1 - i });
}

/** Lines unique on both sides, paired, longest run in the same order on both (by patience sort). */
function uniqueAnchors(
  a: readonly string[],
  a0: number,
  a1: number,
  b: readonly string[],
  b0: number,
  b1: number,
): Array<[number, number]> {
  const inA = new Map<string, number>(); // line -> index, or -1 when it repeats
  for (let i = a0; i < a1; i++) inA.set(a[i], inA.has(a[i]) ? -1 : i);
  const inB = new Map<string, number>();
  for (let j = b0; j < b1; j++) inB.set(b[j], inB.has(b[j]) ? -1 : j);
  const pairs: Array<[number, number]> = [];
  for (let j = b0; j < b1; j++) {
    const i = inA.get(b[j]);
    if (i !== undefined && i !== -1 && inB.get(b[j]) === j) pairs.push([i, j]);
  }
  // Longest increasing subsequence of the a-indices (pairs are already in b order).
  const tails: number[] = [];
  const prev = new Array<number>(pairs.length).fill(-1);
  for (let p = 0; p < pairs.length; p++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pairs[tails[mid]][0] < pairs[p][0]) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[p] = tails[lo - 1];
    tails[lo] = p;
  }
  const out: Array<[number, number]> = [];
  for (let p = tails.length ? tails[tails.length - 1] : -1; p !== -1; p = prev[p]) out.push(pairs[p]);
  return out.reverse();
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
