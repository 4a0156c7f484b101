// Fixtures for the extension's integration tests and e2e journeys: a scripted "model team" on the
// loopback server that answers each role by its system prompt (scout, architect, implementer,
// critic, final owner) with well-formed replies, and a routing policy that points two models of
// different vendors at that server. Nothing here is product code.
import type { LoopbackServer, RecordedRequest, Reply } from '../support/loopbackServer';

// SWITCHYARD_…_KEY names: a workspace policy may only name keys of that form (or ones the user's own
// settings configure), so a repository cannot pick which stored key goes to the server it names.
export const IMPLEMENTER_KEY_NAME = 'SWITCHYARD_LOOPBACK_ANTHROPIC_KEY';
export const CRITIC_KEY_NAME = 'SWITCHYARD_LOOPBACK_OPENAI_KEY';
export const IMPLEMENTER_KEY = 'sk-loop-impl-5f1e0c9a7b';
export const CRITIC_KEY = 'sk-loop-critic-2d8b4e6f13';

export const CART_BUGGY = '  return subtotal - Math.round((subtotal * discountPercent) / 100);';
export const CART_FIXED_LINES = [
  '  const pct = Math.min(100, Math.max(0, discountPercent));',
  '  return subtotal - Math.round((subtotal * pct) / 100);',
];

export const HOSTILE_MARKUP =
  '<img src=x onerror="document.title=\'pwned\'"> **not bold** [not a link](https://example.com)';

/** The routing policy the tests write to .switchyard/routing.json. */
export function loopbackPolicy(
  server: LoopbackServer,
  opts: {
    gateOnRisk?: Array<'low' | 'medium' | 'high'>;
    escalateOnRisk?: Array<'low' | 'medium' | 'high'>;
    /** Local models that need no key (as an OpenAI-compatible server on loopback does): no key to store. */
    keyless?: boolean;
  } = {},
): string {
  const base = `${server.url}/v1`;
  const policy = {
    version: 1,
    models: [
      {
        id: 'loop-claude',
        provider: 'openai-compatible',
        model: 'loop-claude',
        vendor: 'anthropic',
        baseUrl: base,
        ...(opts.keyless ? {} : { apiKeyEnv: IMPLEMENTER_KEY_NAME }),
        price: { inputPerMTok: 3, outputPerMTok: 15 },
      },
      {
        id: 'loop-gpt',
        provider: 'openai-compatible',
        model: 'loop-gpt',
        vendor: 'openai',
        baseUrl: base,
        ...(opts.keyless ? {} : { apiKeyEnv: CRITIC_KEY_NAME }),
        price: { inputPerMTok: 1, outputPerMTok: 8 },
      },
    ],
    stages: {
      scout: ['loop-gpt'],
      architect: ['loop-gpt'],
      implementer: ['loop-claude'],
      critic: ['loop-gpt', 'loop-claude'],
      finalOwner: ['loop-gpt'],
    },
    rules: {
      maxReviewRounds: 1,
      escalation: {
        onRisk: opts.escalateOnRisk ?? [],
        onProtectedPaths: true,
        maxDiffLines: 400,
        onDisagreement: false,
      },
      humanGate: { onRisk: opts.gateOnRisk ?? [], onProtectedPaths: true, onBlock: true },
      timeouts: { firstTokenSeconds: 20, idleSeconds: 20, totalSeconds: 120 },
      retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 1 },
    },
  };
  return `// Written by the Switchyard tests: two models of different vendors on a loopback server.\n${JSON.stringify(policy, null, 2)}\n`;
}

function json(value: unknown): string {
  return '```json\n' + JSON.stringify(value, null, 2) + '\n```';
}

export interface TeamOptions {
  /** Split the implementer's reply into this many chunks (streaming). */
  implementerChunks?: number;
  chunkDelayMs?: number;
  verdict?: 'approve' | 'request-changes' | 'block';
  /** The critic's finding's severity (default minor). */
  severity?: 'info' | 'minor' | 'major' | 'critical';
  /** The final owner approves with no findings of its own (default: it answers as the critic does). */
  finalOwnerApprovesClean?: boolean;
  /** The answer to a question (default a one-line plain answer). */
  answer?: string;
}

/** Answers every role of a run on src/cart.ts. Returns undefined for a request it does not recognise. */
export function cartTeam(opts: TeamOptions = {}): (req: RecordedRequest) => Reply | undefined {
  return (req) => {
    const sys = req.system;
    if (sys.includes('You are the scout')) {
      return {
        text: json({
          relevantFiles: [{ path: 'src/cart.ts', why: 'totalCents computes the discount' }],
          facts: ['discountPercent is not clamped'],
        }),
      };
    }
    if (sys.includes('You are the architect')) {
      return {
        text: json({
          summary: 'Clamp the discount to 0..100',
          steps: ['Clamp discountPercent in totalCents'],
          filesToTouch: ['src/cart.ts'],
          risks: [],
        }),
      };
    }
    if (sys.includes('You are the implementer')) {
      // Answer in the edit format the prompt asks for (the apply_patch format for OpenAI models).
      const text = sys.includes('*** Begin Patch')
        ? [
            'Clamp the discount before applying it.',
            '*** Begin Patch',
            '*** Update File: src/cart.ts',
            '@@ export function totalCents(items: LineItem[], discountPercent: number): number {',
            '   const subtotal = subtotalCents(items);',
            `-${CART_BUGGY}`,
            ...CART_FIXED_LINES.map((l) => `+${l}`),
            '*** End Patch',
            '',
          ].join('\n')
        : [
            'Clamp the discount before applying it.',
            'src/cart.ts',
            '<<<<<<< SEARCH',
            CART_BUGGY,
            '=======',
            ...CART_FIXED_LINES,
            '>>>>>>> REPLACE',
            '',
          ].join('\n');
      const n = Math.max(1, opts.implementerChunks ?? 4);
      const size = Math.ceil(text.length / n);
      const chunks = Array.from({ length: n }, (_, i) => text.slice(i * size, (i + 1) * size)).filter(Boolean);
      return { text: chunks, chunkDelayMs: opts.chunkDelayMs ?? 5 };
    }
    if (sys.includes('You are the final owner') && opts.finalOwnerApprovesClean) {
      return { text: json({ verdict: 'approve', summary: 'Clamping is the right fix.', findings: [] }) };
    }
    if (sys.includes('You are the critic') || sys.includes('You are the final owner')) {
      return {
        text: json({
          verdict: opts.verdict ?? 'approve',
          summary: 'The clamp fixes the negative total.',
          findings: [
            {
              file: 'src/cart.ts',
              startLine: 16,
              endLine: 16,
              severity: opts.severity ?? 'minor',
              // Markup a model might write: it must show as these characters, never render or run.
              message: `Say why the discount is clamped, so nobody removes the clamp later. ${HOSTILE_MARKUP}`,
              suggestion:
                '  const pct = Math.min(100, Math.max(0, discountPercent)); // a discount outside 0..100 is a data error',
            },
          ],
        }),
      };
    }
    if (sys.includes('You answer a question')) return { text: opts.answer ?? 'totalCents is in src/cart.ts.' };
    return undefined;
  };
}
