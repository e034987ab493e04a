import { effectiveExpectations, type EffectiveExpectation, type ExpectationContext } from '@mirrorlab/protocol';
import type { ExpectationResult, FaultReport, Verdict } from './report-schema';
import type { Expectations } from './spec-view';

/** What was measured, or null when it could not be (no validator or producer reports). */
export interface Measured {
  lost: number | null;
  unseen: number | null;
  unexpected: number | null;
  duplicates: number | null;
  corrupt: number | null;
  foreign: number | null;
  inconsistentOffsets: number | null;
  p99Us: number | null;
  faults: readonly FaultReport[];
  /** The lost split's counts (null: not reconciled). */
  lostAtSource?: number | null;
  purgedBeforeMirrored?: number | null;
  lostInReplication?: number | null;
  /** Per new partition after add-partitions (null seconds: never picked up). */
  pickup?: ReadonlyArray<{ topic: string; partition: number; seconds: number | null }>;
  /** consumer-failover: records skipped (total) and re-read (the most in one drill); null when a planned drill has no outcome. */
  failoverSkipped?: number | null;
  failoverReread?: number | null;
  /** How far checkpoints trailed the source groups, s; null when no checkpoint was seen. */
  checkpointAgeSeconds?: number | null;
  /** Sequences of aborted transactions read; absent: not measured (older callers). */
  abortedReads?: number | null;
}

/**
 * Checks the scenario's effective expectations (`effectiveExpectations`): lost,
 * unexpected, corrupt and foreign are always checked, at 0 unless the spec relaxes
 * one; duplicates when the spec bounds them or says exactly-once; latency and
 * recovery when stated. `lost` counts unseen records too: after the drain, an
 * acknowledged record that never arrived is lost whether or not a later one did.
 */
export function checkExpectations(exp: Expectations, m: Measured, context: ExpectationContext = {}): ExpectationResult[] {
  return effectiveExpectations(exp, context).map((e) => checkOne(e, m));
}

function checkOne(e: EffectiveExpectation, m: Measured): ExpectationResult {
  const { name, max, source } = e;
  const base = { max, source };
  const records = (
    n:
      | 'lost'
      | 'unexpected'
      | 'duplicates'
      | 'corrupt'
      | 'foreign'
      | 'inconsistentOffsets'
      | 'lostAtSource'
      | 'purgedBeforeMirrored'
      | 'lostInReplication'
      | 'abortedReads',
    measured: number | null,
    note = '',
  ): ExpectationResult => {
    const unit = e.unit === 'ranges' ? 'ranges' : 'records';
    if (measured === null)
      return { name: n, ...base, measured, unit, status: 'unknown', detail: `${n}: not measured (no reports to reconcile)` };
    const failed = measured > max;
    return {
      name: n,
      ...base,
      measured,
      unit,
      status: failed ? 'failed' : 'met',
      detail: `${n}: ${measured} ${failed ? '>' : '<='} max ${max}${note}${source === 'default' ? ' (default)' : ''}`,
    };
  };
  switch (name) {
    case 'lost': {
      const total = m.lost === null || m.unseen === null ? null : m.lost + m.unseen;
      return records('lost', total, m.unseen ? ` (${m.lost} lost + ${m.unseen} unseen after the drain)` : '');
    }
    case 'unexpected':
    case 'corrupt':
    case 'foreign':
    case 'inconsistentOffsets':
    case 'duplicates':
      return records(name, m[name]);
    case 'lostAtSource':
    case 'purgedBeforeMirrored':
    case 'lostInReplication':
      return records(name, m[name] ?? null);
    case 'abortedReads':
      return records(name, m.abortedReads ?? null);
    case 'p99LatencyMs': {
      if (m.p99Us === null)
        return { name, ...base, measured: null, unit: 'ms', status: 'unknown', detail: 'p99 latency: not measured (no records were read)' };
      const ms = m.p99Us / 1000;
      return {
        name,
        ...base,
        measured: ms,
        unit: 'ms',
        status: ms > max ? 'failed' : 'met',
        detail: `p99 latency: ${fmt(ms)} ms ${ms > max ? '>' : '<='} max ${max} ms`,
      };
    }
    case 'recoverySeconds':
      return recoveryExpectation(max, m.faults);
    case 'pickupSeconds':
      return pickupExpectation(max, m.pickup ?? [], m.faults);
    case 'failover.skipped':
    case 'failover.reread': {
      const measured = (name === 'failover.skipped' ? m.failoverSkipped : m.failoverReread) ?? null;
      const what = name === 'failover.skipped' ? 'skipped at failover' : 're-read at failover';
      if (measured === null)
        return {
          name,
          ...base,
          measured,
          unit: 'records',
          status: 'unknown',
          detail: `${name}: not measured (a consumer-failover drill published no outcome)`,
        };
      const failed = measured > max;
      return {
        name,
        ...base,
        measured,
        unit: 'records',
        status: failed ? 'failed' : 'met',
        detail: `${what}: ${measured} ${failed ? '>' : '<='} max ${max}${source === 'default' ? ' (default)' : ''}`,
      };
    }
    case 'checkpointAgeSeconds': {
      const measured = m.checkpointAgeSeconds ?? null;
      if (measured === null)
        return {
          name,
          ...base,
          measured,
          unit: 's',
          status: 'unknown',
          detail: "checkpoint age: not measured (no checkpoint of the scenario's groups was seen)",
        };
      const failed = measured > max;
      return {
        name,
        ...base,
        measured,
        unit: 's',
        status: failed ? 'failed' : 'met',
        detail: `checkpoint age: ${fmt(measured)} s ${failed ? '>' : '<='} max ${max} s`,
      };
    }
  }
}

