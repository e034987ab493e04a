import { z } from 'zod';
import { scenarioSpecSchema } from '@mirrorlab/protocol';

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
  /**
   * The smallest delay (ms, on the publisher's clock) it has seen from the control topic's append
   * time (LogAppendTime) to reading a record: an upper bound on its clock's offset from the
   * broker's. Absent until it has read one, or when the topic does not stamp append times.
   */
  controlReadDelayMs: z.number().optional(),
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

/** One key's acknowledged source offsets, as runs `[firstSeq, count, firstOffset, stride]` (see `producer.offsets`). */
export const sourceOffsetKeySchema = z.object({
  topic: z.string(),
  partition: z.number().int().nonnegative(),
  keyEpoch: z.number().int().nonnegative(),
  key: z.string(),
  runs: z.array(
    z.tuple([z.number().int().nonnegative(), z.number().int().positive(), z.number().int().nonnegative(), z.number().int().positive()]),
  ),
  /**
   * Per run, when its last record was acknowledged (ms), under acks=all only: each was then below the
   * high watermark. The audit judges the run by samples taken after (earlier ones may be of an older log: a re-created topic).
   */
  runsAckedByMs: z.array(z.number().nonnegative()).optional(),
});

/** One source partition's log start offset and high watermark (ListOffsets earliest / latest). */
export const sourcePartitionOffsetsSchema = z.object({
  topic: z.string(),
  partition: z.number().int().nonnegative(),
  logStartOffset: z.number().int().nonnegative(),
  highWatermark: z.number().int().nonnegative(),
});

/** One partition of a `consumer.commit`: the committed offset and what was processed since the previous one, per key. */
export const consumerPartitionCommitSchema = z.object({
  topic: z.string().min(1),
  partition: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  processed: z.array(
    z.object({ producerId: z.string().min(1), keyEpoch: z.number().int().nonnegative(), key: z.string(), ranges: z.array(range) }),
  ),
});

/** A translated offset of a source group, on a target topic partition (libs/validation TranslationObservation). */
export const translationObservationSchema = z.object({
  /** The Kafka group id. */
  group: z.string().min(1),
  topic: z.string().min(1),
  partition: z.number().int().nonnegative(),
  atMs: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  upstreamOffset: z.number().int().nonnegative().optional(),
  via: z.enum(['checkpoint', 'group-offset']),
});

