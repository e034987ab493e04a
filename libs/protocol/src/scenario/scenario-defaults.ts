/**
 * Defaults of the scenario schema that code outside it needs too: where a spec could not be
 * read (an aborted run whose job no longer validates), the same value as the schema's.
 */
export const DEFAULT_DRAIN_TIMEOUT_MS = 120_000;
