// Localization figures for `npm run bench` (section "localization"), or alone: node bench/localization.mjs
// On real commits of public repositories (bench/localization/commits.json, built by
// bench/localizationSet.mjs from mirrors in /work/.mirror): task = the commit's subject, truth = the
// source files it modified, tree = its parent commit. For each case the index is built cold on the
// parent tree and the locator ranks files for the subject; a plain BM25 over file contents ranks
// the same files in the same run, as the baseline. Reported per split: "tune" (the repositories the
// locator's weights were adjusted on) and "heldout" (never looked at while tuning): hit@1, hit@5,
// hit@10 (a truth file in the top k), recall@10 (share of truth files in the top 10), and time per
// query cold (index build + locate) and warm (locate on a built index). Then `switchyard locate` on a
// ~3,000-file repository (denoland/std), cold (no cache) and warm (cache present), end to end.
// Nothing is downloaded: repositories missing from the mirror are skipped and counted.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mirrorDir } from './localizationSet.mjs';

async function loadCore(root) {
  // Inside the repository, so the bundle finds @vscode/tree-sitter-wasm in node_modules.
  const outfile = join(root, 'out/bench/localizationCore.cjs');
  await esbuild.build({
    stdin: {
      contents: [
        "export { RepoIndex } from './src/core/context/repoIndex';",
        "export { locate } from './src/core/context/locate';",
        "export { loadIndexWithCache, restoreIndex } from './src/core/context/indexCache';",
        "export { sameOnDisk } from './src/core/context/freshness';",
        "export { encodeCache } from './src/core/context/indexCacheFormat';",
        "export { decodeCache } from './src/core/context/indexCacheRead';",
        "export { looksSecret } from './src/core/paths/secretPaths';",
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    outfile,
    logLevel: 'warning',
  });
  return createRequire(import.meta.url)(outfile);
}

function sh(cwd, cmd, args) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} in ${cwd}: ${r.stderr}`);
  return r.stdout;
}

/** The baseline: Okapi BM25 (k1 1.2, b 0.75) over lower-cased word tokens of each file's contents. */
function bm25Rank(root, paths, query) {
  const docs = [];
  const df = new Map();
  for (const p of paths) {
    let text = '';
    try {
      text = readFileSync(join(root, p), 'utf8');
    } catch {
      continue;
    }
    const tf = new Map();
    let len = 0;
    for (const w of text.toLowerCase().match(/[a-z0-9_]+/g) ?? []) {
      tf.set(w, (tf.get(w) ?? 0) + 1);
      len++;
    }
    for (const w of tf.keys()) df.set(w, (df.get(w) ?? 0) + 1);
    docs.push({ p, tf, len });
  }
  const avg = docs.reduce((n, d) => n + d.len, 0) / Math.max(1, docs.length);
  const q = [...new Set(query.toLowerCase().match(/[a-z0-9_]+/g) ?? [])];
  const n = docs.length;
  const scored = docs.map((d) => {
    let s = 0;
    for (const w of q) {
      const tf = d.tf.get(w) ?? 0;
      if (!tf) continue;
      const idf = Math.log(1 + (n - (df.get(w) ?? 0) + 0.5) / ((df.get(w) ?? 0) + 0.5));
      s += (idf * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * d.len) / avg));
    }
    return { p: d.p, s };
  });
  return scored
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s)
    .map((x) => x.p);
}

/**
 * Checks out a commit, leaving out files of 4 MiB and more: snapshots in the mirror do not carry
 * them (the index would skip them as huge anyway), and git refuses a checkout with missing blobs.
 */
function checkoutWithoutHugeFiles(clone, sha) {
  const huge = sh(clone, 'git', ['ls-tree', '-r', '-l', sha])
    .split('\n')
    .map((l) => /^\S+ blob \S+\s+(\S+)\t(.*)$/.exec(l))
    // A size git cannot tell ("BAD", "-") means the blob is not in the mirror.
    .filter((m) => m && (!/^\d+$/.test(m[1]) || Number(m[1]) >= 4 * 1024 * 1024))
    .map((m) => m[2]);
  sh(clone, 'git', ['config', 'core.sparseCheckout', huge.length ? 'true' : 'false']);
  mkdirSync(join(clone, '.git/info'), { recursive: true });
  writeFileSync(join(clone, '.git/info/sparse-checkout'), ['/*', ...huge.map((p) => `!/${p}`)].join('\n') + '\n');
  sh(clone, 'git', ['checkout', '-q', '-f', '--detach', sha]);
}

function metrics(ranked, truth) {
  const pos = truth.map((t) => ranked.indexOf(t)).filter((i) => i >= 0);
  const best = pos.length ? Math.min(...pos) : Infinity;
  return {
    hit1: best < 1 ? 1 : 0,
    hit5: best < 5 ? 1 : 0,
    hit10: best < 10 ? 1 : 0,
    recall10: pos.filter((i) => i < 10).length / truth.length,
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : 0;
};
const pct = (x) => Math.round(x * 1000) / 10;

/**
 * For tuning the locator's weights (LOCALIZATION_REUSE=DIR): each case's index and BM25 ranking are
 * kept in DIR after the first run and restored from there, so a run re-ranks in seconds. Times are
 * not measured then (cold is 0), and DIR must be emptied whenever what the index holds changes.
 */
function reused(core, c) {
  const dir = process.env.LOCALIZATION_REUSE;
  const idx = dir && join(dir, `${c.sha}.idx`);
  const bm25 = dir && join(dir, `${c.sha}.bm25.json`);
  if (!idx || !existsSync(idx) || !existsSync(bm25)) return undefined;
  const data = core.decodeCache(readFileSync(idx));
  if (!data) return undefined;
  const index = new core.RepoIndex(data.root, { isSecret: core.looksSecret });
  core.restoreIndex(index, data);
  return { index, base: JSON.parse(readFileSync(bm25, 'utf8')) };
}

function keep(core, c, index, base) {
  const dir = process.env.LOCALIZATION_REUSE;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${c.sha}.idx`), core.encodeCache(index));
  writeFileSync(join(dir, `${c.sha}.bm25.json`), JSON.stringify(base.slice(0, 50)));
}

