// Turns a Review into SARIF 2.1.0 for CI code scanning (GitHub and others read it): one result per
// finding, located in the new content, with the suggestion as a fix when there is one.
import type { Review, Severity } from './reviewSchema';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  major: 'error',
  minor: 'warning',
  info: 'note',
};

export function reviewToSarif(
  review: Review,
  reviewer: { modelId: string; vendor: string },
  toolVersion: string,
): Record<string, unknown> {
  const severities: Severity[] = ['critical', 'major', 'minor', 'info'];
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Switchyard',
            version: toolVersion,
            informationUri: 'https://github.com/switchyard/switchyard',
            rules: severities.map((s) => ({
              id: `switchyard/${s}`,
              name: `Review${s[0]!.toUpperCase()}${s.slice(1)}`,
              shortDescription: { text: `A ${s} finding from a cross-vendor model review` },
              defaultConfiguration: { level: LEVEL[s] },
            })),
          },
        },
        properties: {
          verdict: review.verdict,
          summary: review.summary,
          reviewer: `${reviewer.modelId} (${reviewer.vendor})`,
        },
        results: review.findings.map((f) => {
          const region = { startLine: f.startLine, endLine: f.endLine };
          return {
            ruleId: `switchyard/${f.severity}`,
            ruleIndex: severities.indexOf(f.severity),
            level: LEVEL[f.severity],
            message: { text: f.message },
            locations: [{ physicalLocation: { artifactLocation: { uri: f.file, uriBaseId: '%SRCROOT%' }, region } }],
            ...(f.suggestion !== undefined
              ? {
                  fixes: [
                    {
                      description: { text: 'Suggested replacement' },
                      artifactChanges: [
                        {
                          artifactLocation: { uri: f.file, uriBaseId: '%SRCROOT%' },
                          replacements: [
                            {
                              deletedRegion: { startLine: f.startLine, endLine: f.endLine },
                              insertedContent: {
                                text: f.suggestion.endsWith('\n') ? f.suggestion : `${f.suggestion}\n`,
                              },
                            },
                          ],
                        },
                      ],
                    },
                  ],
                }
              : {}),
          };
        }),
      },
    ],
  };
}
