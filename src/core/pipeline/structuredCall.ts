// A structured call inside a stage pass: send, pull the JSON out of the reply and validate it with
// zod; on failure tell the same model what was wrong and try once more; then give up with an error
// that names the model and the problem. Bounded: at most two calls.
import type { z } from 'zod';
import type { RoleSession } from '../sessions/roleSession';
import { invalidJsonFeedback } from '../sessions/prompts';
import { parseJsonReply } from './jsonReply';
import { StageFailure } from './runContext';
import type { StageRun } from './stageRun';

export function cutOff(maxOutputTokens: number): string {
  return `the reply was cut off at the output limit (${maxOutputTokens} tokens); keep it shorter`;
}

export async function structuredCall<S extends z.ZodType>(
  sr: StageRun,
  session: RoleSession,
  user: string,
  artifacts: string[],
  schema: S,
  what: string,
): Promise<z.infer<S>> {
  session.addUser(user);
  let reply = await sr.call(session, artifacts);
  let parsed = parseJsonReply(reply.text, schema);
  if (!parsed.ok) {
    const error =
      reply.stopReason === 'max-tokens' ? `${cutOff(reply.maxOutputTokens)}; ${parsed.error}` : parsed.error;
    session.addUser(invalidJsonFeedback(error));
    reply = await sr.call(session, ['validation-error']);
    parsed = parseJsonReply(reply.text, schema);
    if (!parsed.ok && reply.stopReason === 'max-tokens')
      parsed = { ok: false, error: `${cutOff(reply.maxOutputTokens)}; ${parsed.error}` };
    if (!parsed.ok) {
      throw new StageFailure({
        kind: 'invalid-output',
        message: `${sr.model.id} did not return a valid ${what} after one retry (${parsed.error}). Try another model for the ${sr.stage} in .switchyard/routing.json.`,
        modelId: sr.model.id,
      });
    }
  }
  return parsed.value;
}
