import { z } from 'zod';

/**
 * Every coordination event on the control topic: versioned JSON, keyed by
 * scenario id, one schema per type. Services skip (and count) events they
 * cannot parse; they never stop on them.
 */
export const CONTROL_EVENT_VERSION = 1;

const base = {
  v: z.literal(CONTROL_EVENT_VERSION, { error: `expected v: ${CONTROL_EVENT_VERSION}` }),
  scenarioId: z.string().min(1).max(200),
  /** Wall-clock time of the event, ms since the epoch. */
  atMs: z.number().int().nonnegative(),
  /** The instance that published it (pod name or host-random). */
  source: z.string().min(1),
};

const range = z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]);

/** What one producer's source cluster said about each key: sequence ranges acked, failed, indeterminate. */
export const producerKeyReportSchema = z.object({
  topic: z.string(),
  keyEpoch: z.number().int().nonnegative(),
  key: z.string(),
  acked: z.array(range),
  failed: z.array(range),
  indeterminate: z.array(range),
  /** Transactional producers only: sequences written in transactions they aborted. */
  aborted: z.array(range).optional(),
});

export const producerCountsSchema = z.object({
  sent: z.number().int().nonnegative(),
  acked: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  indeterminate: z.number().int().nonnegative(),
  bytesSent: z.number().int().nonnegative(),
  /** Achieved records/s since the producer started on this scenario. */
  achievedRate: z.number().nonnegative(),
  targetRate: z.number().nonnegative(),
  /** Transactional producers only: records written in transactions they aborted. */
  aborted: z.number().int().nonnegative().optional(),
});

export const partitionProgressSchema = z.object({
  topic: z.string(),
  partition: z.number().int().nonnegative(),
  /** Next offset this validator will read. */
  nextOffset: z.number().int().nonnegative(),
  highWatermark: z.number().int().nonnegative(),
});

export const controlEventSchema = z.discriminatedUnion('type', [
  z.object({
    ...base,
    type: z.literal('scenario.started'),
    /** The validated scenario spec (libs/protocol ScenarioSpec), as JSON. */
    spec: z.record(z.string(), z.unknown()),
    /** Target topic for each source topic, after the replicator's naming policy. */
    targetTopics: z.record(z.string(), z.string()),
    startAtMs: z.number().int().nonnegative(),
    endAtMs: z.number().int().nonnegative(),
  }),
  /**
   * The warm-up is over: the measured workload runs from `measuringAtMs` to `endAtMs` and the
   * fault schedule counts from `measuringAtMs`. Records sent before it are warm-up records (still
   * checked for loss, kept out of every baseline). `steady: false`: the warm-up timed out.
   */
  z.object({
    ...base,
    type: z.literal('scenario.measuring'),
    measuringAtMs: z.number().int().nonnegative(),
    endAtMs: z.number().int().nonnegative(),
    /** The first second the validators read a record of this scenario, ms; null: none read during the warm-up. */
    firstReadAtMs: z.number().int().nonnegative().nullable(),
    steady: z.boolean(),
    detail: z.string().default(''),
  }),
  z.object({ ...base, type: z.literal('scenario.stopping'), reason: z.string() }),
  z.object({ ...base, type: z.literal('scenario.drained'), drained: z.boolean(), waitedMs: z.number().nonnegative() }),
  z.object({
    ...base,
    type: z.literal('producer.progress'),
    producerId: z.string().min(1),
    final: z.boolean(),
    counts: producerCountsSchema,
    /** Per-key ranges; always present in the final report, optional in progress. */
    keys: z.array(producerKeyReportSchema).optional(),
    /** Per-second sent counts since the last progress: [windowStartMs, sent, acked]. */
    windows: z.array(z.tuple([z.number().int(), z.number().int(), z.number().int()])).default([]),
    /**
     * Offered vs achieved load per second since the last progress:
     * [windowStartMs, requestedRecords, achievedRecords, requestedBytes, achievedBytes].
     * "requested" is this producer's share of the scenario's rate in that second (a ramp
     * changes it); "achieved" counts records handed to the client in that second. The
     * report's INCONCLUSIVE rule compares the two outside fault windows.
     */
    rates: z
      .array(z.tuple([z.number().int(), z.number().nonnegative(), z.number().int().nonnegative(), z.number().nonnegative(), z.number().int().nonnegative()]))
      .default([]),
    /**
     * Records acknowledged per partition per second (by the arrival of their delivery reports)
     * since the last progress: [windowStartMs, topic, partition, acked]. Shows which partitions
     * kept flowing while others waited for a leader.
     */
    partitionAcks: z.array(z.tuple([z.number().int(), z.string(), z.number().int().nonnegative(), z.number().int().nonnegative()])).optional(),
  }),
  z.object({
    ...base,
    type: z.literal('validator.report'),
    validatorId: z.string().min(1),
    final: z.boolean(),
    /** Mergeable checker state (libs/validation snapshot) for the partitions this validator owns. */
    state: z.unknown(),
    /** Mergeable latency histograms (libs/validation snapshot). */
    latency: z.unknown(),
    partitions: z.array(partitionProgressSchema),
    /** True when every owned partition has reached its high watermark after scenario.stopping. */
    drained: z.boolean(),
  }),
  z.object({
    ...base,
    type: z.literal('fault.injected'),
    faultId: z.string().min(1),
    kind: z.string().min(1),
    target: z.string().optional(),
    params: z.record(z.string(), z.unknown()).default({}),
    /** The fault's planned duration; null: a one-shot fault (no heal). Absent from older runners: the spec decides. */
    durationMs: z.number().int().nonnegative().nullable().optional(),
  }),
  z.object({
    ...base,
    type: z.literal('fault.healed'),
    faultId: z.string().min(1),
    kind: z.string().min(1),
    verified: z.boolean(),
    detail: z.string().default(''),
    /** When the runner began undoing the fault (atMs is when the heal was verified or gave up). Absent from older runners. */
    healStartedAtMs: z.number().int().nonnegative().optional(),
    /** When the component was seen back (the verified heal); absent when the heal was not verified. */
    backAtMs: z.number().int().nonnegative().optional(),
  }),
  /** `inconclusive`: the tester did not deliver the requested load (or nothing at all): no conclusion about the replicator. */
  z.object({ ...base, type: z.literal('report.ready'), verdict: z.enum(['pass', 'fail', 'error', 'inconclusive']), reasons: z.array(z.string()), location: z.string() }),
]);

export type ControlEvent = z.output<typeof controlEventSchema>;
export type ControlEventInput = z.input<typeof controlEventSchema>;
export type ControlEventType = ControlEvent['type'];
export type ControlEventOf<T extends ControlEventType> = Extract<ControlEvent, { type: T }>;
export type ProducerKeyReport = z.output<typeof producerKeyReportSchema>;
export type ProducerCounts = z.output<typeof producerCountsSchema>;
export type PartitionProgress = z.output<typeof partitionProgressSchema>;
