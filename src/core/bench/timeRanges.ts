// The scorecard's time ranges, with no imports, so the filter schema here and the Scorecard view's
// protocol (and through it the webview bundle) take them from one place.
export const TIME_RANGES = ['7d', '30d', '90d', 'all'] as const;
