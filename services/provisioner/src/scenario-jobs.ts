import type { Job, Queue } from 'bullmq';
import type { ScenarioJob } from '@mirrorlab/protocol';
import type { AbortFlags } from './abort-flags';
import { readRunRecord, type RunRecord } from './run-record';

/** A scenario job as the API shows it. */
export interface ScenarioJobView {
  id: string;
  /** BullMQ's state: waiting, active, delayed, completed, failed... */
  state: string;
  spec: Record<string, unknown>;
  submittedAtMs: number;
  processedAtMs?: number;
  finishedAtMs?: number;
  progress: number;
  record?: RunRecord;
  failedReason?: string;
  abortRequestedAtMs?: number;
}

/** The scenarios queue, as the HTTP API uses it. */
export interface ScenarioJobs {
  submit(job: ScenarioJob): Promise<void>;
  get(id: string): Promise<ScenarioJobView | undefined>;
  /** The most recently submitted jobs, newest first. */
  list(limit: number): Promise<ScenarioJobView[]>;
  requestAbort(id: string, atMs: number): Promise<void>;
}

/** Finished jobs are kept for this many (newest first), so their status stays readable. */
const KEEP = { count: 1000 };
const STATES = ['active', 'waiting', 'prioritized', 'delayed', 'completed', 'failed'] as const;

export function bullmqScenarioJobs(queue: Queue, flags: AbortFlags): ScenarioJobs {
  const view = async (job: Job, withAbort: boolean): Promise<ScenarioJobView> => {
    const data = (job.data ?? {}) as Partial<ScenarioJob> & { run?: unknown };
    return {
      id: job.id ?? '',
      state: await job.getState(),
      spec: data.spec ?? {},
      submittedAtMs: data.submittedAtMs ?? job.timestamp,
      processedAtMs: job.processedOn,
      finishedAtMs: job.finishedOn,
      progress: typeof job.progress === 'number' ? job.progress : 0,
      record: readRunRecord(data.run),
      failedReason: job.failedReason || undefined,
      abortRequestedAtMs: withAbort && job.id ? await flags.requestedAt(job.id) : undefined,
    };
  };
  return {
    async submit(job) {
      // One attempt: a provisioner that dies leaves the job stalled, and the next one resumes it from its run record.
      await queue.add('scenario', job, { jobId: job.scenarioId, attempts: 1, removeOnComplete: KEEP, removeOnFail: KEEP });
    },
    async get(id) {
      const job = await queue.getJob(id);
      return job ? view(job, true) : undefined;
    },
    async list(limit) {
      const jobs = await queue.getJobs([...STATES], 0, limit - 1, false);
      const newest = jobs
        .filter((j): j is Job => j !== undefined && j !== null)
        .sort((a, b) => b.timestamp - a.timestamp)
        .slice(0, limit);
      return Promise.all(newest.map((j) => view(j, false)));
    },
    async requestAbort(id, atMs) {
      await flags.request(id, atMs);
    },
  };
}
