import type { Queue } from 'bullmq';
import { faultJobId, faultJobSchema, type FaultJob, type FaultJobInput, type ScenarioSpec } from '@mirrorlab/protocol';

export interface PlannedFaultJob {
  jobId: string;
  /** When the fault-runner should act, ms since the epoch. */
  atMs: number;
  data: FaultJob;
}

/**
 * The fault jobs of a scenario: an `inject` at `startAtMs + at` and, for faults
 * with a duration, a `heal` that much later. Ids are deterministic, so
 * scheduling again (a resumed run) adds nothing.
 */
export function planFaultJobs(scenarioId: string, spec: Pick<ScenarioSpec, 'faults'>, startAtMs: number): PlannedFaultJob[] {
  return spec.faults.flatMap((f, i) => {
    const faultId = `${scenarioId}/f${i}`;
    const ref = {
      scenarioId,
      faultId,
      kind: f.kind,
      ...(f.target !== undefined ? { target: f.target } : {}),
      params: f.params,
      ...(f.duration !== undefined ? { durationMs: f.duration } : {}),
    };
    const inject: FaultJobInput = { ...ref, action: 'inject' };
    const jobs: PlannedFaultJob[] = [{ jobId: faultJobId(faultId, 'inject'), atMs: startAtMs + f.at, data: faultJobSchema.parse(inject) }];
    if (f.duration !== undefined) {
      const heal: FaultJobInput = { ...ref, action: 'heal' };
      jobs.push({ jobId: faultJobId(faultId, 'heal'), atMs: startAtMs + f.at + f.duration, data: faultJobSchema.parse(heal) });
    }
    return jobs;
  });
}

export const healAllJobId = (scenarioId: string) => `${scenarioId}__heal-all`;
/** The heal-all of a run that reached its end: a separate id, so a later failure's heal-all still runs. */
export const healAtStopJobId = (scenarioId: string) => `${scenarioId}__heal-at-stop`;

/** The faults queue, as the runner uses it. */
export interface FaultQueue {
  schedule(jobs: readonly PlannedFaultJob[], nowMs: number): Promise<void>;
  /** Removes the jobs that have not started yet (an aborted run must not inject later); returns how many. */
  cancelPending(jobIds: readonly string[]): Promise<number>;
  /** Enqueues a `heal-all` for the scenario, to run now; returns its job id (`jobId` when given, else the failure-path id). */
  healAll(scenarioId: string, reason: string, jobId?: string): Promise<string>;
  /** How many of these jobs a fault-runner is working on right now. */
  inFlight(jobIds: readonly string[]): Promise<number>;
}

/** Fault jobs are kept a week after they finish, so their ids keep deduplicating a resumed run. */
const KEEP = { age: 7 * 24 * 3600 };

export function bullmqFaultQueue(queue: Queue): FaultQueue {
  return {
    async schedule(jobs, nowMs) {
      for (const j of jobs) {
        await queue.add(j.data.action, j.data, {
          jobId: j.jobId,
          delay: Math.max(0, j.atMs - nowMs),
          attempts: 1,
          removeOnComplete: KEEP,
          removeOnFail: KEEP,
        });
      }
    },
    async cancelPending(jobIds) {
      let removed = 0;
      for (const id of jobIds) {
        const job = await queue.getJob(id);
        if (!job) continue;
        const state = await job.getState();
        if (state === 'delayed' || state === 'waiting' || state === 'prioritized') {
          await job.remove();
          removed++;
        }
      }
      return removed;
    },
    async inFlight(jobIds) {
      let n = 0;
      for (const id of jobIds) if ((await (await queue.getJob(id))?.getState()) === 'active') n++;
      return n;
    },
    async healAll(scenarioId, reason, jobId = healAllJobId(scenarioId)) {
      const data: FaultJobInput = { action: 'heal-all', scenarioId, reason };
      await queue.add('heal-all', faultJobSchema.parse(data), { jobId, attempts: 1, removeOnComplete: KEEP, removeOnFail: KEEP });
      return jobId;
    },
  };
}
