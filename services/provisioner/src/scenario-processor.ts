import { WaitingError } from 'bullmq';
import { jobFailureError, scenarioJobSchema, validateScenario, type ScenarioJob } from '@mirrorlab/protocol';
import type { Logger } from '@mirrorlab/service-kit';
import type { AbortFlags } from './abort-flags';
import { isInterrupt, RunInterrupted, ScenarioRunError } from './errors';
import type { ProvisionerMetrics } from './provisioner-metrics';
import { newRunRecord, readRunRecord, type RunRecord, type RunResult } from './run-record';
import type { RunContext, ScenarioRunner } from './scenario-runner';

/** The parts of a BullMQ job the processor uses. */
export interface ProcessableJob {
  data: unknown;
  updateData(data: unknown): Promise<void>;
  updateProgress(progress: number): Promise<void>;
  moveToWait(token?: string): Promise<unknown>;
}

export interface ScenarioProcessorOptions {
  runner: Pick<ScenarioRunner, 'run'>;
  flags: AbortFlags;
  /** Aborted (with RunInterrupted('shutdown')) when this provisioner stops. */
  shutdown: AbortSignal;
  logger: Logger;
  metrics?: ProvisionerMetrics;
  abortPollMs: number;
}

/** A failed job's reason is the run error as data (`parseJobFailure` reads it back), for clients that only read BullMQ. */
function failure(err: unknown): Error {
  if (!(err instanceof ScenarioRunError)) return err as Error;
  return jobFailureError({ code: err.code, message: err.message, retriable: err.retriable });
}

/**
 * The scenarios queue's processor: reads the job (and its run record, when a
 * previous provisioner left one), watches for an abort request, and runs the
 * scenario. On shutdown the job goes back to the queue at once, untouched, for
 * the next provisioner to resume.
 */
export function scenarioProcessor(o: ScenarioProcessorOptions) {
  return async (job: ProcessableJob, token?: string): Promise<RunResult> => {
    const parsed = scenarioJobSchema.safeParse(job.data);
    if (!parsed.success) {
      throw failure(
        new ScenarioRunError(
          'job_invalid',
          `the job is not a scenario job: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
        ),
      );
    }
    const data: ScenarioJob = parsed.data;
    const spec = validateScenario(data.spec);
    const record = readRunRecord((job.data as { run?: unknown }).run) ?? newRunRecord();
    const abort = new AbortController();
    const checkAbort = async () => {
      if (abort.signal.aborted) return;
      try {
        if ((await o.flags.requestedAt(data.scenarioId)) !== undefined) abort.abort(new RunInterrupted('abort'));
      } catch (err) {
        o.logger.warn('abort_check_failed', { scenarioId: data.scenarioId, err });
      }
    };
    await checkAbort();
    const timer = setInterval(() => void checkAbort(), o.abortPollMs);
    o.metrics?.active.inc();
    const ctx: RunContext = {
      scenarioId: data.scenarioId,
      spec: spec.ok ? spec.spec : undefined,
      specProblems: spec.ok ? undefined : spec.error.problems,
      record,
      save: (r: RunRecord) => job.updateData({ ...data, run: r }),
      progress: (p) => job.updateProgress(p),
      abort: abort.signal,
      shutdown: o.shutdown,
    };
    try {
      return await o.runner.run(ctx);
    } catch (err) {
      if (isInterrupt(err, 'shutdown')) {
        await job.moveToWait(token);
        o.logger.info('scenario_left_for_resume', { scenarioId: data.scenarioId });
        throw new WaitingError();
      }
      throw failure(err);
    } finally {
      clearInterval(timer);
      o.metrics?.active.dec();
    }
  };
}
