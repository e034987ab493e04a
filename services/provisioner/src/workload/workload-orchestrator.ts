/**
 * `consumer`: the consumer-groups service, when the scenario has source consumer groups (`consumers:`).
 * `validator-read-uncommitted`: a validator the scenario adds at read_uncommitted (`validators.readUncommitted`).
 * `audit`: the source audit consumer (scenario `audit.sourceConsumer`), a consumer-validator reading the source topics.
 */
export type WorkloadRole = 'producer' | 'validator' | 'consumer' | 'validator-read-uncommitted' | 'audit';

export interface WorkloadRequest {
  scenarioId: string;
  producers: number;
  validators: number;
  /** consumer-groups processes (0 or 1: one runs every group of the scenario); default 0. */
  consumers?: number;
  /** Validators reading at read_uncommitted beside the others, in a consumer group of their own (`validators.readUncommitted`); default 0. */
  readUncommittedValidators?: number;
  /** Start the source audit consumer (scenario `audit.sourceConsumer`); default false. */
  sourceAudit?: boolean;
}

export interface WorkloadProcess {
  role: WorkloadRole;
  /** The producer or validator id it reports under. */
  id: string;
  pid?: number;
  logFile?: string;
}

export interface WorkloadStatus {
  kind: string;
  processes: WorkloadProcess[];
}

/**
 * Who runs a scenario's producers and validators. `ensure` is idempotent: a
 * resumed run calls it again and gets the same workload, started where missing;
 * it resolves once every member follows the control topic, so none misses
 * `scenario.started`. `release` stops what `ensure` started (no-op when nothing).
 *
 * Implementations: `none` (deployed separately, e.g. Kubernetes Deployments
 * scaled by the user), `local` (child processes on this machine); a Kubernetes
 * one that scales Deployments fits the same two calls.
 */
export interface WorkloadOrchestrator {
  readonly kind: string;
  ensure(request: WorkloadRequest, signal: AbortSignal): Promise<WorkloadStatus>;
  release(scenarioId: string): Promise<void>;
}

/** Producers and validators are deployed separately and follow the control topic on their own. */
export const noWorkload: WorkloadOrchestrator = {
  kind: 'none',
  ensure: async () => ({ kind: 'none', processes: [] }),
  release: async () => undefined,
};
