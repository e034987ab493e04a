import { z } from 'zod';

/**
 * The parts of the scenario spec the report reads. `scenario.started` carries the
 * spec already validated and with its defaults filled (durations in ms), so this
 * only picks fields, leniently: a field that is missing or odd falls back to the
 * scenario schema's default rather than failing the report.
 */
const max = z.object({ max: z.number().nonnegative() });

const specViewSchema = z.object({
  name: z.string().catch(''),
  description: z.string().catch(''),
  expectedBehaviour: z.string().catch(''),
  topics: z.array(z.object({ name: z.string(), partitions: z.number().int().positive() })).catch([]),
  workload: z
    .object({
      keysPerPartition: z.number().int().positive().catch(4),
      producers: z.number().int().positive().catch(1).default(1),
      rate: z
        .object({
          records: z.number().optional(),
          bytes: z.number().optional(),
          ramp: z
            .object({ from: z.number().positive(), to: z.number().positive(), step: z.number().positive(), every: z.number().positive() })
            .optional()
            .catch(undefined),
        })
        .catch({})
        .default({}),
      rateSplit: z.enum(['per-producer', 'total']).catch('total').default('total'),
      transactions: z.object({ size: z.number(), abortEvery: z.number() }).optional().catch(undefined),
    })
    .catch({ keysPerPartition: 4, producers: 1, rate: {}, rateSplit: 'total' as const }),
  replicator: z
    .object({ mode: z.string().catch('dedicated').default('dedicated') })
    .catch({ mode: 'dedicated' })
    .default({ mode: 'dedicated' }),
  validators: z
    .object({ isolation: z.enum(['read_committed', 'read_uncommitted']).catch('read_committed').default('read_committed') })
    .catch({ isolation: 'read_committed' as const })
    .default({ isolation: 'read_committed' as const }),
  faults: z.array(z.object({ kind: z.string(), duration: z.number().optional() })).catch([]),
  expectations: z
    .object({
      lost: max.optional(),
      unexpected: max.optional(),
      duplicates: max.optional(),
      corrupt: max.optional(),
      foreign: max.optional(),
      inconsistentOffsets: max.optional(),
      abortedReads: max.optional(),
      p99LatencyMs: max.optional(),
      recoverySeconds: max.optional(),
      exactlyOnce: z.boolean().optional(),
      lostAtSource: max.optional(),
      purgedBeforeMirrored: max.optional(),
      lostInReplication: max.optional(),
      pickupSeconds: max.optional(),
      failover: z.object({ skipped: max.optional(), reread: max.optional() }).optional(),
      checkpointAgeSeconds: max.optional(),
    })
    // A malformed block relaxes nothing: the correctness defaults apply (see effectiveExpectations).
    .catch({})
    .default({}),
  /** Source consumer groups (only their number matters here). */
  consumers: z
    .array(z.object({ group: z.string() }))
    .catch([])
    .default([]),
});

export type SpecView = z.output<typeof specViewSchema>;
export type Expectations = SpecView['expectations'];

export function readSpec(spec: Record<string, unknown> | undefined): SpecView {
  return specViewSchema.parse(spec ?? {});
}

/**
 * Whether a fault is one-shot (has no duration, so no heal): decided by the fault
 * itself, never by its kind (a kill-broker may or may not have a duration). The
 * runner's `fault.injected` says so (`durationMs`, null for one-shot); an older
 * runner's event does not, and the spec's fault at the id's index (`<scenario>/f<i>`)
 * decides. Unknown either way: not one-shot, so a missing heal is reported.
 */
export function isOneShot(spec: SpecView, faultId: string, durationMs: number | null | undefined): boolean {
  if (durationMs !== undefined) return durationMs === null;
  const m = /\/f(\d+)$/.exec(faultId);
  const f = m ? spec.faults[Number(m[1])] : undefined;
  return f !== undefined && f.duration === undefined;
}
