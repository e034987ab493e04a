import { z } from 'zod';

/**
 * A scenario's phases, in order. `done`, `failed` and `aborted` are terminal.
 * The run record (below) is kept in the BullMQ job's data and written before
 * every side effect, so a provisioner that takes the job over resumes from it.
 */
export const PHASES = [
  'queued',
  'provisioning',
  'waiting-for-replicator',
  'starting-workload',
  'running',
  'stopping',
  'draining',
  'reporting',
  'done',
  'failed',
  'aborted',
] as const;
export type Phase = (typeof PHASES)[number];
export const TERMINAL_PHASES: readonly Phase[] = ['done', 'failed', 'aborted'];

export const phaseIndex = (p: Phase): number => PHASES.indexOf(p);
export const isTerminal = (p: Phase): boolean => TERMINAL_PHASES.includes(p);

const workloadProcessSchema = z.object({
  role: z.enum(['producer', 'validator', 'consumer', 'validator-read-uncommitted', 'audit']),
  id: z.string(),
  pid: z.number().int().optional(),
  logFile: z.string().optional(),
});

export const runResultSchema = z.object({
  verdict: z.enum(['pass', 'fail', 'error', 'inconclusive']),
  reasons: z.array(z.string()),
  reportLocation: z.string(),
  drained: z.boolean(),
  drainWaitedMs: z.number(),
});
export type RunResult = z.output<typeof runResultSchema>;

export const runRecordSchema = z.object({
  phase: z.enum(PHASES),
  /** When each phase was first entered (ms since the epoch). */
  phaseTimes: z.partialRecord(z.enum(PHASES), z.number()).default({}),
  /** How often a provisioner took the run over after another stopped or died. */
  resumes: z.number().int().nonnegative().default(0),
  instance: z.string().optional(),
  targetTopics: z.record(z.string(), z.string()).optional(),
  workload: z.object({ kind: z.string(), processes: z.array(workloadProcessSchema) }).optional(),
  startAtMs: z.number().optional(),
  /** The producers' hard stop: the start, plus the warm-up's timeout, plus the workload's duration. */
  endAtMs: z.number().optional(),
  /** The warm-up's end (`scenario.measuring`): the measured workload and the fault schedule start here. */
  measuringAtMs: z.number().optional(),
  /** The measured workload's end: the run stops here. */
  measuredEndAtMs: z.number().optional(),
  warmup: z.object({ steady: z.boolean(), detail: z.string(), firstReadAtMs: z.number().nullable() }).optional(),
  /** Deterministic ids of the scenario's fault jobs (recorded before they are enqueued). */
  faultJobIds: z.array(z.string()).optional(),
  /** At the end of the workload: faults not yet injected cancelled, active ones healed, and how that went. */
  faultsSettled: z.object({ settled: z.boolean(), waitedMs: z.number(), cancelled: z.number(), unhealed: z.array(z.string()) }).optional(),
  faultsScheduledAtMs: z.number().optional(),
  stopAtMs: z.number().optional(),
  stopReason: z.string().optional(),
  drain: z.object({ drained: z.boolean(), waitedMs: z.number(), pending: z.array(z.string()).default([]) }).optional(),
  /** When this run's control events went out (the control topic is checked too, on resume). */
  published: z
    .object({
      started: z.number().optional(),
      measuring: z.number().optional(),
      stopping: z.number().optional(),
      drained: z.number().optional(),
    })
    .default({}),
  workloadReleased: z.boolean().default(false),
  healAllJobId: z.string().optional(),
  abortedAtMs: z.number().optional(),
  /** True once a failed or aborted run has been stopped, healed and released; the sweeper retries otherwise. */
  cleanedUp: z.boolean().default(false),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  result: runResultSchema.optional(),
});
export type RunRecord = z.output<typeof runRecordSchema>;

export function newRunRecord(): RunRecord {
  return { phase: 'queued', phaseTimes: {}, resumes: 0, published: {}, workloadReleased: false, cleanedUp: false };
}

/** The run record of a job's data; a missing or unreadable one is a new run. */
export function readRunRecord(value: unknown): RunRecord | undefined {
  if (value === undefined || value === null) return undefined;
  const r = runRecordSchema.safeParse(value);
  return r.success ? r.data : undefined;
}

/**
 * Progress 0-100 from the phase and the clock: the workload's duration is most
 * of a run, so `running` spans 15-85 in proportion to time elapsed.
 */
export function progressOf(record: RunRecord, nowMs: number, drainTimeoutMs: number): number {
  const frac = (from: number | undefined, to: number | undefined) =>
    from === undefined || to === undefined || to <= from ? 0 : Math.min(1, Math.max(0, (nowMs - from) / (to - from)));
  switch (record.phase) {
    case 'queued':
      return 0;
    case 'provisioning':
      return 2;
    case 'waiting-for-replicator':
      return 5;
    case 'starting-workload':
      return 10;
    case 'running':
      return Math.floor(15 + 70 * frac(record.measuringAtMs ?? record.startAtMs, record.measuredEndAtMs ?? record.endAtMs));
    case 'stopping':
      return 85;
    case 'draining':
      return Math.floor(85 + 10 * frac(record.stopAtMs, record.stopAtMs === undefined ? undefined : record.stopAtMs + drainTimeoutMs));
    case 'reporting':
      return 97;
    default:
      return 100;
  }
}
