import { faultJobSchema } from '@mirrorlab/protocol';
import { healAllJobId, planFaultJobs } from './fault-schedule';
import { scenario } from './testing/world';

describe('planFaultJobs', () => {
  const { spec } = scenario({
    workload: { rate: { records: 1 }, duration: '60s' },
    faults: [
      { at: '10s', duration: '20s', kind: 'network-partition', target: 'inter-dc', params: { direction: 'both' } },
      { at: '15s', kind: 'add-partitions', target: 't', params: { count: 2 } },
    ],
  });

  it('plans an inject at start + at, and a heal after the duration, with deterministic ids', () => {
    const jobs = planFaultJobs('sc-1', spec, 1_000_000);
    expect(jobs.map((j) => ({ id: j.jobId, atMs: j.atMs, action: j.data.action }))).toEqual([
      { id: 'sc-1/f0__inject', atMs: 1_010_000, action: 'inject' },
      { id: 'sc-1/f0__heal', atMs: 1_030_000, action: 'heal' },
      { id: 'sc-1/f1__inject', atMs: 1_015_000, action: 'inject' },
    ]);
    expect(jobs[0].data).toEqual({
      action: 'inject',
      scenarioId: 'sc-1',
      faultId: 'sc-1/f0',
      kind: 'network-partition',
      target: 'inter-dc',
      params: { direction: 'both' },
      durationMs: 20_000,
    });
    expect(jobs[2].data).not.toHaveProperty('durationMs');
    for (const j of jobs) expect(faultJobSchema.safeParse(j.data).success).toBe(true);
  });

  it('gives the same ids for the same scenario, whatever the start time', () => {
    expect(planFaultJobs('sc-1', spec, 5).map((j) => j.jobId)).toEqual(planFaultJobs('sc-1', spec, 999).map((j) => j.jobId));
  });

  it('plans nothing for a scenario without faults', () => {
    expect(planFaultJobs('sc-1', scenario().spec, 0)).toEqual([]);
  });

  it('names the heal-all job after the scenario', () => {
    expect(healAllJobId('sc-1')).toBe('sc-1__heal-all');
  });
});
