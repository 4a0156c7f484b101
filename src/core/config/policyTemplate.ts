// The commented starting point written by "Switchyard: Open routing policy" when a workspace has
// no `.switchyard/routing.json` yet. It only shows the shape; the built-in defaults stay in force
// for everything it leaves out.

export const POLICY_TEMPLATE = `// Switchyard routing policy for this workspace (shared with the team: commit it).
// It is layered over your user settings ("switchyard.policy") and the built-in defaults, so
// name only what you want to change. VS Code completes and checks this file as you type.
{
  "version": 1,

  // Models you add or override (same id replaces the built-in entry). "vendor" is who trains the
  // model: the critic must come from a different vendor than the implementer.
  "models": [
    // A local model through Ollama's OpenAI-compatible API:
    // { "id": "qwen-local", "provider": "openai-compatible", "model": "qwen2.5-coder:14b",
    //   "vendor": "alibaba", "baseUrl": "http://127.0.0.1:11434/v1",
    //   "price": { "inputPerMTok": 0, "outputPerMTok": 0 }, "tier": "cheap" }
  ],

  // Which models own each stage, first choice first; the rest are fallbacks.
  "stages": {
    // "implementer": ["claude-sonnet", "gpt-5"],
    // "critic": ["gpt-5", "claude-sonnet"]
  },

  "rules": {
    "reviewerVendorMustDiffer": true,
    "maxReviewRounds": 2,
    "budgets": {
      // "perTaskUsd": 1.5
    },
    "escalation": {
      "onRisk": ["high"],
      "maxDiffLines": 400
    },
    "humanGate": {
      "onRisk": ["high"]
    }
    // "protectedPaths": [".git/**", ".vscode/**", ".env*", ".github/workflows/**", ".switchyard/routing.json"],
    // Data residency: which models may see which work (declare "region"/"retention" on models or
    // under "vendors"; a model with no declared region is not allowed by a region rule).
    // "residency": [{ "paths": ["src/payments/**"], "allowRegions": ["eu"] }]
  }

  // Run the tests on every proposed change before review (asked for approval once):
  // ,"verify": { "command": "npm test", "timeoutSeconds": 300 }
}
`;
