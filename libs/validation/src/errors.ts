/**
 * Error vocabulary of the checker. Every error is a `CheckerError` with a stable
 * `code`, so callers switch on codes, never on message text. All of them come
 * from bad input (a malformed snapshot, report or observation, or two states
 * that cannot be combined), so none is retriable: the same input fails again.
 */
export type CheckerErrorCode =
  /** An `Observation` or `CorruptRecord` has a field of the wrong type or range. */
  | 'invalid_observation'
  /** A validator snapshot (`fromSnapshot`) is malformed; `field` names the path. */
  | 'invalid_snapshot'
  /** A latency-histogram snapshot is malformed; `field` names the path. */
  | 'invalid_histogram_snapshot'
  /** A producer report given to `reconcile` is malformed or contradicts itself. */
  | 'invalid_producer_report'
  /** Two states were built with settings that make merging them meaningless. */
  | 'incompatible_merge'
  /** A plain argument (options, percentiles, partition list) is out of range. */
  | 'invalid_argument';

export class CheckerError extends Error {
  readonly code: CheckerErrorCode;
  /** Path of the offending field (`partitions[2].keys[0].seqs[1]`), when there is one. */
  readonly field: string | undefined;
  /** Always false: the same input fails the same way. */
  readonly retriable = false;

  constructor(code: CheckerErrorCode, message: string, field?: string) {
    super(field === undefined ? message : `${field}: ${message}`);
    this.name = 'CheckerError';
    this.code = code;
    this.field = field;
  }
}