async function caseRow(core, entry, c, clone, log) {
  const kept = reused(core, c);
  if (kept) {
    const ours = await core.locate(kept.index, c.subject, { limit: 10 });
    return row(entry, c, ours, kept.base, 0, 0, kept.index);
  }
  try {
    checkoutWithoutHugeFiles(clone, c.parent);
  } catch (e) {
    log(
      `  ${entry.repo} ${c.sha.slice(0, 8)}: skipped, the parent tree could not be checked out (${String(e).split('\n')[0]})`,
    );
    return undefined;
  }
  sh(clone, 'git', ['clean', '-q', '-fdx']);
  const t0 = performance.now();
  const index = await core.RepoIndex.build(clone, { isSecret: core.looksSecret });
  const ours = await core.locate(index, c.subject, { limit: 10 });
  const cold = performance.now() - t0;
  const t1 = performance.now();
  await core.locate(index, c.subject, { limit: 10 });
  const warm = performance.now() - t1;
  const base = bm25Rank(clone, [...index.files.keys()], c.subject);
  keep(core, c, index, base);
  return row(entry, c, ours, base, cold, warm, index);
}

function row(entry, c, ours, base, cold, warm, index) {
  return {
    repo: entry.repo,
    subject: c.subject,
    truth: c.files,
    top: ours.slice(0, 3).map((f) => f.path),
    ranked: ours.map((f) => f.path),
    ours: metrics(
      ours.map((f) => f.path),
      c.files,
    ),
    bm25: metrics(base, c.files),
    cold,
    warm,
    files: index.files.size,
  };
}

