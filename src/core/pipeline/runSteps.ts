// The run after its decision, as its states: planning once, then one step per state until done.
// Each step is a function of the run's scope and its typed state (runState.ts) returning the next
// state; the transitions are all here, in one switch.
import { applyStep } from './applyStep';
import { escalationStep } from './escalationStep';
import { gateStep } from './gateStep';
import { implementStep, startWork } from './implementStep';
import { planStep } from './planStep';
import { reviewStep } from './reviewStep';
import type { Done, Phase, RunState } from './runState';
import type { RunScope } from './runScope';
import { verifyingStep } from './verifyingStep';

export async function runSteps(scope: RunScope): Promise<Done> {
  const planned = await planStep(scope);
  if (planned.step === 'done') return planned;
  const state = await startWork(scope, planned.brief);
  try {
    let phase: Phase = { step: 'implementing' };
    while (phase.step !== 'done') phase = await nextPhase(scope, state, phase);
    return phase;
  } finally {
    await state.implementer.strategy.dispose?.();
  }
}

function nextPhase(scope: RunScope, state: RunState, phase: Exclude<Phase, Done>): Promise<Phase> {
  switch (phase.step) {
    case 'implementing':
      return implementStep(scope, state);
    case 'reviewing':
      return reviewStep(scope, state);
    case 'verifying':
      return verifyingStep(scope, state, phase.critic);
    case 'escalating':
      return escalationStep(scope, state);
    case 'at-gate':
      return gateStep(scope, state, phase.human, phase.review);
    case 'applying':
      return applyStep(scope, state);
  }
}
