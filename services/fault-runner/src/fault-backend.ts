import type { FaultRequest } from './fault-request';
import type { ClusterSizes } from './fault-target';

/** Facts a backend records about an injection, to report it and to undo exactly that. */
export type FaultEffect = Record<string, string | number | boolean | null>;

export interface Injection {
  /** The moment the fault took effect (signal sent, rule added, admin call accepted), ms since the epoch. */
  atMs: number;
  /** One line for logs and reports: what was done and what was observed. */
  detail: string;
  effect: FaultEffect;
}

export interface Verification {
  ok: boolean;
  detail: string;
}

export interface HealResult {
  verified: boolean;
  detail: string;
  /** The moment the heal was verified (or verification gave up), ms since the epoch. */
  atMs: number;
}

export interface HealContext {
  /** What the injection recorded; absent when the runner died before the injection finished. */
  effect?: FaultEffect;
  /** Other faults still active: their effects are expected to remain (e.g. another fault's rules on the link). */
  others: readonly FaultRequest[];
}

/**
 * Where faults are applied: the local lab (processes, namespaces, iptables and tc) or,
 * later, a Kubernetes cluster (Chaos Mesh objects). Everything the runner knows about
 * faults beyond this interface (ledger, events, schedules) is backend-agnostic.
 *
 * Contract:
 * - `inject` applies the fault and returns only once its effect is observed; it throws a
 *   `FaultRunnerError` otherwise (`faults_unavailable` when this backend cannot do the
 *   kind here). Whatever it did is undone by `heal`.
 * - `heal` undoes the fault and then verifies; it is idempotent (healing a healed fault
 *   only verifies) and works from the request alone when `effect` is missing. It reports
 *   a failed verification in the result rather than throwing.
 * - `verifyHealed` only looks: the system is as if the fault had never been injected.
 */
export interface FaultBackend {
  readonly name: string;
  /** Brokers per cluster, for `source:<n>` and `source:random`. */
  clusterSizes(): Promise<ClusterSizes>;
  inject(fault: FaultRequest): Promise<Injection>;
  /** Is the fault in effect right now? */
  verifyInjected(fault: FaultRequest, effect?: FaultEffect): Promise<Verification>;
  heal(fault: FaultRequest, ctx: HealContext): Promise<HealResult>;
  verifyHealed(fault: FaultRequest, ctx: HealContext): Promise<Verification>;
  close(): Promise<void>;
}