async function runRepo(core, entry, work, log) {
  const dir = mirrorDir(entry.repo);
  if (!existsSync(dir)) return undefined;
  const clone = join(work, entry.repo.replace('/', '+'));
  sh(work, 'git', ['clone', '-q', '--shared', '--no-checkout', dir, clone]);
  const rows = [];
  for (const c of entry.cases) {
    const r = await caseRow(core, entry, c, clone, log);
    if (r) rows.push(r);
  }
  const h1 = rows.reduce((n, r) => n + r.ours.hit1, 0);
  log(`  ${entry.repo} (${entry.split}): hit@1 ${h1}/${rows.length}`);
  return rows;
}

function summarise(rows) {
  const avg = (pick) => (rows.length ? rows.reduce((n, r) => n + pick(r), 0) / rows.length : 0);
  const out = { cases: rows.length, repos: new Set(rows.map((r) => r.repo)).size };
  for (const k of ['hit1', 'hit5', 'hit10', 'recall10']) {
    out[k] = pct(avg((r) => r.ours[k]));
    out[`bm25.${k}`] = pct(avg((r) => r.bm25[k]));
  }
  out.coldMsMedian = Math.round(median(rows.map((r) => r.cold)));
  out.warmMsMedian = Math.round(median(rows.map((r) => r.warm)) * 10) / 10;
  out.warmMsMax = Math.round(Math.max(0, ...rows.map((r) => r.warm)) * 10) / 10;
  return out;
}

/** CPU seconds of this process's waited-for children (Linux: /proc/self/stat cutime + cstime), else undefined. */
function childCpuMs() {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    // After "pid (comm) ": state is field 3, so cutime (16) and cstime (17) are at 13 and 14 here.
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}

/**
 * `switchyard locate` end to end on a ~3,000-file repository (denoland/std), median of 5: cold (no
 * cache: list, read, tokenize, history, graph, locate, write the cache), warm (the cache is current),
 * and warm with another task (definitions of other files parsed); wall and CPU time of the process.
 * Beside them, measured in the same run: Node's own start (`node -e 0`), which every CLI figure
 * includes; the index build alone, in this process; and the warm answer in a process that keeps the
 * index (as the extension does, kept fresh by file watchers): rank + JSON for 40 real tasks (the
 * repository's own latest commit subjects), and the same with a full lstat sweep of every file and
 * folder first (what a host without watchers would check), median and p95.
 */
async function cliTiming(core, root, work) {
  const dir = mirrorDir('denoland/std');
  if (!existsSync(dir) || !existsSync(join(root, 'dist/cli.js'))) return {};
  const clone = join(work, 'std');
  sh(work, 'git', ['clone', '-q', '--shared', dir, clone]);
  const cache = join(work, 'cache');
  const task = 'parse YAML anchors and aliases in nested sequences';
  const other = 'format a duration as a human readable string';
  const once = (t) => {
    const c0 = childCpuMs();
    const t0 = performance.now();
    sh(root, process.execPath, ['dist/cli.js', 'locate', t, '--root', clone, '--json', '--cache-dir', cache]);
    const c1 = childCpuMs();
    return { wall: performance.now() - t0, cpu: c0 === undefined ? NaN : c1 - c0 };
  };
  const runs = { cold: [], warm: [], warmOther: [], nodeStart: [] };
  for (let i = 0; i < 5; i++) {
    rmSync(cache, { recursive: true, force: true });
    runs.cold.push(once(task));
    runs.warm.push(once(task));
    runs.warmOther.push(once(i % 2 ? task : other));
    runs.nodeStart.push(nodeStart(root));
  }
  const builds = [];
  for (let i = 0; i < 3; i++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await core.RepoIndex.build(clone, { isSecret: core.looksSecret });
    const cpu = process.cpuUsage(cpu0);
    builds.push({ wall: performance.now() - t0, cpu: (cpu.user + cpu.system) / 1000 });
  }
  const files = sh(clone, 'git', ['ls-files']).split('\n').filter(Boolean).length;
  const out = { 'cli3k.files': files };
  for (const [k, xs] of Object.entries({ ...runs, indexBuild: builds })) {
    out[`cli3k.${k}MsMedian`] = Math.round(median(xs.map((x) => x.wall)));
    out[`cli3k.${k}CpuMsMedian`] = Math.round(median(xs.map((x) => x.cpu)));
  }
  return { ...out, ...(await inProcessWarm(core, clone, cache)) };
}

