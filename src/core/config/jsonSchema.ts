// The JSON Schema VS Code uses to complete and validate `.switchyard/routing.json`, generated from
// the same zod schema the runtime checks with, so the two never drift.
import { z } from 'zod';
import { RoutingPolicyShape } from './policySchema';

export function routingPolicyJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(RoutingPolicyShape, { io: 'input', unrepresentable: 'any', target: 'draft-7' }) as Record<string, unknown>;
  return {
    ...schema,
    title: 'Switchyard routing policy',
    description: 'Which model owns each stage of a task, and the rules of review. Layered over user settings.',
    // VS Code's JSON language service reads these two: the file is JSONC, like settings.json.
    allowComments: true,
    allowTrailingCommas: true,
  };
}
