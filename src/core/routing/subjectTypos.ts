// Misspelt high-risk subjects ("Secutity issue", "authentification bypass", "pasword reset") read as
// the word they stand for, so the rule layer and the learned model see them. Only the few words a
// missed high-risk task hinges on are known here; a word one keystroke away from one of them (a
// letter changed, added, dropped or two swapped) becomes it, and a few common misspellings further
// away are listed outright. Runs on lower-cased text, a handful of comparisons a word.

const SUBJECTS = [
  'security',
  'secure',
  'vulnerability',
  'vulnerabilities',
  'vulnerable',
  'authentication',
  'authenticate',
  'authenticated',
  'authorization',
  'authorisation',
  'authorized',
  'unauthorized',
  'password',
  'passwords',
  'permission',
  'permissions',
  'injection',
  'credentials',
  'credential',
  'encryption',
  'payment',
  'payments',
  'invoice',
  'invoices',
  'subscription',
  'subscriptions',
  'migration',
  'migrations',
  'traversal',
  'privilege',
  'privileges',
  'sanitize',
  'exploit',
  'malicious',
  'attacker',
];
const KNOWN = new Set(SUBJECTS);

/** Misspellings more than one keystroke away that reporters write often. */
const ALIASES: Record<string, string> = {
  authentification: 'authentication',
  authentified: 'authenticated',
  autentication: 'authentication',
  authetification: 'authentication',
  vulnerabilty: 'vulnerability',
  vulnarability: 'vulnerability',
  vulnerabillity: 'vulnerability',
  vunerability: 'vulnerability',
  vulnerablity: 'vulnerability',
  priviledge: 'privilege',
  priviledges: 'privileges',
  sercurity: 'security',
};

/** Whether a and b are at most one edit apart (substitution, insertion, deletion, adjacent swap). */
function oneEditApart(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (i === a.length && i === b.length) return true;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

function canonical(word: string): string | undefined {
  const alias = ALIASES[word];
  if (alias) return alias;
  // Short words have too many neighbours ("secure" is one edit from "secured", "score" …).
  if (word.length < 7 || KNOWN.has(word)) return undefined;
  return SUBJECTS.find((s) => s[0] === word[0] && s[1] === word[1] && oneEditApart(word, s));
}

/** The text with misspelt high-risk subjects replaced by the word they stand for. */
export function fixSubjectTypos(lower: string): string {
  return lower.replace(/[a-z]{6,}/g, (word) => canonical(word) ?? word);
}