function pickupExpectation(max: number, pickup: NonNullable<Measured['pickup']>, faults: readonly FaultReport[]): ExpectationResult {
  const base = { name: 'pickupSeconds' as const, max, unit: 's' as const, source: 'scenario' as const };
  if (pickup.length === 0) {
    const added = faults.some((f) => f.kind === 'add-partitions');
    return added
      ? {
          ...base,
          measured: null,
          status: 'unknown',
          detail: 'pickup: no records were written to the new partitions, so their pickup could not be measured',
        }
      : { ...base, measured: 0, status: 'met', detail: 'pickup: no partitions were added' };
  }
  const never = pickup.filter((p) => p.seconds === null);
  const measured = pickup.map((p) => p.seconds).filter((s): s is number => s !== null);
  const worst = measured.length > 0 ? Math.max(...measured) : null;
  const slow = pickup.filter((p) => p.seconds !== null && p.seconds > max);
  if (never.length > 0 || slow.length > 0) {
    const parts = [
      ...slow.map((p) => `${p.topic}/${p.partition} ${fmt(p.seconds!)} s > max ${max} s`),
      ...never.map((p) => `${p.topic}/${p.partition} never reached the target`),
    ];
    return { ...base, measured: worst, status: 'failed', detail: `pickup: ${parts.join('; ')}` };
  }
  return { ...base, measured: worst, status: 'met', detail: `pickup: slowest new partition ${fmt(worst ?? 0)} s <= max ${max} s` };
}

function recoveryExpectation(max: number, faults: readonly FaultReport[]): ExpectationResult {
  const base = { name: 'recoverySeconds' as const, max, unit: 's' as const, source: 'scenario' as const };
  if (faults.length === 0) return { ...base, measured: 0, status: 'met', detail: 'recovery: no faults were injected' };
  const name = (f: FaultReport) => `${f.faultId} (${f.kind})`;
  const slow = faults.filter((f) => f.recovery.seconds !== null && f.recovery.seconds > max);
  const never = faults.filter((f) => f.recovery.status === 'not-recovered');
  const unknown = faults.filter((f) => f.recovery.status === 'not-measured');
  const measured = faults.map((f) => f.recovery.seconds).filter((s): s is number => s !== null);
  const worst = measured.length > 0 ? Math.max(...measured) : null;
  if (slow.length > 0 || never.length > 0) {
    const parts = [
      ...slow.map((f) => `${name(f)} ${fmt(f.recovery.seconds!)} s > max ${max} s`),
      ...never.map((f) => `${name(f)} did not recover before the workload ended (max ${max} s)`),
    ];
    return { ...base, measured: worst, status: 'failed', detail: `recovery: ${parts.join('; ')}` };
  }
  if (unknown.length > 0) {
    return {
      ...base,
      measured: worst,
      status: 'unknown',
      detail: `recovery: not measured for ${unknown.map((f) => `${name(f)} (${f.recovery.reason})`).join('; ')}`,
    };
  }
  return { ...base, measured: worst, status: 'met', detail: `recovery: slowest ${fmt(worst ?? 0)} s <= max ${max} s` };
}

/**
 * In this order: `error` when the run could not be judged (missing or invalid
 * reports); `fail` when an expectation failed (a real anomaly wins over a weak
 * tester: what was seen is wrong at any load); `inconclusive` when the tester did
 * not deliver the requested load or nothing at all (`inconclusive` holds the
 * reasons; expectations it left unmeasurable are warnings then); `error` when an
 * expectation could not be checked; else `pass`. Reasons name what failed and
 * what was measured.
 */
export function decideVerdict(
  errors: readonly string[],
  results: readonly ExpectationResult[],
  inconclusive: readonly string[] = [],
): { verdict: Verdict; reasons: string[]; warnings: string[] } {
  const failed = results.filter((r) => r.status === 'failed').map((r) => r.detail);
  const unknown = results.filter((r) => r.status === 'unknown').map((r) => `not checked: ${r.detail}`);
  if (errors.length > 0) return { verdict: 'error', reasons: [...errors, ...failed], warnings: [...inconclusive, ...unknown] };
  if (failed.length > 0) return { verdict: 'fail', reasons: failed, warnings: [...inconclusive, ...unknown] };
  if (inconclusive.length > 0) return { verdict: 'inconclusive', reasons: [...inconclusive], warnings: unknown };
  if (unknown.length > 0) return { verdict: 'error', reasons: unknown, warnings: [] };
  return { verdict: 'pass', reasons: [], warnings: [] };
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
