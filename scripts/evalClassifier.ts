// Checks classifier choices on the train and dev splits only (never test): trains on train and
// scores dev, and cross-validates over train+dev in folds split by repository.
// `node --import tsx scripts/evalClassifier.ts [--cv K] [--errors dev|cv] [--train] [--agreement] [--curve]`
// --agreement: how the blind second labelling (relabel.jsonl) agrees with the stored labels, and
// how the cross-validated classifier does on the same rows. --curve: cross-validation trained on
// a quarter, a half, three quarters and all of the training folds' repositories.
import { createHash } from 'node:crypto';
import { classify } from '../src/core/routing/classifier';
import type { ModelWeights } from '../src/core/routing/classifierModel';
import { loadRelabel, loadSplit, trainClassifier, type LabelledTask, type Profiles } from './trainClassifier';
import { loadProfiles } from './workspaceProfiles';

interface Scores {
  n: number;
  kind: number;
  risk: number;
  plan: number;
  highLow: number;
  lowHigh: number;
  low: number;
}

// --no-profile: train and score as if no repository had a workspace profile.
const profiles: Profiles = process.argv.includes('--no-profile') ? {} : loadProfiles();

type Call = Pick<LabelledTask, 'kind' | 'risk' | 'needs_plan'>;
/** Cross-validated calls by text id, for --agreement. */
const cvCalls = new Map<string, Call>();

function score(
  rows: LabelledTask[],
  model: ModelWeights,
  errors: LabelledTask[][] | undefined,
  calls?: Map<string, Call>,
): Scores {
  const s: Scores = { n: rows.length, kind: 0, risk: 0, plan: 0, highLow: 0, lowHigh: 0, low: 0 };
  const wrong: LabelledTask[] = [];
  for (const t of rows) {
    const c = classify(t.text, { workspace: profiles[t.repo] }, model);
    calls?.set(t.id, { kind: c.kind, risk: c.risk, needs_plan: c.needsPlan ?? false });
    s.kind += c.kind === t.kind ? 1 : 0;
    s.risk += c.risk === t.risk ? 1 : 0;
    s.plan += c.needsPlan === t.needs_plan ? 1 : 0;
    if (t.risk === 'high' && c.risk === 'low') s.highLow++;
    if (t.risk === 'low') s.low++;
    if (t.risk === 'low' && c.risk === 'high') s.lowHigh++;
    if (c.kind !== t.kind || c.risk !== t.risk || c.needsPlan !== t.needs_plan)
      wrong.push({
        ...t,
        text: `${t.text.split('\n')[0]!.slice(0, 110)}`,
        id: `${t.id} => ${c.kind}/${c.risk}/${c.needsPlan} [${c.reasons.join(' | ').slice(0, 160)}]`,
      });
  }
  errors?.push(wrong);
  return s;
}

const pct = (a: number, b: number): string => ((100 * a) / b).toFixed(1);
const show = (name: string, s: Scores): string =>
  `${name} (${s.n}): kind ${pct(s.kind, s.n)} risk ${pct(s.risk, s.n)} plan ${pct(s.plan, s.n)} high→low ${s.highLow} low→high ${s.lowHigh}/${s.low} = ${pct(s.lowHigh, s.low)}%`;

function add(a: Scores, b: Scores): Scores {
  return {
    n: a.n + b.n,
    kind: a.kind + b.kind,
    risk: a.risk + b.risk,
    plan: a.plan + b.plan,
    highLow: a.highLow + b.highLow,
    lowHigh: a.lowHigh + b.lowHigh,
    low: a.low + b.low,
  };
}

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
const train = loadSplit('train');
const dev = loadSplit('dev');
const errs: LabelledTask[][] = [];
const model = trainClassifier(train, 'eval', profiles);
console.log(`features ${Object.keys(model.features).length}, ${(JSON.stringify(model).length / 1024).toFixed(1)} KB`);
if (args.includes('--train')) console.log(show('train', score(train, model, undefined)));
console.log(show('dev', score(dev, model, opt('--errors') === 'dev' ? errs : undefined)));
const k = Number(opt('--cv') ?? 0);
const all = [...train, ...dev];
/** A fixed hash of a string, 0–255: which fold a repository is in, and whether --curve keeps it. */
const hash = (s: string): number => createHash('sha1').update(s).digest()[0]!;
const ZERO: Scores = { n: 0, kind: 0, risk: 0, plan: 0, highLow: 0, lowHigh: 0, low: 0 };
/** The --cv scores, which --curve's 100% row would otherwise compute again. */
let cvTotal: Scores | undefined;
if (k) {
  const fold = (repo: string): number => hash(repo) % k;
  let total = ZERO;
  // The texts every earlier round had, so the rounds' figures compare.
  let before = ZERO;
  const latest = Math.max(...all.map((t) => t.round ?? 1));
  for (let f = 0; f < k; f++) {
    const m = trainClassifier(
      all.filter((t) => fold(t.repo) !== f),
      'cv',
      profiles,
    );
    const held = all.filter((t) => fold(t.repo) === f);
    total = add(total, score(held, m, opt('--errors') === 'cv' ? errs : undefined, cvCalls));
    before = add(
      before,
      score(
        held.filter((t) => (t.round ?? 1) < latest),
        m,
        undefined,
      ),
    );
  }
  console.log(show(`cv${k}`, total));
  cvTotal = total;
  console.log(show(`cv${k} on rounds before ${latest}`, before));
}
if (args.includes('--agreement')) {
  // The second labeller saw only the rubric and the texts (not these labels, not the classifier).
  const stored = new Map([...train, ...dev].map((t) => [t.id, t]));
  const relabel = loadRelabel();
  const tally = (pairs: Array<[Call, Call]>): string =>
    (['kind', 'risk', 'needs_plan'] as const)
      .map((f) => `${f} ${pct(pairs.filter(([a, b]) => a[f] === b[f]).length, pairs.length)}`)
      .join(' ');
  const pairs = relabel.map((r) => [r, stored.get(r.id)!] as [Call, Call]);
  console.log(`second labeller vs stored labels (${pairs.length}): ${tally(pairs)}`);
  const sure = relabel.filter((r) => !r.unsure).map((r) => [r, stored.get(r.id)!] as [Call, Call]);
  console.log(`  where the second labeller was sure (${sure.length}): ${tally(sure)}`);
  if (cvCalls.size) {
    const cv = relabel.map((r) => [cvCalls.get(r.id)!, stored.get(r.id)!] as [Call, Call]);
    console.log(`cv${k} classifier vs stored labels on the same rows: ${tally(cv)}`);
  }
}
if (args.includes('--curve')) {
  // Repositories kept at random (a fixed hash), so a text and its repository's others go together.
  const folds = k || 10;
  for (const share of [0.25, 0.5, 0.75, 1]) {
    let total = ZERO;
    if (share === 1 && cvTotal) {
      console.log(show(`cv${folds}, 100% of the training repositories`, cvTotal));
      continue;
    }
    for (let f = 0; f < folds; f++) {
      const kept = all.filter((t) => hash(t.repo) % folds !== f && hash(`share ${t.repo}`) < share * 256);
      const m = trainClassifier(kept, 'cv', profiles);
      total = add(
        total,
        score(
          all.filter((t) => hash(t.repo) % folds === f),
          m,
          undefined,
        ),
      );
    }
    console.log(show(`cv${folds}, ${share * 100}% of the training repositories`, total));
  }
}
for (const list of errs)
  for (const t of list) console.log(`${t.kind}/${t.risk}/${t.needs_plan}  ${t.id}\n    ${t.text}`);
