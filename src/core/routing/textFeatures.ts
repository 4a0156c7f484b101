// Turns a task text into the sparse binary features the learned classifier weighs: stemmed words,
// adjacent word pairs, title words, and a few structural marks (a traceback, "expected … but", a
// code block, a path, question form, a conventional-commit prefix, a version bump). Shared by the
// classifier at run time and the training script, so both see exactly the same features.
// Reporter's priority tags ("[HIGH]", "P1") and URLs are dropped first: the rubric says they are
// not the work, and a URL carries repository names ("extended-ssrf-search") that are not either.
import { HIGH_RISK_RULES, KIND_CUES, isQuestionForm } from './classifierRules';
import { securityReport } from './securityReport';
import { fixSubjectTypos } from './subjectTypos';

const PRIORITY_TAG =
  /\[\s*(?:high|low|medium|critical|urgent|blocker|major|minor|trivial|p[0-4]|prio(?:rity)?[ :-]*\w+)\s*\]|\bP[0-4]\b/gi;
const URL = /\b(?:https?:\/\/|www\.)\S+/gi;
const TRACEBACK =
  /traceback \(most recent call last\)|^\s+at [\w$.<>/]+[(:]|exception in thread|panicked at|stack ?trace|^\w*(?:error|exception): |\bsegmentation fault|\bfatal error\b|uncaught \w*error/im;
const EXPECTED_BUT = /\bexpected\b[\s\S]{0,240}?\b(?:but|actual(?:ly)?|instead|got)\b|\bexpected behaviou?r\b/i;
const STEPS = /\bsteps to reproduce\b|\bto reproduce\b|\breproduc(?:e|tion) steps\b/i;
const CODE = /```|^(?: {4}|\t)\S/m;
const PATH =
  /(?:^|\s|`)(?:[\w.@-]+\/)+[\w.@-]+\.[a-z]{1,5}\b|(?:^|\s|`)[\w-]+\.(?:ts|js|py|rb|go|rs|java|php|tsx|jsx|yml|yaml|json|md|tf|sql|cs|c|cpp|h)\b/i;
const VERSION_BUMP = /\bfrom v?\d+(?:\.\d+)+\S* to v?\d+(?:\.\d+)+|\bv?\d+\.\d+\.\d+\b/i;
const CONVENTIONAL =
  /^\s*(feat|fix|docs?|chore|refactor|test|tests|ci|build|perf|style|deps|revert|sec)(?:\([^)]*\))?!?:/i;

/** Words too common to be worth a pair of their own ("to the", "in a"). */
const STOP = new Set(
  'a an the to of in on for and or is are be it this that with as at by from we i you our my can should would will not no do does if when'.split(
    ' ',
  ),
);

export const isStopWord = (word: string): boolean => STOP.has(word) || word.length < 3;

/** A light, deterministic stemmer: "charges"/"charged"/"charging" → "charg". Enough for a small set. */
export function stem(word: string): string {
  if (word.length <= 4) return word;
  for (const suffix of ['ations', 'ation', 'ments', 'ment', 'ings', 'ing', 'ies', 'ied', 'es', 'ed', 'ly', 's']) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 3) {
      const base = word.slice(0, -suffix.length);
      return suffix === 'ies' || suffix === 'ied' ? base + 'y' : base;
    }
  }
  return word;
}

export interface TextParts {
  /** Lower-cased, NFKC, tags and URLs removed, misspelt high-risk subjects spelt right. */
  clean: string;
  title: string;
  body: string;
}

export function splitTask(task: string): TextParts {
  const norm = task.normalize('NFKC').replace(/\r\n?/g, '\n');
  const noUrls = norm.replace(URL, ' ');
  const clean = fixSubjectTypos(noUrls.replace(PRIORITY_TAG, ' ').toLowerCase());
  const nl = clean.trim().indexOf('\n');
  const trimmed = clean.trim();
  return {
    clean: trimmed,
    title: nl === -1 ? trimmed : trimmed.slice(0, nl),
    body: nl === -1 ? '' : trimmed.slice(nl + 1),
  };
}

/**
 * A text about language models, where a "token" is a piece of a prompt ("Count tokens in the prompt
 * before sending", "max_tokens is ignored"), not a credential: there the word is read in that sense,
 * a feature of its own the model has no auth weight for.
 */
const LLM_CONTEXT =
  /\b(?:prompts?|llms?|gpt[\w.-]*|openai|anthropic|claude|gemini|ollama|tokeni[sz]\w*|context (?:window|length)|embeddings?|max_tokens|language models?|chat models?)\b/;

/** [stem, the word as written] for each word of a text. */
function words(s: string, llm = false): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const m of s.matchAll(/[a-z][a-z0-9_']*|\d+/g)) {
    const w = m[0].replace(/'s?$/, '');
    // Numbers are issue ids and versions ("#1022", "v2"): noise as words (versions have s:version).
    if (w.length >= 2 && !/^\d+$/.test(w)) out.push([llm && /^tokens?$/.test(w) ? 'token~llm' : stem(w), w]);
  }
  return out;
}

/** The structural marks, as feature ids (also used by the "why" view, see featureLabel). */
function structural(parts: TextParts, raw: string): string[] {
  const out: string[] = [];
  const lowerRaw = raw.normalize('NFKC').toLowerCase();
  if (TRACEBACK.test(raw)) out.push('s:traceback');
  if (EXPECTED_BUT.test(lowerRaw)) out.push('s:expected-but');
  if (STEPS.test(lowerRaw)) out.push('s:steps');
  if (CODE.test(raw)) out.push('s:code');
  if (PATH.test(parts.clean)) out.push('s:path');
  if (VERSION_BUMP.test(parts.clean)) out.push('s:version');
  if (isQuestionForm(parts.title)) out.push('s:question-title');
  if (/\?\s*$/m.test(parts.body)) out.push('s:question-body');
  if (!parts.body) out.push('s:title-only');
  if (securityReport(parts.title, parts.clean)) out.push('s:security-report');
  const cc = CONVENTIONAL.exec(parts.title);
  if (cc)
    out.push(
      `s:cc-${cc[1]!
        .toLowerCase()
        .replace(/^docs?$/, 'docs')
        .replace(/^tests?$/, 'test')}`,
    );
  return out;
}

export interface TaskFeatures {
  /** Sorted and unique: the same text always gives the same list. */
  ids: string[];
  /** For word features, the words as the task wrote them ("charged twice" for "b:charg twic"). */
  surface: Map<string, string>;
}

export function taskFeatures(task: string): TaskFeatures {
  const parts = splitTask(task);
  const surface = new Map<string, string>();
  const add = (id: string, text?: string): void => {
    if (!surface.has(id)) surface.set(id, text ?? '');
  };
  const llm = LLM_CONTEXT.test(parts.clean);
  for (const [w, raw] of words(parts.title, llm)) add(`t:${w}`, raw);
  const all = words(parts.clean, llm);
  for (let i = 0; i < all.length; i++) {
    const [w, raw] = all[i]!;
    add(`w:${w}`, raw);
    const next = all[i + 1];
    if (next && !(STOP.has(w) && STOP.has(next[0]))) add(`b:${w} ${next[0]}`, `${raw} ${next[1]}`);
  }
  for (const s of structural(parts, task)) add(s);
  for (const rule of HIGH_RISK_RULES) {
    const m = rule.pattern.exec(parts.clean);
    if (m) add(`r:${rule.id}`, m[0].trim());
  }
  // Cues in the title say more than the same cue deep in a body, so they are features of their own.
  const titleCues: string[] = [];
  for (const cue of KIND_CUES) {
    const inTitle = cue.pattern.exec(parts.title);
    if (inTitle) {
      add(`k:${cue.id}:title`, inTitle[0].replace(/^[^a-z0-9]+/i, ''));
      titleCues.push(cue.id);
    }
    const m = cue.pattern.exec(parts.clean);
    if (m) add(`k:${cue.id}`, m[0].replace(/^[^a-z0-9]+/i, ''));
  }
  // Two cues in one title mean something neither does alone: "fix" + "docs" is docs work, "run" +
  // "tests" on "CI" is a chore, "add" + "tests" is tests-only.
  for (let i = 0; i < titleCues.length; i++)
    for (let j = i + 1; j < titleCues.length; j++) add(`x:${titleCues[i]}+${titleCues[j]}`);
  // The title's opening verb, after any "type(scope):" prefix or "[tag]": what the task does.
  const opening = /^(?:\[[^\]]*\]\s*|\w+(?:\([^)]*\))?!?:\s*)*([a-z]+)/.exec(parts.title);
  if (opening) add(`v:${stem(opening[1]!)}`, opening[1]);
  return { ids: [...surface.keys()].sort(), surface };
}

const STRUCT_LABELS: Record<string, string> = {
  's:traceback': 'a traceback',
  's:expected-but': '“expected … but”',
  's:steps': 'steps to reproduce',
  's:code': 'a code block',
  's:path': 'a file path',
  's:version': 'a version number',
  's:question-title': 'phrased as a question',
  's:question-body': 'asks a question',
  's:title-only': 'a title alone',
  's:security-report': 'reports a security hole',
};

/** How a feature reads to a person: "'charged twice'", "a traceback", "'stripe' (payments / billing)". */
export function featureLabel(id: string, surface?: string): string {
  const label = STRUCT_LABELS[id];
  if (label) return label;
  // A workspace mark (workspaceProfile.ts) carries its own sentence.
  if (id.startsWith('p:')) return surface ?? id;
  if (id.startsWith('s:cc-')) return `“${id.slice(5)}:” prefix`;
  if (id.startsWith('k:')) return surface ? `‘${surface}’${id.endsWith(':title') ? ' in the title' : ''}` : id;
  if (id.startsWith('r:')) {
    const rule = HIGH_RISK_RULES.find((r) => r.id === id.slice(2))?.label ?? id.slice(2);
    return surface ? `‘${surface}’ (${rule})` : rule;
  }
  const words = surface || id.slice(2);
  return id.startsWith('t:') ? `‘${words}’ in the title` : `‘${words}’`;
}
