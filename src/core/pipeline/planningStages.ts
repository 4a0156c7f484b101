// The stages before any edit: the answer to a question, the scout's Findings and the architect's Plan.
// Each runs in its own RoleSession and gets only the task, the locator's candidate files, the files
// it is allowed to read, and the artifacts of earlier roles; with tools on, it explores the workspace
// through the bounded tool loop (toolLoop.ts) before it answers. Each emits its artifact. The run's
// state machine (runState.ts, runSteps.ts) sequences them.
import type { ModelSpec, Stage } from '../config/policySchema';
import type { StageDecision } from '../routing/decisionSchema';
import { AnswerSchema, FindingsSchema, PlanSchema, type Answer, type Findings, type Plan } from '../sessions/artifacts';
import * as P from '../sessions/prompts';
import { RoleSession } from '../sessions/roleSession';
import type { EventInput } from '../stage/runContext';
import type { ExploreKit } from './exploreKit';
import type { CallResult } from '../stage/callResult';
import type { StageRun } from '../stage/stageRun';
import { cutOff, structuredCall } from '../stage/structuredCall';
import { explore } from '../stage/toolLoop';
import type { WorkspaceReader } from './workspaceReader';
import type { RunStage } from './runScope';

/** What a stage needs from the run, built by the planning step (planStep.ts). */
export interface StageKit {
  task: string;
  nonce: string;
  /** Paths the user named (editor context, the task text). */
  userPaths: readonly string[];
  workspace: WorkspaceReader;
  runStage: RunStage;
  /** Reads the user's paths and the safe ones among the model-suggested paths. */
  filesFor(userPaths: readonly string[], modelPaths: readonly string[]): Promise<{ files: P.FileContext[] }>;
  specsOf(chain: ReadonlyArray<{ modelId: string }>): ModelSpec[];
  outBudget(stage: Stage): number;
  emit(event: EventInput): void;
  /** The locator's candidates and the read-only tools (see exploreKit.ts). */
  explore: ExploreKit;
}

export const fileArtifacts = (files: readonly P.FileContext[]): string[] =>
  files.length ? [`files:${files.map((f) => f.path).join(',')}`] : [];

export async function answerQuestion(kit: StageKit, sd: StageDecision): Promise<Answer> {
  const answer = await kit.runStage(sd.stage, 1, kit.specsOf(sd.chain), sd.why, sd.rejected, async (sr) => {
    const [candidates, ctxFiles] = await Promise.all([kit.explore.candidates(), kit.filesFor(kit.userPaths, [])]);
    const session = new RoleSession(sd.stage, P.answerSystem(kit.nonce), kit.outBudget(sd.stage));
    const user = P.answerMessage(kit.task, candidates, ctxFiles.files, kit.nonce);
    const { text, stopReason, maxOutputTokens } = await readThenCall(kit, sr, session, user, [
      'task',
      'candidates',
      ...fileArtifacts(ctxFiles.files),
    ]);
    const note = stopReason === 'max-tokens' ? `\n\n[${cutOff(maxOutputTokens).replace('; keep it shorter', '')}]` : '';
    return AnswerSchema.parse({ text: text.trim() + note });
  });
  kit.emit({ type: 'artifact-ready', stage: sd.stage, round: 1, artifact: { kind: 'answer', value: answer } });
  return answer;
}

/**
 * Sends `user` and returns the reply, letting the role read first through the tool loop when tools
 * are on (the architect's tools for a question; the implementer's read-only set for edits).
 */
export async function readThenCall(
  kit: StageKit,
  sr: StageRun,
  session: RoleSession,
  user: string,
  artifacts: readonly string[],
): Promise<CallResult> {
  const tools = kit.explore.toolsFor(sr.stage === 'implementer' ? 'implementer' : 'architect', kit.nonce);
  if (tools) return explore(sr, session, user, artifacts, tools);
  session.addUser(user);
  return sr.call(session, artifacts);
}

export async function scoutStage(kit: StageKit, sd: StageDecision | undefined): Promise<Findings | undefined> {
  if (!sd) return undefined;
  if (!sd.modelId) {
    kit.emit({ type: 'stage-skipped', stage: 'scout', reason: sd.why });
    return undefined;
  }
  const findings = await kit.runStage('scout', 1, kit.specsOf(sd.chain), sd.why, sd.rejected, async (sr) => {
    const [candidates, ctxFiles] = await Promise.all([kit.explore.candidates(), kit.filesFor(kit.userPaths, [])]);
    const session = new RoleSession('scout', P.scoutSystem(kit.nonce), kit.outBudget('scout'));
    return structuredCall(
      sr,
      session,
      P.scoutMessage(kit.task, candidates, ctxFiles.files, kit.nonce),
      ['task', 'candidates', ...fileArtifacts(ctxFiles.files)],
      FindingsSchema,
      'Findings JSON',
      kit.explore.toolsFor('scout', kit.nonce),
    );
  });
  kit.emit({ type: 'artifact-ready', stage: 'scout', round: 1, artifact: { kind: 'findings', value: findings } });
  return findings;
}

export async function architectStage(
  kit: StageKit,
  sd: StageDecision | undefined,
  findings: Findings | undefined,
): Promise<Plan | undefined> {
  if (!sd) return undefined;
  if (!sd.modelId) {
    kit.emit({ type: 'stage-skipped', stage: 'architect', reason: sd.why });
    return undefined;
  }
  const foundPaths = findings?.relevantFiles.map((f) => f.path) ?? [];
  const plan = await kit.runStage('architect', 1, kit.specsOf(sd.chain), sd.why, sd.rejected, async (sr) => {
    const [files, candidates] = await Promise.all([
      kit.filesFor(kit.userPaths, foundPaths),
      findings ? Promise.resolve([]) : kit.explore.candidates(),
    ]);
    const session = new RoleSession('architect', P.architectSystem(kit.nonce), kit.outBudget('architect'));
    const artifacts = ['task', findings ? 'findings' : 'candidates', ...fileArtifacts(files.files)];
    return structuredCall(
      sr,
      session,
      P.architectMessage(kit.task, findings, files.files, kit.nonce, candidates),
      artifacts,
      PlanSchema,
      'Plan JSON',
      kit.explore.toolsFor('architect', kit.nonce),
    );
  });
  kit.emit({ type: 'artifact-ready', stage: 'architect', round: 1, artifact: { kind: 'plan', value: plan } });
  return plan;
}
