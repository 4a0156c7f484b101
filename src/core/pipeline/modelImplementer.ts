// The implementer as a model that replies with edits: its own RoleSession (the plan, the findings and
// the files it may read, then revisions), a reply cut off or refused is never applied in part, and
// edits that do not resolve exactly go back with the problems MAX_EDIT_RETRIES times before the
// stage fails. The Implementer strategy runSteps' implementing step calls inside the stage.
import type { ModelSpec } from '../config/policySchema';
import type { FileContext } from '../sessions/prompts';
import * as P from '../sessions/prompts';
import { RoleSession } from '../sessions/roleSession';
import { StageFailure } from '../stage/runContext';
import type { StageRun } from '../stage/stageRun';
import { cutOff } from '../stage/structuredCall';
import { resolveImplementerReply, type EditsOutcome } from '../stage/implementerEdits';
import { fileArtifacts, readThenCall } from './planningStages';
import type { Brief, Implemented, Implementer, Revision } from './runState';
import { problemList } from './runScope';

/** An implementer whose edits do not resolve gets the problems back this many times, then the stage fails. */
export const MAX_EDIT_RETRIES = 1;

export interface ModelImplementerInput {
  brief: Brief;
  /** The files the implementer reads with its first message. */
  files: FileContext[];
  /** The first model it will ask: an OpenAI model is asked for the *** Begin Patch format. */
  first: ModelSpec | undefined;
  /** Edits are resolved against the files under this root. */
  root: string;
  /** The residency screen: files an edit problem quotes reach the model too. */
  touch(paths: Iterable<string>): Promise<void>;
  outBudget: number;
}

export class ModelImplementer implements Implementer {
  private readonly session: RoleSession;

  constructor(private readonly input: ModelImplementerInput) {
    const { nonce } = input.brief.kit;
    this.session = new RoleSession(
      'implementer',
      P.implementerSystem(nonce, input.first?.vendor === 'openai' ? 'patch' : 'search-replace'),
      input.outBudget,
    );
  }

  private firstMessage(): string {
    const { kit, plan, findings } = this.input.brief;
    return P.implementerMessage(kit.task, plan, findings, this.input.files, kit.nonce);
  }

  adopt(diff: string): void {
    this.session.addUser(this.firstMessage());
    this.session.addAssistant(diff);
  }

  async implement(sr: StageRun, revision: Revision | undefined): Promise<Implemented> {
    const { kit, plan, findings } = this.input.brief;
    const fresh = revision === undefined;
    const user = fresh ? this.firstMessage() : P.implementerRevision(revision.review, revision.by, kit.nonce);
    const artifacts = fresh
      ? ['task', ...(plan ? ['plan'] : findings ? ['findings'] : []), ...fileArtifacts(this.input.files)]
      : ['review'];
    for (let attempt = 0; ; attempt++) {
      // The first call may read first (tools); a retry after unresolved edits goes straight to the model.
      const { text, spec, stopReason, maxOutputTokens } =
        attempt === 0
          ? await readThenCall(kit, sr, this.session, user, artifacts)
          : await sr.call(this.session, ['edit-problems']);
      const out = await this.resolve(text, stopReason, maxOutputTokens);
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
      await this.input.touch(out.problems.flatMap((p) => (p.path ? [p.path] : [])));
      this.session.addUser(P.implementerResolveFailure(out.problems, kit.nonce));
    }
  }

  /** A reply cut off at the output limit may hold only some of the intended edits: never apply part of a change. */
  private async resolve(text: string, stopReason: string, maxOutputTokens: number): Promise<EditsOutcome> {
    if (stopReason === 'max-tokens')
      return {
        ok: false,
        problems: [{ kind: 'parse', message: `${cutOff(maxOutputTokens)}: send fewer or smaller edits` }],
      };
    if (stopReason === 'refused')
      return { ok: false, problems: [{ kind: 'parse', message: 'the model declined to answer' }] };
    return resolveImplementerReply(text, this.input.root);
  }
}
