// The locator's weights, in one place. Tuned on the repositories listed as "tune" in
// bench/localization/commits.json and checked on the others (see bench/localization.mjs).
export const W = {
  /** BM25 over identifier subwords. */
  k1: 1.2,
  b: 0.5,
  /** A task word in the file name / in a folder name, times its path IDF. */
  fileNameTerm: 2.0,
  dirTerm: 0.7,
  /** A path term that the subject's scope names (`fix(complete): …`), times its usual weight. */
  scopePath: 6,
  /** A scope term in the file name (not a folder): account.py under `feat(account): …`. */
  scopeName: 4,
  /** Share of a best match's score lent to the files that change with it, by how often; from how many best matches. */
  coChange: 0.3,
  coChangeFrom: 3,
  /** BM25 of the subjects of the commits that changed a file (historySubjects.ts): its share, and BM25's k1 and b for it. */
  subjects: 0.75,
  subjectK1: 1.2,
  subjectB: 0.5,
  /** Paths the task names. */
  pathNamed: 40,
  fileNameNamed: 25,
  dirNamed: 4,
  /** A compound identifier the task names, used in the file. */
  identifierUsed: 3,
  /** Definitions (quickOutline's names, every file). */
  definesNamed: 12,
  defTerm: 0.6,
  defCap: 8,
  /** Defines a name the task writes capitalised (`Command`), exactly. */
  definesCapitalised: 8,
  /** Share of a matching test's score its source file inherits. */
  testTwin: 0.5,
  /** Role multipliers. */
  test: 0.55,
  testWhenAsked: 1.1,
  docs: 0.25,
  docsWhenAsked: 0.9,
  config: 0.35,
  data: 0.2,
  /** Priors: PageRank and history, as multipliers on the lexical score. */
  rank: 0.35,
  history: 0.3,
  /** Editor context, as a share of the best score. */
  activeFile: 1.2,
  activeNeighbour: 0.3,
  openFile: 0.1,
};
