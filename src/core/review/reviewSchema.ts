// The critic's structured reply: a verdict and findings anchored to lines of the NEW content of a
// file in the diff. Validated with zod when it comes back from the model; also the shape the
// extension turns into comment threads and the CLI into text or SARIF.
import { z } from 'zod';

export const SeveritySchema = z.enum(['info', 'minor', 'major', 'critical']);
export type Severity = z.infer<typeof SeveritySchema>;

export const FindingSchema = z
  .object({
    file: z.string().min(1).describe('Workspace-relative path of a file in the diff.'),
    startLine: z.number().int().positive().describe('First line (1-based) in the new content.'),
    endLine: z.number().int().positive().describe('Last line (1-based, inclusive) in the new content.'),
    severity: SeveritySchema,
    message: z.string().min(1),
    suggestion: z.string().optional().describe('Replacement text for the lines startLine..endLine.'),
  })
  .refine((f) => f.endLine >= f.startLine, { message: 'endLine must be >= startLine', path: ['endLine'] });
export type Finding = z.infer<typeof FindingSchema>;

export const VerdictSchema = z.enum(['approve', 'request-changes', 'block']);
export type Verdict = z.infer<typeof VerdictSchema>;

export const ReviewSchema = z.object({
  verdict: VerdictSchema,
  summary: z.string().default(''),
  findings: z.array(FindingSchema).default([]),
});
export type Review = z.infer<typeof ReviewSchema>;
