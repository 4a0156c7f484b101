// Terms for lexical matching. Code names things in compounds (parseHeaderValue, parse_header,
// HTTPServer), tasks in words ("parse the header value"), so both sides are cut into the same
// lower-case subwords, lightly stemmed (headers → header, parsing → pars). A whole identifier is
// kept as a term of its own too, so a task that names `parseHeaderValue` matches it exactly.

const IDENT = /[A-Za-z_$][A-Za-z0-9_$]*/g;
// A word part with the digits that follow it (oauth2, HTTP2, Base64): see splitSubwords.
const SUBWORD = /[A-Z]+(?![a-z])[0-9]*|[A-Z]?[a-z]+[0-9]*|[0-9]+/g;

/** Words too common in code or in tasks to say anything about where a change goes. */
export const STOP = new Set(
  // English
  (
    'a an the and or but not no nor of to in on at by for from with without into onto over under as is are was were be been ' +
    'being it its this that these those there here then than so if else when while where which who whom what why how do does ' +
    'did done can could should would will shall may might must have has had i we you he she they them our your their my me us ' +
    'all any some each every more most less few many much also just only very too via per vs etc eg ie e g ' +
    // task verbs that name the kind of change, not the place
    'fix fixes fixed fixing add adds added adding support supports allow allows use uses using update updates updated make makes ' +
    'remove removes removed change changes changed improve improves improved handle handles handled ensure correct correctly ' +
    'properly issue issues bug bugs problem instead new now when should prevent avoid refactor cleanup clean minor small ' +
    // keywords and names every file has
    'const let var function return true false null undefined none nil self this new import export from default class def func ' +
    'fn pub mut impl struct enum type interface package public private protected static void int string bool async await try ' +
    'catch throw throws raise except finally elif lambda yield with assert pass break continue case switch err error ok'
  ).split(' '),
);

export function stem(word: string): string {
  let w = word;
  if (w.length > 4 && w.endsWith('ies')) return w.slice(0, -3) + 'y';
  if (w.length > 4 && w.endsWith('sses')) return w.slice(0, -2);
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ed') && !w.endsWith('eed')) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  // parse/parsing/parsed/parser all meet at "pars"; a trailing e or er is dropped the same way.
  if (w.length > 4 && w.endsWith('er')) w = w.slice(0, -2);
  if (w.length > 3 && w.endsWith('e')) w = w.slice(0, -1);
  return w;
}

const splitCache = new Map<string, string[]>();

/** The stemmed subwords of one identifier (cached: code repeats its identifiers endlessly). */
export function subwords(ident: string): string[] {
  let out = splitCache.get(ident);
  if (out) return out;
  out = splitSubwords(ident);
  if (splitCache.size > 200_000) splitCache.clear();
  splitCache.set(ident, out);
  return out;
}

/**
 * subwords() without its cache, for callers that keep their own (the index's TermDict). A part that
 * ends in digits yields its letters and also the part whole (oauth2 → oauth, oauth2; V2 → v2): the
 * number tells apart what the letters alone cannot (oauth2 from oauth, redshift2 from redshift).
 * `written`, when given, gets each stem's first form as written (lower-cased: "authent" →
 * "authentication"), for reasons a person reads.
 */
export function splitSubwords(ident: string, written?: Map<string, string>): string[] {
  const out: string[] = [];
  for (const m of ident.matchAll(SUBWORD)) {
    const whole = m[0].toLowerCase();
    const w = whole.replace(/[0-9]+$/, '');
    if (!w) continue;
    if (w.length >= 2 && !STOP.has(w)) {
      const s = stem(w);
      out.push(s);
      if (written && !written.has(s)) written.set(s, w);
    }
    if (w !== whole) out.push(whole);
  }
  return out;
}

/** The whole identifier as a term when it is more than its one subword (parseHeader → parseheader), else undefined. */
export function compoundTerm(ident: string): string | undefined {
  const parts = subwords(ident);
  if (parts.length < 2) return undefined;
  const whole = identTerm(ident);
  return parts.includes(whole) ? undefined : whole;
}

/** The whole identifier as a term: lower case, no separators, so parse_header and parseHeader meet. */
export function identTerm(ident: string): string {
  return ident.toLowerCase().replace(/[_$]/g, '');
}

/** A file's terms: ids sorted ascending with their counts, and the sum of the counts (BM25's length). */
export interface FileTerms {
  tids: Uint32Array;
  tfs: Uint32Array;
  length: number;
}

/** What fileTerms needs of the index's TermDict (termDict.ts), declared here so neither module imports the other. */
export interface TermCounts {
  readonly size: number;
  identTerms(ident: string): readonly number[];
  /** The terms of the identifier bytes[start, end), whose hash was computed while scanning. */
  identTermsAt(bytes: Uint8Array, start: number, end: number, hash: number): readonly number[];
  counters(): Int32Array;
}

/**
 * Every term of a file, counted: the subwords of each identifier, and compound identifiers (more
 * than one subword) whole as their own terms. One pass over the file's bytes — identifiers are
 * ASCII, and bytes keep the loop on one representation where strings come one- or two-byte — with
 * each identifier hashed as it is scanned; counts go into the dictionary's scratch array by id, so
 * no per-file Map is built.
 */
export function fileTerms(bytes: Uint8Array, dict: TermCounts): FileTerms {
  let acc = dict.counters();
  const touched: number[] = [];
  let length = 0;
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const c = bytes[i]!;
    if (isIdentStart(c)) {
      const start = i;
      // FNV-1a as the scan goes (identHash in termDict.ts).
      let h = Math.imul(0x811c9dc5 ^ c, 0x01000193);
      for (i++; i < n && isIdentPart(bytes[i]!); i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
      if (i - start < 2 || i - start > 64) continue;
      const ids = dict.identTermsAt(bytes, start, i, h);
      if (dict.size > acc.length) acc = dict.counters();
      for (let k = 0; k < ids.length; k++) {
        const t = ids[k]!;
        if (acc[t] === 0) touched.push(t);
        acc[t]!++;
      }
      length += ids.length;
    } else if (c >= 48 && c <= 57) {
      // A number: skip it whole so "0x1f" or "10px" does not yield identifiers.
      for (i++; i < n && isIdentPart(bytes[i]!); i++);
    } else i++;
  }
  const tids = Uint32Array.from(touched).sort();
  const tfs = new Uint32Array(tids.length);
  for (let k = 0; k < tids.length; k++) {
    tfs[k] = acc[tids[k]!]!;
    acc[tids[k]!] = 0;
  }
  return { tids, tfs, length };
}

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

/** Terms of a path: each folder and the file name cut into subwords (src/http/headerParser.ts → src, http, header, pars). */
export function pathTerms(path: string): string[] {
  const noExt = path.replace(/\.[A-Za-z0-9]+$/, '');
  const out: string[] = [];
  for (const seg of noExt.split(/[/\\]/)) {
    for (const m of seg.matchAll(IDENT)) {
      out.push(...subwords(m[0]));
      const whole = compoundTerm(m[0]);
      if (whole) out.push(whole);
    }
  }
  return out;
}