/** `node -e 0`: the part of every CLI figure that is Node starting, not Switchyard. */
function nodeStart(root) {
  const c0 = childCpuMs();
  const t0 = performance.now();
  sh(root, process.execPath, ['-e', '0']);
  return { wall: performance.now() - t0, cpu: c0 === undefined ? NaN : childCpuMs() - c0 };
}

const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)] ?? 0;

/** The warm answer where the index stays loaded: rank + JSON, and with a full lstat sweep first. */
async function inProcessWarm(core, clone, cache) {
  const { index } = await core.loadIndexWithCache(clone, { isSecret: core.looksSecret }, cache);
  const tasks = sh(clone, 'git', ['log', '--no-merges', '-n', '40', '--format=%s']).split('\n').filter(Boolean);
  const entries = [...index.files.values()];
  const held = {
    dirs: [...index.dirMtimes.keys()],
    dirMtimes: [...index.dirMtimes.values()],
    paths: entries.map((e) => e.path),
    sizes: entries.map((e) => e.size),
    mtimes: entries.map((e) => e.mtimeMs),
  };
  const answer = async (t, sweep) => {
    const t0 = performance.now();
    if (sweep && !core.sameOnDisk(index.root, held)) throw new Error('the index went stale during the bench');
    JSON.stringify({ files: await core.locate(index, t, { limit: 10 }) });
    return performance.now() - t0;
  };
  // Each task once before timing: the figures are for a long-lived host, whose code the JIT has seen.
  for (const t of tasks) await answer(t, false);
  const rank = [];
  const swept = [];
  for (const t of tasks) {
    rank.push(await answer(t, false));
    swept.push(await answer(t, true));
  }
  const r1 = (x) => Math.round(x * 10) / 10;
  return {
    'cli3k.inProcessTasks': tasks.length,
    'cli3k.inProcessWarmMsMedian': r1(median(rank)),
    'cli3k.inProcessWarmMsP95': r1(p95(rank)),
    'cli3k.inProcessWarmWithSweepMsMedian': r1(median(swept)),
    'cli3k.inProcessWarmWithSweepMsP95': r1(p95(swept)),
  };
}

export async function run({ root = fileURLToPath(new URL('..', import.meta.url)), log = console.log } = {}) {
  const set = JSON.parse(readFileSync(join(root, 'bench/localization/commits.json'), 'utf8'));
  const only = process.env.LOCALIZATION_SPLIT;
  const core = await loadCore(root);
  const work = mkdtempSync(join(tmpdir(), 'switchyard-localization-'));
  const results = {};
  try {
    const rows = { tune: [], heldout: [] };
    let missing = 0;
    for (const entry of set.repos) {
      if ((only && entry.split !== only) || process.env.LOCALIZATION_CLI === 'only') continue;
      const got = await runRepo(core, entry, work, log);
      if (!got) missing++;
      else rows[entry.split].push(...got);
    }
    for (const split of ['tune', 'heldout']) {
      if (!rows[split].length) continue;
      for (const [k, v] of Object.entries(summarise(rows[split]))) results[`${split}.${k}`] = v;
    }
    results.reposMissing = missing;
    if (process.env.LOCALIZATION_MISSES) {
      for (const r of [...rows.tune, ...rows.heldout].filter((x) => !x.ours.hit1)) {
        const at = r.truth.map((t) => `${t}@${r.ranked.indexOf(t) + 1 || '>10'}`);
        log(`MISS ${r.repo}: ${r.subject}\n   truth ${at.join(' ')}\n   top   ${r.top.join(' ')}`);
      }
    }
    if (!only || process.env.LOCALIZATION_CLI) Object.assign(results, await cliTiming(core, root, work));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return results;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(await run());
}
