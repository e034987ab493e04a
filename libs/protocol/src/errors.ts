/**
 * Error vocabulary of the protocol lib. Thrown errors are `ProtocolError`s with a
 * stable `code` so callers switch on codes, never on message text. Every thrown
 * error here comes from a bad argument or bad input file, so none is retriable:
 * fix the configuration or input and start again.
 *
 * Record decoding is the exception: it runs once per consumed record in the
 * validator's hot loop and must never throw, so it returns a plain
 * `RecordDecodeError` value instead (no stack capture, nothing to catch).
 */

export type KeyPlanErrorCode =
  | 'invalid_producer_id'
  | 'invalid_partitions'
  | 'invalid_keys_per_partition'
  | 'invalid_epoch'
  | 'plan_too_large'
  | 'key_search_exhausted'
  | 'key_index_out_of_range'
  | 'invalid_record_index';

export type PayloadErrorCode =
  | 'invalid_payload_size'
  | 'invalid_seed'
  | 'empty_replay_set'
  | 'no_payload_yet'
  | 'invalid_column'
  | 'invalid_field'
  | 'empty_input'
  | 'missing_column'
  | 'missing_field'
  | 'malformed_csv'
  | 'malformed_json';

export type RecordEncodeErrorCode = 'invalid_record_meta' | 'invalid_record_key' | 'invalid_record_encoding';

export type ProtocolErrorCode = KeyPlanErrorCode | PayloadErrorCode | RecordEncodeErrorCode;

export class ProtocolError<C extends ProtocolErrorCode = ProtocolErrorCode> extends Error {
  readonly code: C;
  /** Always false: retrying with the same input gives the same error. */
  readonly retriable = false;

  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
  }
}

/** `KeyPlan.build`, `partitionForKey` or a plan lookup got an argument it cannot use. */
export class KeyPlanError extends ProtocolError<KeyPlanErrorCode> {}

/** A payload source or payload file is unusable; `line` (1-based) points into the file when known. */
export class PayloadError extends ProtocolError<PayloadErrorCode> {
  readonly line: number | undefined;

  constructor(code: PayloadErrorCode, message: string, options?: { line?: number; cause?: unknown }) {
    super(code, options?.line === undefined ? message : `line ${options.line}: ${message}`, options);
    this.line = options?.line;
  }
}

/** `encodeRecord` refused its input; `field` names the offending input field. */
export class RecordEncodeError extends ProtocolError<RecordEncodeErrorCode> {
  readonly field: string;

  constructor(code: RecordEncodeErrorCode, field: string, message: string) {
    super(code, `${field}: ${message}`);
    this.field = field;
  }
}

/**
 * Why a consumed record could not be decoded. Validators count these by reason:
 * `foreign` records are someone else's and are usually skipped; every other
 * reason is a mirrorlab record that arrived damaged or from an incompatible version.
 * `checksum_mismatch` is a damaged identity (meta or key): the record cannot be
 * attributed. `payload_mismatch` is a damaged payload under an intact identity:
 * the decode result still names the record (see `RecordDecodeResult`).
 */
export type RecordDecodeReason =
  | 'foreign'
  | 'unsupported_version'
  | 'malformed_header'
  | 'malformed_prefix'
  | 'checksum_mismatch'
  | 'payload_mismatch'
  | 'missing_key'
  | 'malformed_key'
  | 'missing_value';

export interface RecordDecodeError {
  readonly reason: RecordDecodeReason;
  /** The header name or prefix field at fault, when there is one. */
  readonly field?: string;
  /** Human-readable; names the field and what was wrong with it. */
  readonly message: string;
}
