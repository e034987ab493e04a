import { EXACTLY_ONCE_MODES, type ReplicatorMode, type ScenarioSpec } from './scenario-spec';

/**
 * The expectations a run is judged by, after defaults. A scenario file only
 * relaxes: correctness is checked at 0 whatever else the file names, so a file
 * that states only `p99LatencyMs` still fails on one lost record.
 */

export type ExpectationName =
  | 'lost'
  | 'unexpected'
  | 'corrupt'
  | 'foreign'
  | 'inconsistentOffsets'
  | 'duplicates'
  | 'p99LatencyMs'
  | 'recoverySeconds'
  | 'lostAtSource'
  | 'purgedBeforeMirrored'
  | 'lostInReplication'
  | 'pickupSeconds'
  | 'failover.skipped'
  | 'failover.reread'
  | 'checkpointAgeSeconds'
  | 'abortedReads';

/** The lost split's classes: a file naming one is judged on all three instead of `lost`. */
export const LOST_SPLIT_EXPECTATIONS = ['lostAtSource', 'purgedBeforeMirrored', 'lostInReplication'] as const;

export interface EffectiveExpectation {
  readonly name: ExpectationName;
  readonly max: number;
  readonly unit: 'records' | 'ranges' | 'ms' | 's';
  /** `scenario`: the file states it; `default`: the correctness default applies. */
  readonly source: 'scenario' | 'default';
}

/** Always checked, at 0 unless the file relaxes them. */
export const CORRECTNESS_EXPECTATIONS = ['lost', 'unexpected', 'corrupt', 'foreign', 'inconsistentOffsets'] as const;

type Stated = Partial<Record<ExpectationName, { max: number } | undefined>> & {
  exactlyOnce?: boolean;
  failover?: { skipped?: { max: number }; reread?: { max: number } };
};

/** What else about the scenario decides which expectations apply (absent: an at-least-once, non-transactional run). */
export interface ExpectationContext {
  /** `replicator.mode`: an exactly-once mode checks duplicates at 0 unless `exactlyOnce: false` says otherwise. */
  replicatorMode?: ReplicatorMode | string;
  /** `workload.transactions` is set: aborted transactions exist, so reading one (`abortedReads`) is checked at 0. */
  transactional?: boolean;
  /** The scenario fails a consumer group over: `failover.skipped` is then checked at 0. */
  failsOver?: boolean;
}

/** The scenario's context for `effectiveExpectations`, from a parsed spec. */
export function expectationContext(spec: Pick<ScenarioSpec, 'replicator' | 'workload' | 'faults'>): ExpectationContext {
  return {
    replicatorMode: spec.replicator.mode,
    transactional: spec.workload.transactions !== undefined,
    failsOver: spec.faults.some((f) => f.kind === 'consumer-failover'),
  };
}

/**
 * Accepts the parsed spec's `expectations` (or a lenient view of one, as a report
 * reads it from an older event). Duplicates are checked only when the file states
 * a bound or says the replicator is exactly-once (then at 0 by default):
 * MirrorMaker 2 and most replicators are at-least-once, where copies are expected.
 */
export function effectiveExpectations(
  stated: ScenarioSpec['expectations'] | Stated | undefined,
  context: ExpectationContext = {},
): EffectiveExpectation[] {
  const exp = (stated ?? {}) as Stated;
  const out: EffectiveExpectation[] = [];
  const add = (name: ExpectationName, unit: EffectiveExpectation['unit'], fallback: number | undefined) => {
    const given = exp[name];
    if (given !== undefined) out.push({ name, max: given.max, unit, source: 'scenario' });
    else if (fallback !== undefined) out.push({ name, max: fallback, unit, source: 'default' });
  };
  // A file that names a class of the lost split judges missing records by cause: the three at 0
  // unless stated, and `lost` (their total) only when stated.
  const split = LOST_SPLIT_EXPECTATIONS.some((n) => exp[n] !== undefined);
  for (const name of CORRECTNESS_EXPECTATIONS)
    add(name, name === 'inconsistentOffsets' ? 'ranges' : 'records', split && name === 'lost' ? undefined : 0);
  if (split) for (const name of LOST_SPLIT_EXPECTATIONS) add(name, 'records', 0);
  const exactlyOnce = exp.exactlyOnce ?? (EXACTLY_ONCE_MODES as readonly string[]).includes(context.replicatorMode ?? '');
  add('duplicates', 'records', exactlyOnce ? 0 : undefined);
  add('p99LatencyMs', 'ms', undefined);
  add('recoverySeconds', 's', undefined);
  add('pickupSeconds', 's', undefined);
  // A consumer that skips records at failover lost them: checked at 0 whenever the scenario fails a group over.
  const fo = exp.failover ?? {};
  if (fo.skipped !== undefined) out.push({ name: 'failover.skipped', max: fo.skipped.max, unit: 'records', source: 'scenario' });
  else if (context.failsOver === true) out.push({ name: 'failover.skipped', max: 0, unit: 'records', source: 'default' });
  if (fo.reread !== undefined) out.push({ name: 'failover.reread', max: fo.reread.max, unit: 'records', source: 'scenario' });
  add('checkpointAgeSeconds', 's', undefined);
  // Only a transactional workload writes aborted records: elsewhere the check could not fail.
  add('abortedReads', 'records', context.transactional === true ? 0 : undefined);
  return out;
}

/** One line per expectation, as `mirrorlab validate` prints them: `lost <= 0 records (default)`. */
export function describeExpectations(list: readonly EffectiveExpectation[]): string[] {
  return list.map((e) => `${e.name} <= ${e.max} ${e.unit}${e.source === 'default' ? ' (default)' : ''}`);
}
