import { attribute } from './fault-windows';
import type { FaultReport } from './report-schema';

const fault = (id: string, from: number, heal: number | null, to: number, oneShot = false): FaultReport => ({
  faultId: id,
  kind: 'kill-broker',
  target: null,
  params: {},
  injectedAtMs: from,
  healedAtMs: heal,
  oneShot,
  verified: heal === null ? null : true,
  healDetail: '',
  recovery: { status: 'recovered', seconds: 0, recoveredAtMs: to, reason: null, baseline: null },
  impactWindow: { fromMs: from, toMs: to },
  attributedExamples: {},
});

const faults = [fault('f1', 10_000, 20_000, 30_000), fault('f2', 25_000, 28_000, 40_000), fault('f3', 50_000, null, 55_000, true)];

describe('attribute', () => {
  it('puts a witnessed time in every impact window that contains it, with its phase', () => {
    expect(attribute({ kind: 'witnessed', atMs: 9_999 }, faults)).toEqual([]);
    expect(attribute({ kind: 'witnessed', atMs: 10_000 }, faults)).toEqual([{ faultId: 'f1', phase: 'during' }]);
    expect(attribute({ kind: 'witnessed', atMs: 20_000 }, faults)).toEqual([{ faultId: 'f1', phase: 'during' }]);
    expect(attribute({ kind: 'witnessed', atMs: 26_000 }, faults)).toEqual([
      { faultId: 'f1', phase: 'recovery' },
      { faultId: 'f2', phase: 'during' },
    ]);
    expect(attribute({ kind: 'witnessed', atMs: 30_001 }, faults)).toEqual([{ faultId: 'f2', phase: 'recovery' }]);
    expect(attribute({ kind: 'witnessed', atMs: 45_000 }, faults)).toEqual([]);
  });

  it('attributes an estimated send interval to the windows it overlaps', () => {
    expect(attribute({ kind: 'estimated', fromMs: 9_000, toMs: 10_000, basis: 'x' }, faults)).toEqual([]);
    expect(attribute({ kind: 'estimated', fromMs: 9_500, toMs: 10_500, basis: 'x' }, faults)).toEqual([{ faultId: 'f1', phase: 'during' }]);
    expect(attribute({ kind: 'estimated', fromMs: 40_000, toMs: 41_000, basis: 'x' }, faults)).toEqual([{ faultId: 'f2', phase: 'recovery' }]);
  });

  it('counts everything after a one-shot fault, until it recovered, as its aftermath', () => {
    expect(attribute({ kind: 'witnessed', atMs: 50_000 }, faults)).toEqual([{ faultId: 'f3', phase: 'recovery' }]);
    expect(attribute({ kind: 'witnessed', atMs: 55_001 }, faults)).toEqual([]);
  });

  it('cannot place an example without a time', () => {
    expect(attribute({ kind: 'unknown' }, faults)).toEqual([]);
  });
});
