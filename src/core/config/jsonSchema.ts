// The JSON Schema VS Code uses to complete and validate `.switchyard/routing.json`, generated from
// the same zod schema the runtime checks with, so the two never drift.
import { z } from 'zod';
import { ResidencyRuleSchema, RoutingPolicyShape } from './policySchema';

/** What zod cannot say in JSON Schema about a residency rule: it needs a constraint, and `origin` is Switchyard's own. */
const residencyRuleOverride = (ctx: { zodSchema: unknown; jsonSchema: Record<string, unknown> }): void => {
  if (ctx.zodSchema !== ResidencyRuleSchema) return;
  delete (ctx.jsonSchema.properties as Record<string, unknown>).origin;
  ctx.jsonSchema.anyOf = ['allowRegions', 'denyRegions', 'allowVendors', 'denyVendors', 'requireRetention'].map(
    (k) => ({ required: [k] }),
  );
};

export function routingPolicyJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(RoutingPolicyShape, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-7',
    override: residencyRuleOverride,
  }) as Record<string, unknown>;
  return {
    ...schema,
    title: 'Switchyard routing policy',
    description: 'Which model owns each stage of a task, and the rules of review. Layered over user settings.',
    // VS Code's JSON language service reads these two: the file is JSONC, like settings.json.
    allowComments: true,
    allowTrailingCommas: true,
  };
}
