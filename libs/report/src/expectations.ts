import type { ExpectationResult, FaultReport, Verdict } from './report-schema';
import type { Expectations } from './spec-view';

/** What was measured, or null when it could not be (no validator or producer reports). */
export interface Measured {
  lost: number | null;
  unseen: number | null;
  unexpected: number | null;
  duplicates: number | null;
  corrupt: number | null;
  p99Us: number | null;
  faults: readonly FaultReport[];
}

/**
 * Checks the scenario's expectations, in the spec's order of fields. Only
 * expectations the spec states are checked (the spec's default is lost and
 * unexpected at most 0). `lost` counts unseen records too: after the drain, an
 * acknowledged record that never arrived is lost whether or not a later one did.
 */
export function checkExpectations(exp: Expectations, m: Measured): ExpectationResult[] {
  const out: ExpectationResult[] = [];
  const records = (name: 'lost' | 'unexpected' | 'duplicates' | 'corrupt', max: number, measured: number | null, note = '') => {
    if (measured === null) out.push({ name, max, measured, unit: 'records', status: 'unknown', detail: `${name}: not measured (no reports to reconcile)` });
    else out.push({ name, max, measured, unit: 'records', status: measured > max ? 'failed' : 'met', detail: `${name}: ${measured} ${measured > max ? '>' : '<='} max ${max}${note}` });
  };
  if (exp.lost) {
    const total = m.lost === null || m.unseen === null ? null : m.lost + m.unseen;
    records('lost', exp.lost.max, total, m.unseen ? ` (${m.lost} lost + ${m.unseen} unseen after the drain)` : '');
  }
  if (exp.unexpected) records('unexpected', exp.unexpected.max, m.unexpected);
  if (exp.duplicates) records('duplicates', exp.duplicates.max, m.duplicates);
  if (exp.corrupt) records('corrupt', exp.corrupt.max, m.corrupt);
  if (exp.p99LatencyMs) {
    const max = exp.p99LatencyMs.max;
    if (m.p99Us === null) out.push({ name: 'p99LatencyMs', max, measured: null, unit: 'ms', status: 'unknown', detail: 'p99 latency: not measured (no records were read)' });
    else {
      const ms = m.p99Us / 1000;
      out.push({ name: 'p99LatencyMs', max, measured: ms, unit: 'ms', status: ms > max ? 'failed' : 'met', detail: `p99 latency: ${fmt(ms)} ms ${ms > max ? '>' : '<='} max ${max} ms` });
    }
  }
  if (exp.recoverySeconds) out.push(recoveryExpectation(exp.recoverySeconds.max, m.faults));
  return out;
}

function recoveryExpectation(max: number, faults: readonly FaultReport[]): ExpectationResult {
  const base = { name: 'recoverySeconds' as const, max, unit: 's' as const };
  if (faults.length === 0) return { ...base, measured: 0, status: 'met', detail: 'recovery: no faults were injected' };
  const name = (f: FaultReport) => `${f.faultId} (${f.kind})`;
  const slow = faults.filter((f) => f.recovery.seconds !== null && f.recovery.seconds > max);
  const never = faults.filter((f) => f.recovery.status === 'not-recovered');
  const unknown = faults.filter((f) => f.recovery.status === 'not-measured');
  const measured = faults.map((f) => f.recovery.seconds).filter((s): s is number => s !== null);
  const worst = measured.length > 0 ? Math.max(...measured) : null;
  if (slow.length > 0 || never.length > 0) {
    const parts = [...slow.map((f) => `${name(f)} ${fmt(f.recovery.seconds!)} s > max ${max} s`), ...never.map((f) => `${name(f)} did not recover before the workload ended (max ${max} s)`)];
    return { ...base, measured: worst, status: 'failed', detail: `recovery: ${parts.join('; ')}` };
  }
  if (unknown.length > 0) {
    return { ...base, measured: worst, status: 'unknown', detail: `recovery: not measured for ${unknown.map((f) => `${name(f)} (${f.recovery.reason})`).join('; ')}` };
  }
  return { ...base, measured: worst, status: 'met', detail: `recovery: slowest ${fmt(worst ?? 0)} s <= max ${max} s` };
}

/**
 * `error` when the run could not be judged (missing or invalid reports), `fail`
 * when an expectation failed, `error` when one could not be checked, else `pass`.
 * Reasons name what failed and what was measured.
 */
export function decideVerdict(errors: readonly string[], results: readonly ExpectationResult[]): { verdict: Verdict; reasons: string[]; warnings: string[] } {
  const failed = results.filter((r) => r.status === 'failed').map((r) => r.detail);
  const unknown = results.filter((r) => r.status === 'unknown').map((r) => r.detail);
  if (errors.length > 0) return { verdict: 'error', reasons: [...errors, ...failed], warnings: unknown.map((u) => `not checked: ${u}`) };
  if (failed.length > 0) return { verdict: 'fail', reasons: failed, warnings: unknown.map((u) => `not checked: ${u}`) };
  if (unknown.length > 0) return { verdict: 'error', reasons: unknown.map((u) => `not checked: ${u}`), warnings: [] };
  return { verdict: 'pass', reasons: [], warnings: [] };
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
