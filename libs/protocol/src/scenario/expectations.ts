import { EXACTLY_ONCE_MODES, type ReplicatorMode, type ScenarioSpec } from './scenario-spec';

/**
 * The expectations a run is judged by, after defaults. A scenario file only
 * relaxes: correctness is checked at 0 whatever else the file names, so a file
 * that states only `p99LatencyMs` still fails on one lost record.
 */

export type ExpectationName = 'lost' | 'unexpected' | 'corrupt' | 'foreign' | 'inconsistentOffsets' | 'duplicates' | 'p99LatencyMs' | 'recoverySeconds' | 'abortedReads';

export interface EffectiveExpectation {
  readonly name: ExpectationName;
  readonly max: number;
  readonly unit: 'records' | 'ranges' | 'ms' | 's';
  /** `scenario`: the file states it; `default`: the correctness default applies. */
  readonly source: 'scenario' | 'default';
}

/** Always checked, at 0 unless the file relaxes them. */
export const CORRECTNESS_EXPECTATIONS = ['lost', 'unexpected', 'corrupt', 'foreign', 'inconsistentOffsets'] as const;

type Stated = Partial<Record<ExpectationName, { max: number } | undefined>> & { exactlyOnce?: boolean };

/** What else about the scenario decides which expectations apply (absent: an at-least-once, non-transactional run). */
export interface ExpectationContext {
  /** `replicator.mode`: an exactly-once mode checks duplicates at 0 unless `exactlyOnce: false` says otherwise. */
  replicatorMode?: ReplicatorMode | string;
  /** `workload.transactions` is set: aborted transactions exist, so reading one (`abortedReads`) is checked at 0. */
  transactional?: boolean;
}

/** The scenario's context for `effectiveExpectations`, from a parsed spec. */
export function expectationContext(spec: Pick<ScenarioSpec, 'replicator' | 'workload'>): ExpectationContext {
  return { replicatorMode: spec.replicator.mode, transactional: spec.workload.transactions !== undefined };
}

/**
 * Accepts the parsed spec's `expectations` (or a lenient view of one, as a report
 * reads it from an older event). Duplicates are checked only when the file states
 * a bound or says the replicator is exactly-once (then at 0 by default):
 * MirrorMaker 2 and most replicators are at-least-once, where copies are expected.
 */
export function effectiveExpectations(stated: ScenarioSpec['expectations'] | Stated | undefined, context: ExpectationContext = {}): EffectiveExpectation[] {
  const exp = (stated ?? {}) as Stated;
  const out: EffectiveExpectation[] = [];
  const add = (name: ExpectationName, unit: EffectiveExpectation['unit'], fallback: number | undefined) => {
    const given = exp[name];
    if (given !== undefined) out.push({ name, max: given.max, unit, source: 'scenario' });
    else if (fallback !== undefined) out.push({ name, max: fallback, unit, source: 'default' });
  };
  for (const name of CORRECTNESS_EXPECTATIONS) add(name, name === 'inconsistentOffsets' ? 'ranges' : 'records', 0);
  const exactlyOnce = exp.exactlyOnce ?? (EXACTLY_ONCE_MODES as readonly string[]).includes(context.replicatorMode ?? '');
  add('duplicates', 'records', exactlyOnce ? 0 : undefined);
  add('p99LatencyMs', 'ms', undefined);
  add('recoverySeconds', 's', undefined);
  // Only a transactional workload writes aborted records: elsewhere the check could not fail.
  add('abortedReads', 'records', context.transactional === true ? 0 : undefined);
  return out;
}

/** One line per expectation, as `mirrorlab validate` prints them: `lost <= 0 records (default)`. */
export function describeExpectations(list: readonly EffectiveExpectation[]): string[] {
  return list.map((e) => `${e.name} <= ${e.max} ${e.unit}${e.source === 'default' ? ' (default)' : ''}`);
}
