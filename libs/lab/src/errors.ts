/**
 * Error vocabulary of the local lab. Every thrown error is a `LabError` with a stable
 * `code`; callers (the CLI, tests, the fault-runner) switch on codes, never on message
 * text. Messages say what to do next.
 */

export type LabErrorCode =
  /** An option or environment variable has a value the lab cannot use. */
  | 'invalid_option'
  /** `<dir>/lab.json` exists but is not a valid `LabState`; `field` names the bad field. */
  | 'state_invalid'
  /** No lab state in the directory: nothing was brought up there. */
  | 'lab_not_found'
  /** A lab exists in the directory with settings that differ from the ones asked for. */
  | 'lab_conflict'
  /** Another `lab up`/`lab down` holds the directory's lock. */
  | 'lab_locked'
  /** A program the lab needs (java, mvn, redis-server, ip) is missing and could not be installed. */
  | 'prerequisite_missing'
  /** Maven could not fetch the Kafka jars. */
  | 'fetch_failed'
  /** No free port block or subnet could be found. */
  | 'allocation_failed'
  /** Creating or removing namespaces, veths or routes failed. */
  | 'network_setup_failed'
  /** Fault injection was asked for on a lab that has no inter-DC link (loopback mode). */
  | 'faults_unavailable'
  /** An iptables/tc command for a fault failed. */
  | 'fault_command_failed'
  /** A lab process could not be started (spawn or storage format failed). */
  | 'start_failed'
  /** A lab process exited while the lab waited for it to become ready. */
  | 'process_exited'
  /** A readiness check did not pass before its deadline. */
  | 'readiness_timeout'
  /** A process did not go away even after SIGKILL. */
  | 'stop_failed'
  /** No process of that name in the lab. */
  | 'unknown_process'
  /** A Kafka Connect worker's REST API refused or did not answer (replicator mode connect); retry once it has joined. */
  | 'connect_rest_failed';

/** Codes that mean "the input is wrong" (CLI exit code 2) rather than "the lab failed" (exit 1). */
const USAGE_CODES: ReadonlySet<LabErrorCode> = new Set(['invalid_option', 'state_invalid', 'lab_conflict', 'unknown_process']);

export class LabError extends Error {
  readonly code: LabErrorCode;
  /** True when the same call may succeed later without changing anything (timeouts, locks). */
  readonly retriable: boolean;
  /** For `state_invalid`: dotted path of the offending field in lab.json. */
  readonly field: string | undefined;

  constructor(code: LabErrorCode, message: string, options?: { cause?: unknown; field?: string; retriable?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LabError';
    this.code = code;
    this.retriable = options?.retriable ?? (code === 'readiness_timeout' || code === 'lab_locked');
    this.field = options?.field;
  }

  /** True for errors caused by bad input rather than by the lab itself. */
  get isUsageError(): boolean {
    return USAGE_CODES.has(this.code);
  }
}

export function isLabError(error: unknown): error is LabError {
  return error instanceof LabError;
}
