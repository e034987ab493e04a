import { z } from 'zod';
import { FAULT_KINDS } from '../scenario/scenario-spec';

/**
 * The BullMQ queues and their job payloads. The provisioner consumes
 * `scenarios` and produces delayed jobs on `faults`; the fault-runner consumes
 * `faults`. Payloads are validated on both sides.
 */
export const QUEUE_NAMES = { scenarios: 'mirrorlab-scenarios', faults: 'mirrorlab-faults' } as const;

export const scenarioJobSchema = z.object({
  scenarioId: z.string().min(1).max(200),
  /** The scenario as submitted (JSON of the YAML); re-validated by the worker. */
  spec: z.record(z.string(), z.unknown()),
  submittedAtMs: z.number().int().nonnegative(),
});
export type ScenarioJob = z.output<typeof scenarioJobSchema>;

const faultRef = z.object({
  scenarioId: z.string().min(1),
  /** `<scenarioId>/f<index>`: stable, so an injection and its heal are one fault. */
  faultId: z.string().min(1),
  kind: z.enum(FAULT_KINDS),
  target: z.string().optional(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  /** Fault duration in ms; absent for one-shot faults (add-topic, add-partitions). */
  durationMs: z.number().int().nonnegative().optional(),
});

export const faultJobSchema = z.discriminatedUnion('action', [
  faultRef.extend({ action: z.literal('inject') }),
  faultRef.extend({ action: z.literal('heal') }),
  /** Heal every active fault of a scenario (abort, or the provisioner's cleanup). */
  z.object({ action: z.literal('heal-all'), scenarioId: z.string().min(1), reason: z.string() }),
]);
export type FaultJob = z.output<typeof faultJobSchema>;
export type FaultJobInput = z.input<typeof faultJobSchema>;

/** BullMQ job ids: deterministic so a resumed provisioner never schedules a fault twice. */
export const faultJobId = (faultId: string, action: 'inject' | 'heal') => `${faultId.replace(/[:]/g, '_')}__${action}`;
