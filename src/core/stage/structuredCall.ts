// A structured call inside a stage pass: send, pull the JSON out of the reply and validate it with
// zod; on failure tell the same model what was wrong and try once more; then give up with an error
// that names the model and the problem. Bounded: at most two calls.
import { z } from 'zod';
import type { RoleSession } from '../sessions/roleSession';
import { invalidJsonFeedback } from '../sessions/prompts';
import { parseJsonReply } from '../sessions/jsonReply';
import { StageFailure } from './runContext';
import type { CallResult } from './callResult';
import type { StageRun } from './stageRun';
import type { CallTool } from './toolFields';
import { explore, type ExploreOptions } from './toolLoop';

export function cutOff(maxOutputTokens: number): string {
  return `the reply was cut off at the output limit (${maxOutputTokens} tokens); keep it shorter`;
}

/** The reply's JSON: the tool call's arguments when the model answered through the tool, else the text. */
function parseReply<S extends z.ZodType>(reply: CallResult, schema: S) {
  if (reply.toolArguments !== undefined) {
    const viaTool = parseJsonReply(reply.toolArguments, schema);
    if (viaTool.ok || !reply.text.includes('{')) return viaTool;
  }
  return parseJsonReply(reply.text, schema);
}

export async function structuredCall<S extends z.ZodType>(
  sr: StageRun,
  session: RoleSession,
  user: string,
  artifacts: string[],
  schema: S,
  what: string,
  exploring?: Omit<ExploreOptions, 'answerTool'>,
): Promise<z.infer<S>> {
  // Models that declare tools answer through a forced tool whose parameters are the schema itself.
  const tool: CallTool = {
    tool: {
      name: 'submit_' + what.split(' ')[0]!.toLowerCase(),
      description: `Submit the ${what.replace(/ JSON$/, '')}.`,
      parameters: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
    },
  };
  let reply: CallResult;
  if (exploring) reply = await explore(sr, session, user, artifacts, { ...exploring, answerTool: tool });
  else {
    session.addUser(user);
    reply = await sr.call(session, artifacts, tool);
  }
  let parsed = parseReply(reply, schema);
  if (!parsed.ok) {
    const error =
      reply.stopReason === 'max-tokens' ? `${cutOff(reply.maxOutputTokens)}; ${parsed.error}` : parsed.error;
    session.addUser(invalidJsonFeedback(error));
    reply = await sr.call(session, ['validation-error'], tool);
    parsed = parseReply(reply, schema);
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
