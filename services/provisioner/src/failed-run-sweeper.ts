import { describeJobFailure, parseJobFailure, scenarioJobSchema, validateScenario } from '@mirrorlab/protocol';
import type { Logger } from '@mirrorlab/service-kit';
import { readRunRecord } from './run-record';
import type { ScenarioRunner } from './scenario-runner';

export interface FailedJob {
  data: unknown;
  failedReason?: string;
  updateData(data: unknown): Promise<void>;
}

/**
 * Finishes the cleanup of runs that failed without it: BullMQ failing a job
 * that stalled too often, or a cleanup step that could not reach Kafka or Redis.
 * Such a run gets `scenario.stopping`, `heal-all`, `scenario.drained` and its
 * workload released, like any failed run. Returns how many were cleaned.
 */
export async function sweepFailedRuns(o: {
  failedJobs: () => Promise<FailedJob[]>;
  runner: Pick<ScenarioRunner, 'cleanUp'>;
  shutdown: AbortSignal;
  logger: Logger;
}): Promise<number> {
  let cleaned = 0;
  for (const job of await o.failedJobs()) {
    const parsed = scenarioJobSchema.safeParse(job.data);
    const record = readRunRecord((job.data as { run?: unknown } | undefined)?.run);
    if (!parsed.success || !record || record.cleanedUp || record.phase === 'queued') continue;
    const spec = validateScenario(parsed.data.spec);
    const scenarioId = parsed.data.scenarioId;
    const failure = job.failedReason ? parseJobFailure(job.failedReason) : undefined;
    o.logger.warn('failed_run_cleanup', { scenarioId, phase: record.phase, failure });
    const after = await o.runner.cleanUp(
      {
        scenarioId,
        spec: spec.ok ? spec.spec : undefined,
        record,
        save: (r) => job.updateData({ ...parsed.data, run: r }),
        progress: async () => undefined,
        abort: new AbortController().signal,
        shutdown: o.shutdown,
      },
      `the job failed outside the run: ${failure === undefined ? 'unknown reason' : failure.code === 'internal' ? failure.message : describeJobFailure(failure)}`,
    );
    if (after.cleanedUp) cleaned++;
  }
  return cleaned;
}
