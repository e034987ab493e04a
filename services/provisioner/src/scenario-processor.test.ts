import { WaitingError } from 'bullmq';
import { parseJobFailure } from '@mirrorlab/protocol';
import { memoryAbortFlags } from './abort-flags';
import { RunInterrupted, ScenarioRunError } from './errors';
import { newRunRecord, type RunRecord } from './run-record';
import type { RunContext } from './scenario-runner';
import { scenarioProcessor, type ProcessableJob } from './scenario-processor';
import { scenario, silentLogger } from './testing/world';

class FakeJob implements ProcessableJob {
  updates: unknown[] = [];
  progress: number[] = [];
  movedToWait = 0;
  constructor(public data: unknown) {}
  async updateData(d: unknown) {
    this.data = d;
    this.updates.push(d);
  }
  async updateProgress(p: number) {
    this.progress.push(p);
  }
  async moveToWait() {
    this.movedToWait++;
    return 0;
  }
}

const jobData = (extra: Record<string, unknown> = {}) => ({ scenarioId: 'sc-1', spec: scenario().raw, submittedAtMs: 1, ...extra });

function processorWith(run: (ctx: RunContext) => Promise<never | { verdict: 'pass' }>, shutdown = new AbortController()) {
  const flags = memoryAbortFlags();
  const process = scenarioProcessor({
    runner: { run: run as never },
    flags,
    shutdown: shutdown.signal,
    logger: silentLogger(),
    abortPollMs: 10,
  });
  return { process, flags, shutdown };
}

describe('scenarioProcessor', () => {
  it('hands the runner the validated spec, a new record, and saves records into the job data', async () => {
    let seen: RunContext | undefined;
    const { process } = processorWith(async (ctx) => {
      seen = ctx;
      await ctx.save({ ...ctx.record, phase: 'provisioning' });
      return { verdict: 'pass' };
    });
    const job = new FakeJob(jobData());
    await process(job);
    expect(seen?.spec?.workload.duration).toBe(10_000);
    expect(seen?.record).toEqual(newRunRecord());
    expect(job.data).toMatchObject({ scenarioId: 'sc-1', run: { phase: 'provisioning' } });
  });

  it('resumes from the run record a previous provisioner left in the job', async () => {
    let record: RunRecord | undefined;
    const { process } = processorWith(async (ctx) => {
      record = ctx.record;
      return { verdict: 'pass' };
    });
    await process(new FakeJob(jobData({ run: { ...newRunRecord(), phase: 'draining', stopAtMs: 5 } })));
    expect(record).toMatchObject({ phase: 'draining', stopAtMs: 5 });
  });

  it('passes an invalid spec on as undefined with its problems (the runner fails cleanly)', async () => {
    let ctx: RunContext | undefined;
    const { process } = processorWith(async (c) => {
      ctx = c;
      return { verdict: 'pass' };
    });
    await process(new FakeJob(jobData({ spec: { name: 'x' } })));
    expect(ctx?.spec).toBeUndefined();
    expect(ctx?.specProblems).toEqual(expect.arrayContaining([expect.stringMatching(/^topics: /)]));
  });

  it('fails a job that is not a scenario job with job_invalid', async () => {
    const { process } = processorWith(async () => ({ verdict: 'pass' }));
    const failed = (await process(new FakeJob({ nope: true })).catch((e: unknown) => e)) as Error & { code: string };
    expect(failed.code).toBe('job_invalid');
    expect(parseJobFailure(failed.message)).toEqual({
      code: 'job_invalid',
      message: expect.stringMatching(/^the job is not a scenario job: /),
      retriable: false,
    });
  });

  it('turns an abort request in Redis into an abort signal', async () => {
    const { process, flags } = processorWith(
      (ctx) =>
        new Promise((_, reject) => {
          void flags.request('sc-1', 1);
          ctx.abort.addEventListener('abort', () => reject(new ScenarioRunError('aborted', 'aborted on request')));
        }),
    );
    const failed = (await process(new FakeJob(jobData())).catch((e: unknown) => e)) as Error & { code: string };
    expect(failed.code).toBe('aborted');
    expect(parseJobFailure(failed.message)).toEqual({ code: 'aborted', message: 'aborted on request', retriable: false });
  });

  it('on shutdown, moves the job back to wait and throws WaitingError (BullMQ leaves it for the next provisioner)', async () => {
    const { process, shutdown } = processorWith(
      (ctx) =>
        new Promise((_, reject) => {
          ctx.shutdown.addEventListener('abort', () => reject(new RunInterrupted('shutdown')));
          shutdown.abort(new RunInterrupted('shutdown'));
        }),
    );
    const job = new FakeJob(jobData());
    await expect(process(job, 'token')).rejects.toBeInstanceOf(WaitingError);
    expect(job.movedToWait).toBe(1);
  });
});
