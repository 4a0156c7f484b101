// Data-residency figures for `npm run bench` (section "residency"), or run alone: node bench/residency.mjs
//   glob:      the policy's path globs (src/core/config/pathGlob.ts) on real paths — every file of this
//              checkout's node_modules, trees nobody here wrote — beside picomatch (the regex-based
//              matcher most tools use, resolved from the dev tree when present): microseconds per
//              match, and how often the two disagree;
//   hostile:   one pattern a workspace file could hold ("**/a*a*a*a*b") against one 250-character name,
//              both matchers (picomatch backtracks; ours reads the name once);
//   screening: what checking a stage's chain costs per call — 10 rules, 50 files, 5 candidate models —
//              the first call of a run (answers not remembered yet) and the later ones.
// The core is compiled the way it ships (esbuild, minified) before it is measured.
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PATTERNS = [
  'src/**',
  '**/*.pem',
  '**/test/**',
  'node_modules/*/lib/**/*.js',
  '**/{dist,build}/**',
  'node_modules/*/package.json',
  '**/.github/**',
  '**/[A-Z]*.md',
  '**/*.{ts,tsx}',
  '**/migrations/**',
  'node_modules/@types/**',
  'node_modules/*/README.md',
  '**/src/**/index.?s',
  '**/LICENSE*',
  '**/*.d.ts',
  '**/__tests__/**',
  'node_modules/**/esm/**',
  'node_modules/zod/**/*.[cm]js',
  '**/[!a-m]*.json',
  'node_modules/@*/*/package.json',
];

async function loadCore(root, work) {
  const outfile = join(work, 'residency.cjs');
  await esbuild.build({
    stdin: {
      contents: [
        "export { globMatcher } from './src/core/config/pathGlob';",
        "export { screenCandidates } from './src/core/residency/residencyRules';",
        "export { RoutingPolicySchema } from './src/core/config/policySchema';",
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

/** picomatch 4 from the dev tree (typescript-eslint's tinyglobby uses it), or undefined. */
function picomatchFrom(root) {
  const req = createRequire(join(root, 'package.json'));
  for (const from of ['tinyglobby/package.json', 'picomatch/package.json']) {
    try {
      const dir = dirname(req.resolve(from));
      const pm = createRequire(join(dir, 'package.json'))('picomatch');
      if (
        typeof pm === 'function' &&
        /^4\./.test(createRequire(join(dir, 'package.json'))('picomatch/package.json').version)
      )
        return pm;
    } catch {
      // not there: try the next place
    }
  }
  return undefined;
}

function usPerMatch(matchers, paths) {
  const t0 = performance.now();
  let hits = 0;
  for (const m of matchers) for (const p of paths) if (m(p)) hits++;
  return { us: ((performance.now() - t0) * 1000) / (matchers.length * paths.length), hits };
}

export async function run({ root = fileURLToPath(new URL('..', import.meta.url)) } = {}) {
  const work = mkdtempSync(join(tmpdir(), 'switchyard-bench-residency-'));
  try {
    const core = await loadCore(root, work);
    const pm = picomatchFrom(root);
    const paths = execFileSync('find', ['node_modules', '-type', 'f'], { cwd: root, maxBuffer: 1 << 28 })
      .toString()
      .trim()
      .split('\n');
    const ours = PATTERNS.map((p) => core.globMatcher([p]));
    const figures = { realPaths: paths.length, patterns: PATTERNS.length };
    // Warm both, then measure.
    usPerMatch(ours, paths.slice(0, 2000));
    const o = usPerMatch(ours, paths);
    figures.globUsPerMatch = Math.round(o.us * 1000) / 1000;
    figures.globMatches = o.hits;
    if (pm) {
      const theirs = PATTERNS.map((p) => pm(p, { dot: true }));
      usPerMatch(theirs, paths.slice(0, 2000));
      const t = usPerMatch(theirs, paths);
      figures.picomatchUsPerMatch = Math.round(t.us * 1000) / 1000;
      let disagree = 0;
      const byPattern = {};
      PATTERNS.forEach((p, i) => {
        for (const f of paths)
          if (ours[i](f) !== theirs[i](f)) {
            disagree++;
            byPattern[p] = (byPattern[p] ?? 0) + 1;
          }
      });
      figures.disagreementsWithPicomatch = disagree;
      figures.disagreementPatterns = Object.keys(byPattern).join(' ') || 'none';

      const name = `x/${'a'.repeat(250)}`;
      const hostile = '**/a*a*a*a*b';
      let t0 = performance.now();
      pm(hostile, { dot: true })(name);
      figures.hostilePicomatchMs = Math.round(performance.now() - t0);
      t0 = performance.now();
      core.globMatcher([hostile])(name);
      figures.hostileOursMs = Math.round((performance.now() - t0) * 1000) / 1000;
    } else {
      figures.picomatchUsPerMatch = 'n/a (picomatch 4 not in the dev tree)';
    }

    // Screening a chain: 10 rules (paths, stages, regions), 50 files, 5 candidates.
    const models = ['a', 'b', 'c', 'd', 'e'].map((id, i) => ({
      id,
      provider: 'openai',
      model: id,
      vendor: `v${i}`,
      region: ['us', 'eu', 'cn', 'us', 'eu'][i],
    }));
    const policy = core.RoutingPolicySchema.parse({
      models,
      rules: {
        residency: PATTERNS.slice(0, 10).map((p, i) => ({
          paths: [p],
          ...(i % 3 === 0 ? { stages: ['critic'] } : {}),
          ...(i % 2 ? { denyRegions: ['cn'] } : { allowRegions: ['us', 'eu'] }),
        })),
      },
    });
    const files = paths.filter((_, i) => i % Math.floor(paths.length / 50) === 0).slice(0, 50);
    const specs = policy.models;
    let t0 = performance.now();
    core.screenCandidates(policy, 'critic', specs, files);
    figures.screenFirstCallMs = Math.round((performance.now() - t0) * 1000) / 1000;
    const N = 200;
    t0 = performance.now();
    for (let i = 0; i < N; i++) core.screenCandidates(policy, 'critic', specs, files);
    figures.screenLaterCallMs = Math.round(((performance.now() - t0) / N) * 1000) / 1000;
    return figures;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await run());
