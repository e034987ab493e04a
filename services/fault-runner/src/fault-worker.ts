import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { QUEUE_NAMES, encodeJobFailure } from '@mirrorlab/protocol';
import type { Logger } from '@mirrorlab/service-kit';
import { isFaultRunnerError } from './errors';
import { parseFaultJob } from './fault-job';
import type { FaultMetrics } from './fault-metrics';
import type { FaultRunner, JobOutcome } from './fault-runner';

/**
 * The processor of the faults queue: validates each job, then lets the runner act. An
 * invalid job (or a fault that can never work here) fails at once without retries; a failed
 * job's reason is the failure as data (code, message, field; `parseJobFailure` reads it);
 * the worker goes on.
 */
export function faultJobProcessor(runner: Pick<FaultRunner, 'handle'>, logger: Logger, metrics?: Pick<FaultMetrics, 'jobsFailed'>) {
  return async (job: Pick<Job, 'id' | 'name' | 'data' | 'attemptsMade'>): Promise<JobOutcome> => {
    try {
      const data = parseFaultJob(job.data);
      return await runner.handle(data);
    } catch (error) {
      const code = isFaultRunnerError(error) ? error.code : 'internal';
      metrics?.jobsFailed.inc({ code });
      const fields = {
        jobId: job.id,
        jobName: job.name,
        code,
        ...(isFaultRunnerError(error) && error.field ? { field: error.field } : {}),
        err: error,
      };
      if (code === 'job_invalid') logger.error('fault_job_invalid', fields);
      else logger.error('fault_job_failed', fields);
      const retriable = !isFaultRunnerError(error) || error.retriable;
      const field = isFaultRunnerError(error) ? error.field : undefined;
      const message = encodeJobFailure({
        code,
        message: error instanceof Error ? error.message : String(error),
        retriable,
        ...(field ? { field } : {}),
      });
      if (!retriable) throw new UnrecoverableError(message);
      throw error instanceof Error ? Object.assign(error, { message }) : new Error(message);
    }
  };
}

export function createFaultWorker(opts: {
  connection: ConnectionOptions;
  runner: FaultRunner;
  concurrency: number;
  logger: Logger;
  metrics: FaultMetrics;
}): Worker {
  const worker = new Worker(QUEUE_NAMES.faults, faultJobProcessor(opts.runner, opts.logger, opts.metrics), {
    connection: opts.connection,
    concurrency: opts.concurrency,
    autorun: false,
    // A heal waits for brokers to restart: far longer than BullMQ's default lock.
    lockDuration: 120_000,
  });
  worker.on('error', (err) => opts.logger.error('fault_worker_error', { err }));
  return worker;
}
