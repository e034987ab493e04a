import { progressLine, type ScenarioStatus } from './follow-scenario';

describe('progressLine', () => {
  it('shows phase, time, rates, anomalies and active faults', () => {
    const s: ScenarioStatus = {
      id: 'x',
      phase: 'running',
      progress: 41.6,
      workload: { elapsedMs: 25_400, totalMs: 60_000 },
      faults: { scheduled: 2, injected: 1, healed: 0 },
      counts: { produced: { sent: 5000, acked: 4990 }, consumed: { records: 4800 }, anomalies: { lost: 0, unseen: 12, unexpected: 0, duplicate: 3, corrupt: 0 } },
      verdict: null,
      reasons: [],
      reportLocation: null,
      error: null,
    };
    expect(progressLine(s, { produced: 200, consumed: 198.6 })).toBe(
      '[running]  25/60 s  42%  produced 5000 (200/s)  consumed 4800 (199/s)  lost 0 unseen 12 unexpected 0 dup 3 corrupt 0  faults active 1/2',
    );
  });

  it('copes with a scenario that has no counts yet', () => {
    const s: ScenarioStatus = { id: 'x', phase: 'queued', progress: 0, verdict: null, reasons: [], reportLocation: null, error: null };
    expect(progressLine(s, { produced: 0, consumed: 0 })).toBe('[queued]  ?/? s  0%  produced 0 (0/s)  consumed 0 (0/s)  no validator report yet  faults active 0/0');
  });
});
