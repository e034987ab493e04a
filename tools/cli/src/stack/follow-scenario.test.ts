import { progressLine, type ScenarioStatus } from './follow-scenario';

describe('progressLine', () => {
  it('shows phase, time, rates, anomalies and active faults', () => {
    const s: ScenarioStatus = {
      id: 'x',
      phase: 'running',
      progress: 41.6,
      workload: { elapsedMs: 25_400, totalMs: 60_000 },
      faults: { scheduled: 2, injected: 1, healed: 0 },
      counts: {
        produced: { sent: 5000, acked: 4990 },
        consumed: { records: 4800 },
        anomalies: { lost: 0, unseen: 12, unexpected: 0, duplicate: 3, corrupt: 0 },
      },
      verdict: null,
      reasons: [],
      reportLocation: null,
      error: null,
    };
    expect(progressLine(s, { produced: 200, consumed: 198.6 })).toBe(
      '[running]  25/60 s  42%  produced 5000 (200/s)  consumed 4800 (199/s)  lost 0 unseen 12 unexpected 0 dup 3 corrupt 0  faults active 1/2',
    );
  });

  it('shows records read before their producer reported them as pending, and foreign records, when there are any', () => {
    const s: ScenarioStatus = {
      id: 'x',
      phase: 'running',
      progress: 50,
      workload: { elapsedMs: 30_000, totalMs: 60_000 },
      faults: { scheduled: 0, injected: 0, healed: 0 },
      counts: {
        produced: { sent: 6000, acked: 6000 },
        consumed: { records: 5900 },
        anomalies: { lost: 0, unseen: 0, pending: 46, unexpected: 0, duplicate: 0, corrupt: 0, foreign: 2 },
      },
      verdict: null,
      reasons: [],
      reportLocation: null,
      error: null,
    };
    expect(progressLine(s, { produced: 200, consumed: 200 })).toBe(
      '[running]  30/60 s  50%  produced 6000 (200/s)  consumed 5900 (200/s)  lost 0 unseen 0 pending 46 unexpected 0 dup 0 corrupt 0 foreign 2  faults active 0/0',
    );
  });

  it('copes with a scenario that has no counts yet', () => {
    const s: ScenarioStatus = { id: 'x', phase: 'queued', progress: 0, verdict: null, reasons: [], reportLocation: null, error: null };
    expect(progressLine(s, { produced: 0, consumed: 0 })).toBe(
      '[queued]  ?/? s  0%  produced 0 (0/s)  consumed 0 (0/s)  no validator report yet  faults active 0/0',
    );
  });
});
