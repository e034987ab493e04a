import { LatencyHistograms } from '@mirrorlab/validation';
import { PendingLatency } from './pending-latency';

describe('PendingLatency', () => {
  it('folds every pending sample once, then is empty', () => {
    const pending = new PendingLatency();
    pending.add('t/0', 1_000_000, 500);
    pending.add('t/1', 2_000_000, 700, 300);
    pending.add('t/0', 2_500_000, 900, undefined, 1_900);
    expect(pending.size).toBe(3);
    const [e2e, repl, sched] = [new LatencyHistograms(), new LatencyHistograms(), new LatencyHistograms()];
    pending.foldInto(e2e, repl, sched);
    expect(e2e.count).toBe(3);
    expect(repl.count).toBe(1);
    expect(sched.count).toBe(1);
    expect(sched.percentiles([100])[0]).toBeCloseTo(1_900, -1);
    expect(pending.size).toBe(0);
    pending.foldInto(e2e, repl);
    expect(e2e.count).toBe(3);
  });

  it('drops the samples of a partition that moved to another validator', () => {
    const pending = new PendingLatency();
    pending.add('t/0', 1_000_000, 500);
    pending.add('t/1', 1_000_000, 600);
    pending.drop('t/0');
    const e2e = new LatencyHistograms();
    pending.foldInto(e2e);
    expect(e2e.count).toBe(1);
    expect(e2e.percentiles([100])[0]).toBeCloseTo(600, -1);
  });
});
