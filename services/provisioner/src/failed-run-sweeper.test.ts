import { sweepFailedRuns, type FailedJob } from './failed-run-sweeper';
import { newRunRecord, type RunRecord } from './run-record';
import type { RunContext } from './scenario-runner';
import { scenario, silentLogger } from './testing/world';

function failedJob(
  run: Partial<RunRecord> | undefined,
  failedReason = 'job stalled more than allowable limit',
): FailedJob & { saved: unknown[] } {
  const saved: unknown[] = [];
  return {
    data: { scenarioId: 'sc-1', spec: scenario().raw, submittedAtMs: 1, ...(run ? { run: { ...newRunRecord(), ...run } } : {}) },
    failedReason,
    saved,
    updateData: async (d) => void saved.push(d),
  };
}

describe('sweepFailedRuns', () => {
  it('cleans up runs that failed without their cleanup, and only those', async () => {
    const cleaned: Array<{ ctx: RunContext; reason: string }> = [];
    const runner = {
      cleanUp: async (ctx: RunContext, reason: string) => {
        cleaned.push({ ctx, reason });
        await ctx.save({ ...ctx.record, phase: 'failed', cleanedUp: true });
        return { ...ctx.record, phase: 'failed' as const, cleanedUp: true };
      },
    };
    const stalled = failedJob({ phase: 'running', startAtMs: 5 });
    const jobs = [
      stalled,
      failedJob({ phase: 'failed', cleanedUp: true }),
      failedJob({ phase: 'queued' }),
      failedJob(undefined),
      { ...failedJob(undefined), data: { garbage: true } },
    ];
    const n = await sweepFailedRuns({
      failedJobs: async () => jobs,
      runner,
      shutdown: new AbortController().signal,
      logger: silentLogger(),
    });
    expect(n).toBe(1);
    expect(cleaned).toHaveLength(1);
    expect(cleaned[0].ctx.record).toMatchObject({ phase: 'running', startAtMs: 5 });
    expect(cleaned[0].ctx.spec?.name).toBe('unit');
    expect(cleaned[0].reason).toBe('the job failed outside the run: job stalled more than allowable limit');
    expect(stalled.saved).toEqual([
      expect.objectContaining({ scenarioId: 'sc-1', run: expect.objectContaining({ phase: 'failed', cleanedUp: true }) }),
    ]);
  });
});