export const controlEventSchema = z.discriminatedUnion('type', [
  z.object({
    ...base,
    type: z.literal('scenario.started'),
    /** The scenario spec, parsed once by the provisioner with its defaults applied (libs/protocol ScenarioSpec); it parses again to itself. */
    spec: scenarioSpecSchema,
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
      .array(
        z.tuple([
          z.number().int(),
          z.number().nonnegative(),
          z.number().int().nonnegative(),
          z.number().nonnegative(),
          z.number().int().nonnegative(),
        ]),
      )
      .default([]),
    /**
     * Records acknowledged per partition per second (by the arrival of their delivery reports)
     * since the last progress: [windowStartMs, topic, partition, acked]. Shows which partitions
     * kept flowing while others waited for a leader.
     */
    partitionAcks: z
      .array(z.tuple([z.number().int(), z.string(), z.number().int().nonnegative(), z.number().int().nonnegative()]))
      .optional(),
    /**
     * Publish delay (scheduled send time to acknowledgement) per second of acknowledgement since
     * the last progress: [windowStartMs, records, p99Us, maxUs].
     */
    publishDelay: z
      .array(z.tuple([z.number().int(), z.number().int().nonnegative(), z.number().nonnegative(), z.number().nonnegative()]))
      .optional(),
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
    /** This validator process's run, new at each start: a restarted validator's reports start a new incarnation. Absent from older validators. */
    incarnation: z.string().min(1).optional(),
    /**
     * `read_uncommitted`: one of the validators a scenario adds beside its own (`validators.readUncommitted`),
     * reading uncommitted data in a consumer group of its own; the view folds its reports apart and they
     * never decide the verdict. Absent: one of the scenario's own validators (read_committed unless
     * `validators.isolation` says otherwise), as every older event.
     */
    isolation: z.enum(['read_committed', 'read_uncommitted']).optional(),
    /** True: the source audit consumer (`audit.sourceConsumer`), reading the SOURCE topics; absent: a target validator (older events too). */
    sourceAudit: z.boolean().optional(),
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
  z.object({
    ...base,
    type: z.literal('report.ready'),
    verdict: z.enum(['pass', 'fail', 'error', 'inconclusive']),
    reasons: z.array(z.string()),
    location: z.string(),
  }),
  /**
   * The source offsets of the records a producer had acknowledged since its previous
   * `producer.offsets` (incremental: the report unites them all), from their delivery reports.
   * Per key, runs `[firstSeq, count, firstOffset, stride]`: seq firstSeq+i sits at
   * firstOffset+i*stride. One producer writing its keys in turn gives one run per key and batch
   * pattern; the worst case is one run per record.
   */
  z.object({
    ...base,
    type: z.literal('producer.offsets'),
    producerId: z.string().min(1),
    keys: z.array(sourceOffsetKeySchema),
  }),
  /**
   * The source audit (provisioner): per source partition, its log start offset and high
   * watermark at `atMs`, from admin ListOffsets. Tells a record purged by retention or
   * truncated from the source log apart from one the replicator lost.
   */
  z.object({
    ...base,
    type: z.literal('source.audit'),
    partitions: z.array(sourcePartitionOffsetsSchema),
  }),
  /**
   * A source consumer group committed offsets (atMs: just before the commit): per source partition
   * the committed offset and the sequences processed since its previous commit of that partition.
   * `final`: its last commit (the group stopped: end of run, or a consumer-failover).
   */
  z.object({
    ...base,
    type: z.literal('consumer.commit'),
    /** The group's name in the scenario, and its Kafka group id. */
    group: z.string().min(1),
    groupId: z.string().min(1),
    consumerId: z.string().min(1),
    final: z.boolean(),
    commits: z.array(consumerPartitionCommitSchema),
  }),
  /**
   * Translated offsets of the scenario's source consumer groups seen on the target since the last
   * such event: MirrorMaker 2's checkpoints (`<alias>.checkpoints.internal`, at the record's
   * timestamp, with the upstream offset) and the target groups' committed offsets (at the time read).
   */
  z.object({
    ...base,
    type: z.literal('consumer.translations'),
    translations: z.array(translationObservationSchema),
  }),
  /**
   * The outcome of a consumer-failover drill: the group was stopped (its final commit published),
   * and a consumer started on the target at the translated offsets and read to the end. Per
   * partition where it started and exactly what it skipped (records the group never processed,
   * before the start) and re-read (records the group had processed, from the start on).
   */
  z.object({
    ...base,
    type: z.literal('consumer.failover'),
    faultId: z.string().min(1),
    group: z.string().min(1),
    groupId: z.string().min(1),
    /** How long it waited for a translation of the group's final commit; `current`: every partition's was seen. */
    waitedMs: z.number().int().nonnegative(),
    current: z.boolean(),
    partitions: z.array(
      z.object({
        topic: z.string().min(1),
        partition: z.number().int().nonnegative(),
        /** Where the failed-over consumer started; null: no translation (it starts at the earliest offset). */
        startOffset: z.number().int().nonnegative().nullable(),
        via: z.enum(['checkpoint', 'group-offset', 'none']),
        upstreamOffset: z.number().int().nonnegative().optional(),
        /** The group's final committed source offset of this partition, when it committed one. */
        committedOffset: z.number().int().nonnegative().optional(),
        endOffset: z.number().int().nonnegative(),
        skipped: z.number().int().nonnegative(),
        reread: z.number().int().nonnegative(),
        /** The first record it skipped. */
        firstSkipped: z
          .object({
            offset: z.number().int().nonnegative(),
            producerId: z.string(),
            keyEpoch: z.number().int().nonnegative(),
            key: z.string(),
            seq: z.number().int().nonnegative(),
          })
          .optional(),
      }),
    ),
    skipped: z.number().int().nonnegative(),
    reread: z.number().int().nonnegative(),
    /** The translation checker over every translation of this group seen until the failover (libs/validation TranslationCheck totals). */
    translations: z.object({
      observations: z.number().int().nonnegative(),
      unsafeTranslations: z.number().int().nonnegative(),
      skippedRecords: z.number().int().nonnegative(),
      rereadOverBound: z.number().int().nonnegative(),
      maxReread: z.number().int().nonnegative(),
      regressions: z.number().int().nonnegative(),
      maxAgeMs: z.number().int().nonnegative(),
    }),
  }),
]);

export type ControlEvent = z.output<typeof controlEventSchema>;
export type ControlEventInput = z.input<typeof controlEventSchema>;
export type ControlEventType = ControlEvent['type'];
export type ControlEventOf<T extends ControlEventType> = Extract<ControlEvent, { type: T }>;
export type ProducerKeyReport = z.output<typeof producerKeyReportSchema>;
export type ProducerCounts = z.output<typeof producerCountsSchema>;
export type PartitionProgress = z.output<typeof partitionProgressSchema>;
export type SourceOffsetKey = z.output<typeof sourceOffsetKeySchema>;
export type SourcePartitionOffsets = z.output<typeof sourcePartitionOffsetsSchema>;
export type ConsumerPartitionCommit = z.output<typeof consumerPartitionCommitSchema>;
export type TranslationObservationEvent = z.output<typeof translationObservationSchema>;
