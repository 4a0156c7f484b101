// Pulls one JSON object out of a model's text reply (a ```json fence, a bare fence, or the outermost
// braces) and validates it with a zod schema. The error text is what the model gets back on its one
// retry, so it names what was wrong precisely.
import type { z } from 'zod';

export type JsonReply<T> = { ok: true; value: T } | { ok: false; error: string };

function candidates(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/```(?:json|JSON)?\s*\n([\s\S]*?)```/g)) out.push(m[1]!);
  const first = text.indexOf('{');
  const last = text.lastIndexOf('}');
  if (first !== -1 && last > first) out.push(text.slice(first, last + 1));
  return out;
}

export function parseJsonReply<S extends z.ZodType>(text: string, schema: S): JsonReply<z.infer<S>> {
  const found = candidates(text);
  if (found.length === 0) return { ok: false, error: 'no JSON object found in the reply' };
  let lastError = '';
  for (const c of found) {
    let value: unknown;
    try {
      value = JSON.parse(c);
    } catch (err) {
      lastError = `the JSON does not parse (${(err as Error).message})`;
      continue;
    }
    const checked = schema.safeParse(value);
    if (checked.success) return { ok: true, value: checked.data };
    lastError = checked.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
      .join('; ');
  }
  return { ok: false, error: lastError };
}
