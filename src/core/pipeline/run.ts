// runTask(): the pipeline for one task as a small state machine —
//   decide → [answer] | [scout] → [architect] → (implement → review → verify)×rounds → [final owner] → gate → apply
// Each role runs in its own RoleSession and receives only typed artifacts; every step is an event.
// Nothing is written here: apply is the host's callback, called only after the review and gates
// allow it and only if the run was not cancelled. Routing, gates and paths come from the policy and
// the code — never from anything a model says.
import { randomBytes, randomUUID } from 'node:crypto';
import type { ModelSpec, Stage } from '../config/policySchema';
import type { ResolvedPlan } from '../edits/editPlan';
import { RunRecorder } from '../ledger/recordFromEvents';
import { classify } from '../routing/classifier';
import { decide } from '../routing/decide';
import { costOf } from '../routing/estimate';
import { classifyWithModel } from '../routing/modelClassifier';
import type { GateCode, RejectedAlternative, StageDecision } from '../routing/decisionSchema';
import { mentionedPaths } from '../routing/stagePlan';
import { noReviewerReason } from '../routing/crossVendorRule';
import type { Review } from '../review/reviewSchema';
import type { DiffArtifact } from '../sessions/artifacts';
import { ContextBoundaryLog } from '../sessions/contextBoundary';
import * as P from '../sessions/prompts';
import { RoleSession } from '../sessions/roleSession';
import { BudgetGuard } from '../stage/budget';
import { planEscalation, workspaceReviewerGate, type GateReason } from './escalation';
import type { Artifact, ErrorInfo, Outcome, PipelineEvent, StageSnapshot } from '../stage/events';
import { protectedHitsOnDisk } from '../paths/protectedPaths';
import { looksSecret } from '../paths/secretPaths';
import { RunCancelled, StageFailure, type EventInput, type RunContext } from '../stage/runContext';
import type { GateAnswer, RunResult, RunTaskOptions } from './runTypes';
import { diffArtifactOf, resolveImplementerReply, type EditsOutcome } from './implementerEdits';
import { criticCandidates, finalOwnerCandidates } from './runtimeCandidates';
import {
  answerQuestion,
  architectStage,
  fileArtifacts,
  readThenCall,
  scoutStage,
  type StageKit,
} from './planningStages';
import { likelyFilesForResidency, makeExploreKit } from './exploreKit';
import { sharedCodebase } from '../context/codebase';
import { ripgrepOnPath } from '../context/ripgrepPath';
import { criticReview } from './criticStage';
import { GateAnswerError, readGateAnswer } from './gateAnswer';
import { finalOwnerReview } from './finalOwnerStage';
import { StageRun } from '../stage/stageRun';
import { cutOff } from '../stage/structuredCall';
import { residencyPaths } from '../residency/residencyPaths';
import { residencyViolations } from '../residency/residencyRules';
import { safeContextFiles } from './safeContextFiles';
import { verifyNoteForCritic } from '../verify/verifyFinding';
import { verifyReviewedDiff, withTestFailure, type Tested } from './verifyStep';

/** An implementer whose edits do not resolve gets the problems back this many times, then the stage fails. */
export const MAX_EDIT_RETRIES = 1;
/** A person may send the change back from the gate this many times within one run. */
export const MAX_HUMAN_SEND_BACKS = 3;

export async function runTask(opts: RunTaskOptions): Promise<RunResult> {
  const now = opts.now ?? Date.now;
  const runId = opts.runId ?? randomUUID();
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  const policy = opts.policy;
  const recorder = new RunRecorder();
  const listeners = [recorder.listener, ...(opts.listeners ?? [])];
  const snapshots: StageSnapshot[] = [];
  const ac = new AbortController();
  const onOuterAbort = () => ac.abort(opts.signal?.reason);
  if (opts.signal?.aborted) ac.abort(opts.signal.reason);
  opts.signal?.addEventListener('abort', onOuterAbort, { once: true });

  const emit = (e: EventInput): void => {
    const full = { ...e, runId, at: now() } as PipelineEvent;
    if (full.type === 'stage-finished' || full.type === 'stage-failed') snapshots.push(full.snapshot);
    for (const l of listeners) {
      try {
        l(full);
      } catch {
        // A broken listener (a closed panel) must not break the run.
      }
    }
  };
  const ctx: RunContext = {
    runId,
    policy,
    signal: ac.signal,
    boundary: opts.boundary ?? new ContextBoundaryLog(),
    budget: new BudgetGuard(policy.rules.budgets, opts.priceLookup),
    // One client per model per run: building an SDK client on every call is wasted work.
    providerFor: memoize(opts.providerFor),
    priceLookup: opts.priceLookup,
    resilience: opts.resilience,
    emit,
    onRetry: opts.onRetry,
    now,
    providerMs: 0,
    providerCpuMs: 0,
    touchedFiles: new Set(),
  };
  /** Files whose contents are about to reach a role: the residency rules screen every call against them. */
  const touch = async (paths: Iterable<string>) => {
    for (const p of await residencyPaths(opts.root, paths)) ctx.touchedFiles!.add(p);
  };
  ctx.noteRead = touch;

  const contextPaths = [...(opts.context?.filePaths ?? []), ...mentionedPaths(opts.task)];
  /** Tokens and cost spent outside any stage (the classifier model), added to the run's totals. */
  const extra = { tokensIn: 0, tokensOut: 0, costUsd: 0 };
  const codebase = opts.codebase ?? sharedCodebase(opts.root, { isSecret: looksSecret, rgPath: ripgrepOnPath() });
  const editor = opts.editor ?? { activeFile: opts.context?.filePaths?.[0] };
  const decision = opts.decision ?? (await makeDecision());

  async function makeDecision() {
    const local = classify(opts.task, { ...opts.context, filePaths: contextPaths });
    let classification = local;
    const notes: string[] = [];
    const id = policy.classifier.model;
    // A configured model refines only the calls the local classifier was unsure of: a confident
    // local call costs nothing and waits for no one.
    const unsure = local.calls ? local.calls.kind.uncertain || local.calls.risk.uncertain : true;
    const spec = id && unsure ? policy.models.find((m) => m.id === id) : undefined;
    const files = await residencyPaths(opts.root, contextPaths);
    // Rules scoped to paths also weigh the files the locator ranks for the task (see decide.ts).
    const likelyFiles = await likelyFilesForResidency(policy, codebase, opts.task, editor);
    if (spec) {
      // The classifier reads the task (and the selection in it): rules for every stage cover it too.
      const missing = opts.availability(spec) ?? residencyViolations(policy, undefined, spec, files)[0]?.reason;
      if (missing) notes.push(`classifier model ${spec.id} not used: ${missing}; the local classification stands`);
      else {
        const timeouts = {
          ...policy.rules.timeouts,
          firstTokenSeconds: Math.min(15, policy.rules.timeouts.firstTokenSeconds),
          totalSeconds: Math.min(30, policy.rules.timeouts.totalSeconds),
        };
        const r = await classifyWithModel(opts.task, local, await ctx.providerFor(spec), {
          retry: { ...policy.rules.retry, maxAttempts: 1 },
          timeouts,
          sleep: opts.resilience?.sleep,
          signal: ac.signal,
        });
        classification = r.classification;
        if (r.warning) notes.push(r.warning);
        if (r.usage) {
          extra.tokensIn += r.usage.inputTokens;
          extra.tokensOut += r.usage.outputTokens;
          const cost = costOf(spec, r.usage, opts.priceLookup);
          extra.costUsd += cost;
          ctx.budget.recordUnstaged(cost);
        }
      }
    }
    const d = decide(classification, policy, opts.availability, {
      task: opts.task,
      knownFiles: contextPaths.length,
      files,
      likelyFiles,
      priceLookup: opts.priceLookup,
      localClassification: classification === local ? undefined : local,
    });
    return { ...d, warnings: [...d.warnings, ...notes] };
  }
  emit({ type: 'decision-made', decision });
  // The task names these files (and carries the selection): every role's request carries them.
  await touch(decision.files ?? contextPaths);

  const state: Partial<Pick<RunResult, 'answer' | 'diff' | 'resolved' | 'review'>> = {};
  let stagePasses = 0;
  /** Time inside the host's callbacks (gate, apply): the host's work, not the pipeline's. */
  let hostMs = 0;
  let hostCpuMs = 0;
  let outcome: Outcome;
  let message: string;
  let error: ErrorInfo | undefined;

  // ── helpers ───────────────────────────────────────────────────────────────────────────────
  const byId = new Map(policy.models.map((m) => [m.id, m]));
  const specsOf = (chain: ReadonlyArray<{ modelId: string }>): ModelSpec[] =>
    chain.map((c) => byId.get(c.modelId)).filter((m): m is ModelSpec => !!m);
  const stageOf = (s: Stage): StageDecision | undefined => decision.stages.find((d) => d.stage === s);
  const outBudget = (s: Stage): number => policy.rules.budgets.perStageOutputTokens?.[s] ?? Infinity;

  async function runStage<T>(
    stage: Stage,
    round: number,
    candidates: ModelSpec[],
    why: string,
    rejected: RejectedAlternative[],
    work: (sr: StageRun) => Promise<T>,
  ): Promise<T> {
    if (ac.signal.aborted) throw new RunCancelled();
    const sr = new StageRun(ctx, stage, round, candidates, why, rejected);
    stagePasses++;
    try {
      const value = await work(sr);
      sr.finish();
      return value;
    } catch (e) {
      if (e instanceof RunCancelled) sr.fail({ kind: 'cancelled', message: 'cancelled' }, 'cancelled');
      else if (e instanceof StageFailure) sr.fail(e.info);
      else sr.fail({ kind: 'internal', message: (e as Error).message });
      throw e;
    }
  }

  /** Files are read only when safe (paths/modelRead.ts): protected or secret-looking ones, by name or by what a link points to, never unless the user named them. */
  async function filesFor(userPaths: readonly string[], modelPaths: readonly string[]) {
    const read = await safeContextFiles(opts.root, opts.workspace, policy.rules.protectedPaths, userPaths, modelPaths);
    await touch(read.files.map((f) => f.path));
    return read;
  }

  async function askGate(
    codes: GateCode[],
    reasons: string[],
    diff: DiffArtifact | undefined,
    review: Review | undefined,
  ): Promise<GateAnswer> {
    const gateId = `${runId}:gate:${randomBytes(3).toString('hex')}`;
    emit({ type: 'gate-waiting', gateId, reasons });
    const aborted = new Promise<never>((_, reject) => {
      if (ac.signal.aborted) reject(new RunCancelled());
      ac.signal.addEventListener('abort', () => reject(new RunCancelled()), { once: true });
    });
    aborted.catch(() => {});
    const t0 = performance.now();
    let approved: GateAnswer;
    try {
      approved = await Promise.race([
        opts.gate({ gateId, codes, reasons, diff, review, resolved: state.resolved, signal: ac.signal }),
        aborted,
      ]);
    } finally {
      hostMs += performance.now() - t0;
    }
    emit({
      type: 'gate-resolved',
      gateId,
      approved: approved === true || (typeof approved === 'object' && 'apply' in approved),
      ...(typeof approved === 'object' && 'sendBack' in approved ? { sentBack: true } : {}),
    });
    if (ac.signal.aborted) throw new RunCancelled();
    return approved;
  }

  // ── the run ───────────────────────────────────────────────────────────────────────────────
  async function execute(): Promise<{ outcome: Outcome; message: string }> {
    if (decision.blockedReason) {
      const kind = decision.gates.some((g) => g.code === 'residency') ? 'residency' : 'no-model';
      throw new StageFailure({ kind, message: decision.blockedReason });
    }
    const nonce = randomBytes(9).toString('hex');
    // The roles read what the host attached (the editor's selection); routing and the record do not.
    const task = opts.attachedContext ? `${opts.task}\n\n${opts.attachedContext}` : opts.task;
    const userPaths = contextPaths;

    const kit: StageKit = {
      task,
      nonce,
      userPaths,
      workspace: opts.workspace,
      runStage,
      filesFor,
      specsOf,
      outBudget,
      emit,
      explore: makeExploreKit(codebase, policy, task, userPaths, editor),
    };
    if (!decision.producesEdits) {
      state.answer = await answerQuestion(kit, decision.stages[0]!);
      return { outcome: 'answered', message: 'answered; a question changes no files' };
    }
    /** An earlier run's artifact stands in for its stage: shown as skipped, emitted as if the stage had run. */
    const reused = <A extends Extract<Artifact, { kind: 'findings' | 'plan' }>>(
      stage: Stage,
      artifact?: A,
    ): A['value'] | undefined => {
      if (!artifact || !stageOf(stage)) return undefined;
      emit({ type: 'stage-skipped', stage, reason: `${artifact.kind} reused from ${opts.reuse!.from}` });
      emit({ type: 'artifact-ready', stage, round: 1, artifact });
      return artifact.value;
    };
    const { findings: oldFindings, plan: oldPlan } = opts.reuse ?? {};
    // An earlier run's artifacts carry what their roles read: at least the files they name.
    await touch([...(oldFindings?.relevantFiles.map((f) => f.path) ?? []), ...(oldPlan?.filesToTouch ?? [])]);
    const findings =
      reused('scout', oldFindings && { kind: 'findings', value: oldFindings }) ??
      (await scoutStage(kit, stageOf('scout')));
    const foundPaths = findings?.relevantFiles.map((f) => f.path) ?? [];
    const plan =
      reused('architect', oldPlan && { kind: 'plan', value: oldPlan }) ??
      (await architectStage(kit, stageOf('architect'), findings));

    // implement ⇄ review
    const implD = stageOf('implementer')!;
    let implCandidates = specsOf(implD.chain);
    const implSession = new RoleSession(
      'implementer',
      P.implementerSystem(nonce, implCandidates[0]?.vendor === 'openai' ? 'patch' : 'search-replace'),
      outBudget('implementer'),
    );
    const implFiles = await filesFor(userPaths, [...foundPaths, ...(plan?.filesToTouch ?? [])]);
    let implWhy = implD.why;
    let implRejected = implD.rejected;
    let lastCritic: { review: Review; spec: ModelSpec } | undefined;
    let implementerVendor = '';
    let roundsExhausted = false;
    let noReviewer: string | undefined;
    let diff!: DiffArtifact;
    let resolved!: ResolvedPlan;
    const criticReviews: Review[] = [];
    /** What the implementer is asked to fix next: the critic's review, or a person's at the gate. */
    let revision: { review: Review; by: string } | undefined;
    let lastRound = 0;
    let humanSendBacks = 0;
    let lastTested: Tested | undefined;

    /** The policy's test command on this round's diff, in the host's sandbox; not run on a blocked change. */
    async function testRound(round: number, verdict: Review['verdict'] | undefined): Promise<Tested | undefined> {
      if (!policy.verify || !opts.verify) return undefined;
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const verify = opts.verify;
      lastTested = await verifyReviewedDiff({ round, resolved, verdict, verify, signal: ac.signal, emit }).finally(
        () => {
          hostMs += performance.now() - t0;
          hostCpuMs += cpuSince(c0);
        },
      );
      if (ac.signal.aborted) throw new RunCancelled();
      return lastTested;
    }
    /** The diff written when a person accepted suggestions at the gate (the reviewed one otherwise). */
    let editedAtGate: string | undefined;

    /** The earlier run's change, when it still fits the files: reviewed as this run's first round. */
    async function reusedImplementation() {
      const given = opts.reuse?.implementation;
      const spec = given && byId.get(given.modelId);
      if (!given || !spec) return undefined;
      const out = await resolveImplementerReply(given.diff, opts.root);
      if (!out.ok) {
        emit({
          type: 'stage-skipped',
          stage: 'implementer',
          reason: `the change from ${opts.reuse!.from} no longer fits the files (${problemList(out.problems.slice(0, 2))}); asking the implementer again`,
        });
        return undefined;
      }
      // Its session starts as if it had written this change here, so a revision has its history.
      implSession.addUser(P.implementerMessage(task, plan, findings, implFiles.files, nonce));
      implSession.addAssistant(given.diff);
      emit({
        type: 'stage-skipped',
        stage: 'implementer',
        reason: `change by ${spec.id} reused from ${opts.reuse!.from}`,
      });
      return { resolved: out.resolved, spec, why: implWhy, rejected: implRejected };
    }

    // One pass of: implement ⇄ review (bounded rounds), escalation, gate. A person at the gate may
    // send the change back with their findings: then another pass, in the same run (bounded too).
    for (;;) {
      roundsExhausted = false;
      noReviewer = undefined;
      const firstRound = lastRound + 1;
      for (let round = firstRound; ; round++) {
        lastRound = round;
        const reusedImpl = round === 1 && !revision ? await reusedImplementation() : undefined;
        const impl =
          reusedImpl ??
          (await runStage('implementer', round, implCandidates, implWhy, implRejected, async (sr) => {
            const fresh = revision === undefined;
            const user = fresh
              ? P.implementerMessage(task, plan, findings, implFiles.files, nonce)
              : P.implementerRevision(revision!.review, revision!.by, nonce);
            revision = undefined;
            const artifacts = fresh
              ? ['task', ...(plan ? ['plan'] : findings ? ['findings'] : []), ...fileArtifacts(implFiles.files)]
              : ['review'];
            for (let attempt = 0; ; attempt++) {
              // The first call may read first (tools); a retry after unresolved edits goes straight to the model.
              const { text, spec, stopReason, maxOutputTokens } =
                attempt === 0
                  ? await readThenCall(kit, sr, implSession, user, artifacts)
                  : await sr.call(implSession, ['edit-problems']);
              // A reply cut off at the output limit may hold only some of the intended edits: never apply part of a change.
              const out: EditsOutcome =
                stopReason === 'max-tokens'
                  ? {
                      ok: false,
                      problems: [{ kind: 'parse', message: `${cutOff(maxOutputTokens)}: send fewer or smaller edits` }],
                    }
                  : stopReason === 'refused'
                    ? { ok: false, problems: [{ kind: 'parse', message: 'the model declined to answer' }] }
                    : await resolveImplementerReply(text, opts.root);
              if (out.ok) return { resolved: out.resolved, spec, why: sr.snapshot.why, rejected: sr.snapshot.rejected };
              if (attempt >= MAX_EDIT_RETRIES) {
                const list = problemList(out.problems.slice(0, 5));
                throw new StageFailure({
                  kind: 'edit-resolve',
                  message: `The implementer's edits could not be applied exactly, even after one retry: ${list}. Nothing was changed.`,
                  modelId: spec.id,
                });
              }
              // The problems quote the files the edits aimed at (closest text): those reach the model too.
              await touch(out.problems.flatMap((p) => (p.path ? [p.path] : [])));
              implSession.addUser(P.implementerResolveFailure(out.problems, nonce));
            }
          }));
        // The next round starts with the model that worked (a fallback stays in charge).
        implCandidates = implCandidates.slice(
          Math.max(
            0,
            implCandidates.findIndex((m) => m.id === impl.spec.id),
          ),
        );
        implWhy = impl.why;
        implRejected = impl.rejected;
        implementerVendor = impl.spec.vendor;
        resolved = impl.resolved;
        diff = diffArtifactOf(resolved);
        await touch(diff.files);
        state.diff = diff;
        state.resolved = resolved;
        emit({ type: 'artifact-ready', stage: 'implementer', round, artifact: { kind: 'diff', value: diff } });

        const critics = criticCandidates(policy, decision, opts.availability, implementerVendor);
        if (critics.specs.length === 0) {
          noReviewer = noReviewerReason(
            implementerVendor,
            critics.considered.map((m) => ({ modelId: m.id, vendor: m.vendor })),
          );
          emit({ type: 'stage-skipped', stage: 'critic', reason: noReviewer });
          await testRound(round, undefined);
          break;
        }
        const review = await criticReview(kit, {
          critics,
          round,
          plan,
          diff,
          resolved,
          previous: lastCritic?.review,
          implementerVendor,
          mustDiffer: policy.rules.reviewerVendorMustDiffer,
        });
        // verify — after the review, never on a change the critic blocked; failing tests are a finding.
        const tested = await testRound(round, review.review.verdict);
        const checked = withTestFailure(review.review, tested);
        lastCritic = { review: checked, spec: review.spec };
        criticReviews.push(checked);
        const by = tested?.failed ? `${review.spec.id}, and the project's test command` : review.spec.id;
        if (checked.verdict === 'request-changes') revision = { review: checked, by };
        if (checked.verdict !== 'request-changes') break;
        if (round - firstRound + 1 > policy.rules.maxReviewRounds) {
          roundsExhausted = true;
          revision = undefined;
          break;
        }
      }

      // escalation
      const touched = diff.files;
      const protectedHits = await protectedHitsOnDisk(opts.root, touched, policy.rules.protectedPaths);
      const esc = planEscalation(policy, {
        risk: decision.risk,
        protectedHits,
        diffLines: diff.addedLines + diff.removedLines,
        roundsExhausted,
        criticVerdict: lastCritic?.review.verdict,
        noReviewer,
      });
      const human: GateReason[] = [...esc.human];
      let finalReview = lastCritic?.review;
      let finalVerdict = lastCritic?.review.verdict;
      const reviewers = [lastCritic?.spec.id];
      if (esc.finalOwner.length) {
        const fo = finalOwnerCandidates(policy, decision, opts.availability, implementerVendor, lastCritic?.spec.id);
        if (fo.length === 0) {
          human.push({
            code: 'escalation',
            reason: `escalation wanted a final owner (${esc.finalOwner.join('; ')}) but no model in stages.finalOwner is ready`,
          });
        } else {
          const r = await finalOwnerReview(kit, {
            candidates: fo,
            planned: stageOf('finalOwner'),
            reasons: esc.finalOwner,
            plan,
            diff,
            resolved,
            criticReviews,
            implementerVendor,
            round: lastRound,
            verification: lastTested && verifyNoteForCritic(lastTested.outcome),
          });
          const checked = r.review;
          finalReview = checked;
          finalVerdict = checked.verdict;
          reviewers.push(r.spec.id);
          if (checked.verdict === 'block' && lastCritic?.review.verdict !== 'block' && policy.rules.humanGate.onBlock)
            human.push({ code: 'block', reason: `the final owner (${r.spec.id}) blocked this change` });
          if (checked.verdict === 'request-changes' && policy.rules.escalation.onDisagreement && !roundsExhausted) {
            human.push({ code: 'escalation', reason: `the final owner (${r.spec.id}) asked for changes` });
          }
        }
      }
      state.review = finalReview;
      const byWorkspace = workspaceReviewerGate(opts.unvettedModelIds, reviewers);
      if (byWorkspace) human.push(byWorkspace);

      // What the verdict allows before any gate.
      if (finalVerdict === 'block' && !policy.rules.humanGate.onBlock) {
        emit({ type: 'rejected', reason: 'blocked by the reviewer (rules.humanGate.onBlock is off)' });
        return {
          outcome: 'rejected',
          message: `rejected: ${finalReview?.summary || 'the reviewer blocked the change'}`,
        };
      }
      if (finalVerdict === 'request-changes' && !human.some((h) => h.code === 'escalation')) {
        emit({ type: 'rejected', reason: 'the reviewer still asks for changes and no escalation applies' });
        return {
          outcome: 'rejected',
          message: `rejected: review rounds ran out without approval (${policy.rules.maxReviewRounds} allowed)`,
        };
      }

      // gate
      const uniqueHuman = human.filter((h, i) => human.findIndex((x) => x.reason === h.reason) === i);
      if (uniqueHuman.length) emit({ type: 'escalated', to: 'human', reasons: uniqueHuman.map((h) => h.reason) });
      if (uniqueHuman.length || opts.confirmEveryApply) {
        const reasons = uniqueHuman.length
          ? uniqueHuman.map((h) => h.reason)
          : [`${lastCritic?.spec.id ?? 'the reviewer'} approved the change; apply it?`];
        const answer = readGateAnswer(
          await askGate([...new Set(uniqueHuman.map((h) => h.code))], reasons, diff, finalReview),
          resolved,
          uniqueHuman.length > 0,
        );
        if (answer.kind === 'send-back') {
          if (humanSendBacks >= MAX_HUMAN_SEND_BACKS) {
            emit({ type: 'rejected', reason: `sent back more than ${MAX_HUMAN_SEND_BACKS} times` });
            return {
              outcome: 'rejected',
              message: `rejected: sent back ${MAX_HUMAN_SEND_BACKS} times already; start a new run with a clearer task`,
            };
          }
          humanSendBacks++;
          revision = {
            review: { verdict: 'request-changes', summary: answer.note, findings: answer.answer.findings ?? [] },
            by: 'a person at the review gate',
          };
          continue;
        }
        if (answer.kind === 'reject') {
          emit({ type: 'rejected', reason: answer.reason });
          const why = answer.reason === 'declined at the human gate' ? ' at the human gate' : `: ${answer.reason}`;
          return { outcome: 'rejected', message: `rejected${why}; nothing was applied` };
        }
        if (answer.edited) {
          resolved = answer.plan;
          state.resolved = resolved;
          editedAtGate = diffArtifactOf(resolved).diff;
        }
      }
      break;
    }

    // apply — never after a cancellation
    if (ac.signal.aborted) throw new RunCancelled();
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const applied = await opts.apply(resolved).finally(() => {
      hostMs += performance.now() - t0;
      const c = process.cpuUsage(c0);
      hostCpuMs += (c.user + c.system) / 1000;
    });
    if (!applied.ok) {
      throw new StageFailure({
        kind: 'apply',
        message: `The change could not be applied: ${problemList(applied.problems)}. Nothing was written.`,
      });
    }
    emit({ type: 'applied', files: applied.written, ...(editedAtGate ? { diff: editedAtGate } : {}) });
    return { outcome: 'applied', message: `applied to ${applied.written.length} file(s)` };
  }

  try {
    ({ outcome, message } = await execute());
  } catch (e) {
    if (e instanceof RunCancelled || (ac.signal.aborted && !(e instanceof StageFailure))) {
      outcome = 'cancelled';
      message = 'cancelled; nothing was applied';
      emit({
        type: 'cancelled',
        reason: typeof opts.signal?.reason === 'string' ? opts.signal.reason : 'cancelled by the user',
      });
    } else if (e instanceof GateAnswerError) {
      outcome = 'failed';
      error = { kind: 'apply', message: e.message };
      message = e.message;
    } else if (e instanceof StageFailure) {
      outcome = 'failed';
      error = e.info;
      message = e.info.message;
    } else {
      outcome = 'failed';
      error = { kind: 'internal', message: `Switchyard failed unexpectedly: ${(e as Error).message}` };
      message = error.message;
    }
  } finally {
    opts.signal?.removeEventListener('abort', onOuterAbort);
  }

  const totals = {
    tokensIn: extra.tokensIn + snapshots.reduce((n, s) => n + s.tokensIn, 0),
    tokensOut: extra.tokensOut + snapshots.reduce((n, s) => n + s.tokensOut, 0),
    costUsd: extra.costUsd + snapshots.reduce((n, s) => n + s.costUsd, 0),
    elapsedMs: Math.round(performance.now() - wall0),
  };
  emit({ type: 'run-finished', outcome, message, totals, error });
  return {
    runId,
    outcome,
    message,
    decision,
    ...state,
    record: recorder.record()!,
    boundary: ctx.boundary,
    timing: {
      wallMs: performance.now() - wall0,
      providerMs: ctx.providerMs,
      hostMs,
      cpuMs: cpuSince(cpu0),
      providerCpuMs: ctx.providerCpuMs,
      hostCpuMs,
      stagePasses,
    },
  };
}

function cpuSince(c0: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

function memoize(make: RunTaskOptions['providerFor']): RunTaskOptions['providerFor'] {
  const made = new Map<string, ReturnType<RunTaskOptions['providerFor']>>();
  return (spec) => {
    let p = made.get(spec.id);
    if (!p) {
      p = make(spec);
      made.set(spec.id, p);
    }
    return p;
  };
}

/** Problems as one sentence: each names its file once, and no message's own full stop doubles ours. */
function problemList(problems: ReadonlyArray<{ path?: string; message: string }>): string {
  return problems
    .map((p) => {
      const message = p.message.replace(/[.\s]+$/, '');
      return p.path && !message.startsWith(p.path) ? `${p.path}: ${message}` : message;
    })
    .join('; ');
}
