import { z } from 'zod';

/**
 * The scenario report, as rendered to `report.json`. This schema is the
 * contract (documented field by field in REPORT_SCHEMA.md): `renderJson`
 * parses the report through it, so the JSON's key order is the schema's and a
 * report that does not fit it is never written.
 *
 * Conventions: times since the epoch are `...AtMs` (ms) or `t` (whole seconds);
 * latencies are µs (`...Us`); counts are records; `null` means "not known",
 * never zero.
 */
export const REPORT_SCHEMA_VERSION = 1;

const count = z.number().int().nonnegative();
const epochMs = z.number().int().nonnegative();
const us = z.number().nonnegative();

/**
 * `inconclusive`: the tester did not deliver the load asked for (or nothing at all),
 * so the run says nothing about the replicator; `fail` for a real anomaly wins over it.
 */
export const verdictSchema = z.enum(['pass', 'fail', 'error', 'inconclusive']);

/** When the anomaly an example describes happened, and how we know. */
export const exampleTimeSchema = z.discriminatedUnion('kind', [
  /** The record was read: the validator's arrival time. */
  z.object({ kind: z.literal('witnessed'), atMs: epochMs }),
  /** Never read: the send interval estimated from the producer's per-second send counts. */
  z.object({ kind: z.literal('estimated'), fromMs: epochMs, toMs: epochMs, basis: z.string() }),
  z.object({ kind: z.literal('unknown') }),
]);

export const faultRefSchema = z.object({
  faultId: z.string(),
  /** `during`: between injection and heal; `recovery`: after the heal (or a one-shot fault), before recovery. */
  phase: z.enum(['during', 'recovery']),
});

export const anomalyExampleSchema = z.object({
  /** One line a person can read: `producer p1, key p1/e0/k3-9, seq 17 (ml.t/2)`. */
  text: z.string(),
  producerId: z.string().optional(),
  keyEpoch: count.optional(),
  key: z.string().optional(),
  seq: z.number().int().optional(),
  topic: z.string().optional(),
  partition: count.optional(),
  offset: count.optional(),
  reason: z.string().optional(),
  time: exampleTimeSchema,
  /** Fault windows (impact windows, see `faults[].impactWindow`) this example's time overlaps. */
  faults: z.array(faultRefSchema),
});

export const ANOMALY_CLASSES = [
  'lost',
  'unseen',
  'unexpected',
  'duplicate',
  'corrupt',
  'foreign',
  'inconsistent-offset',
  'indeterminate-seen',
  'indeterminate-missing',
  'failed-but-seen',
  'redelivery',
  'gap',
  'late',
  'backwards-key',
  'stall',
  'aborted-read',
] as const;
export type AnomalyClassName = (typeof ANOMALY_CLASSES)[number];

export const anomalyRowSchema = z.object({
  class: z.enum(ANOMALY_CLASSES),
  /**
   * `correctness`: the replicator lost, invented, copied or damaged data;
   * `producer-outcome`: what the source cluster answered the producer (never a failure);
   * `informational`: consumer re-reads and arrival order (never a failure).
   */
  kind: z.enum(['correctness', 'producer-outcome', 'informational']),
  label: z.string(),
  description: z.string(),
  count,
  /** Class-specific numbers: `seqs` for duplicates, one entry per reason for corrupt, `skippedSeqs` for gaps. */
  details: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])),
  examples: z.array(anomalyExampleSchema),
});

export const latencySummarySchema = z.object({
  count,
  p50Us: us,
  p90Us: us,
  p99Us: us,
  p999Us: us,
  maxUs: us,
  /** Records whose arrival preceded their send (clocks disagree); counted as 0 µs. */
  clockSkew: z.object({ count, maxUs: us }),
  /** Records above the histograms' range; counted at the top of the range. */
  overRange: count,
});

export const secondPointSchema = z.object({
  /** Window start, whole seconds since the epoch. */
  t: z.number().int(),
  /** Records sent by all producers in this second (sum of their `producer.progress` windows). */
  produced: count,
  acked: count,
  /** Records/s the scenario asked of all producers in this second (their `rates`); null when none reported rates for it. */
  requested: z.number().nonnegative().nullable().default(null),
  /** Records/s the producers say they achieved against that request (their `rates`); null likewise. */
  achieved: z.number().nonnegative().nullable().default(null),
  /** Records first read by the validators in this second (their merged latency window's count). */
  consumed: count,
  /** End-to-end latency of the records consumed in this second, from the merged histogram; null when none. */
  p50Us: us.nullable(),
  p99Us: us.nullable(),
  p999Us: us.nullable(),
  maxUs: us.nullable(),
  /** Publish delay (scheduled send to acknowledgement) of the records acknowledged in this second: the worst producer's p99; null when none reported it. */
  publishDelayP99Us: us.nullable().default(null),
});

export const lagPointSchema = z.object({
  atMs: epochMs,
  /** Sum over target partitions of highWatermark - nextOffset, each from the latest report that names it. */
  records: count,
});

export const recoverySchema = z.object({
  /** `not-recovered`: the workload ended first; `not-measured`: no baseline, never healed, or too little time left to tell. */
  status: z.enum(['recovered', 'not-recovered', 'not-measured']),
  /** Seconds from the heal's start (injection for one-shot faults) until recovered; null with `reason` when not measured. */
  seconds: z.number().nonnegative().nullable(),
  recoveredAtMs: epochMs.nullable(),
  reason: z.string().nullable(),
  baseline: z
    .object({
      fromT: z.number().int(),
      toT: z.number().int(),
      seconds: count,
      consumedMedian: z.number().nonnegative(),
      /** Mean consumed records/s: the rule's M when delivery was bursty. Older reports: null. */
      consumedMean: z.number().nonnegative().nullable().default(null),
      /** Enough baseline seconds read nothing (`recoveryRule.burstyIdleShare`) that delivery is taken as bursty. */
      bursty: z.boolean().default(false),
      p99MedianUs: us,
    })
    .nullable(),
});

export const faultReportSchema = z.object({
  faultId: z.string(),
  kind: z.string(),
  target: z.string().nullable(),
  params: z.record(z.string(), z.unknown()),
  injectedAtMs: epochMs,
  /** When the heal ended: verified (the component was back) or given up; null when never healed. */
  healedAtMs: epochMs.nullable(),
  /** When the fault-runner began the heal (the fault's planned end); recovery is measured from here. Older runners: the heal's end. */
  healStartedAtMs: epochMs.nullable().default(null),
  /** When the component was seen back (verified heal); null when not verified or never healed. */
  backAtMs: epochMs.nullable().default(null),
  /** A fault without a duration (add-topic, add-partitions...): it has no heal. */
  oneShot: z.boolean(),
  /** The fault-runner's check that the heal really took effect; null when not healed. */
  verified: z.boolean().nullable(),
  healDetail: z.string(),
  recovery: recoverySchema,
  /** Injection until recovery (or heal, or the end of the run when it never recovered): used to attribute anomalies. */
  impactWindow: z.object({ fromMs: epochMs, toMs: epochMs }),
  /** Anomaly examples attributed to this fault, by class. */
  attributedExamples: z.record(z.string(), count),
});

/** A missing record and where it sat in the source log (null: no delivery report named its offset). */
const lostSourceExampleSchema = z.object({
  producerId: z.string(),
  keyEpoch: count,
  key: z.string(),
  seq: count,
  topic: z.string().nullable(),
  partition: count.nullable(),
  sourceOffset: count.nullable(),
  /** What the source audit consumer said of it (only when one ran): read-on-source, not-on-source (read across its offset without it), not-reached. */
  evidence: z.enum(['read-on-source', 'not-on-source', 'not-reached']).optional(),
});

const lostClassSchema = z.object({ count, examples: z.array(lostSourceExampleSchema) });

export const lostSplitSchema = z.object({
  /** False: no source audit or no source offsets (an older run): every missing record is in lostInReplication, unchecked. */
  audited: z.boolean(),
  /** Gone from the source log (its high watermark fell below the record after passing it), not by retention. */
  lostAtSource: lostClassSchema,
  /** Retention moved the source log start past it before the replicator moved past it. */
  purgedBeforeMirrored: lostClassSchema,
  /** The source held it while the replicator went on: the replicator lost it. */
  lostInReplication: lostClassSchema,
  /** Of lostInReplication: records with no known source offset or in a partition the audit never sampled. */
  unaudited: count,
  /** Source audit samples the report had (one per partition per sample). */
  samples: count,
  /** Only when the source audit consumer ran: the missing records it read on the source, found absent there, or did not reach. */
  sourceReads: z.object({ readOnSource: count, notOnSource: count, notReached: count }).optional(),
});

/** The source audit consumer (scenario `audit.sourceConsumer`): a validator that read the SOURCE topics with the same checker. */
export const sourceConsumerSchema = z.object({
  /** Its reports were seen; false: the scenario asked for it and none arrived. */
  ran: z.boolean(),
  validators: z.array(z.string()),
  /** Its latest report of every incarnation is final. */
  final: z.boolean(),
  /** Records the producers acknowledged, and how many of them it read on the source. */
  acked: count,
  ackedRead: count,
  /** Acknowledged records it never read on the source (missing from the source itself, or not reached), with examples. */
  missing: z.object({
    count,
    examples: z.array(z.object({ producerId: z.string(), keyEpoch: count, key: z.string(), seq: count })),
  }),
  /** Distinct records it read (every test record on the source topics). */
  records: count,
});

export const partitionReplicatorLagSchema = z.object({
  /** Source topic and partition (the target partition of the same number holds its copies). */
  topic: z.string(),
  partition: count,
  /** Target high watermark the run started from; null: none reported before the start (taken as 0). */
  baseline: count.nullable(),
  maxUnseen: count,
  maxOldestAgeMs: count.nullable(),
  points: z.array(z.object({ atMs: epochMs, onTarget: count, unseen: count, oldestAgeMs: count.nullable() })),
});

const failoverPartitionSchema = z.object({
  topic: z.string(),
  partition: count,
  startOffset: count.nullable(),
  via: z.enum(['checkpoint', 'group-offset', 'none']),
  upstreamOffset: count.optional(),
  committedOffset: count.optional(),
  endOffset: count,
  skipped: count,
  reread: count,
  firstSkipped: z.object({ offset: count, producerId: z.string(), keyEpoch: count, key: z.string(), seq: count }).optional(),
});

export const consumerFailoverSchema = z.object({
  groups: z.array(
    z.object({
      group: z.string(),
      groupId: z.string(),
      commits: count,
      /** Its final commit was published (end of run or a failover). */
      stopped: z.boolean(),
      /** Per second [ms, seconds]: how far the checkpoints trailed the group's commits (the largest over its partitions). */
      checkpointAge: z.object({ maxSeconds: z.number().nonnegative(), series: z.array(z.tuple([epochMs, z.number().nonnegative()])) }),
    }),
  ),
  drills: z.array(
    z.object({
      faultId: z.string(),
      group: z.string(),
      atMs: epochMs,
      waitedMs: count,
      /** Every partition's translation covered the group's final commit when it failed over. */
      current: z.boolean(),
      skipped: count,
      reread: count,
      partitions: z.array(failoverPartitionSchema),
      /** The translation checker on every translation of the group until the drill. */
      translations: z.object({
        observations: count,
        unsafeTranslations: count,
        skippedRecords: count,
        rereadOverBound: count,
        maxReread: count,
        regressions: count,
        maxAgeMs: count,
      }),
    }),
  ),
  /** consumer-failover faults injected with no drill outcome on the control topic. */
  missingDrills: z.array(z.string()),
  /** Checkpoints of the scenario's groups seen. */
  checkpoints: count,
  totals: z.object({
    skipped: count,
    maxReread: count,
    maxCheckpointAgeSeconds: z.number().nonnegative(),
    unsafeTranslations: count,
    regressions: count,
  }),
});

export const expectationResultSchema = z.object({
  name: z.enum([
    'lost',
    'unexpected',
    'duplicates',
    'corrupt',
    'foreign',
    'inconsistentOffsets',
    'p99LatencyMs',
    'recoverySeconds',
    'lostAtSource',
    'purgedBeforeMirrored',
    'lostInReplication',
    'pickupSeconds',
    'failover.skipped',
    'failover.reread',
    'checkpointAgeSeconds',
    'abortedReads',
  ]),
  max: z.number().nonnegative(),
  /** `scenario`: the file states it; `default`: a correctness class checked at 0 because the file does not relax it. */
  source: z.enum(['scenario', 'default']),
  /** What was measured, in `unit`; null when it could not be measured. */
  measured: z.number().nonnegative().nullable(),
  unit: z.enum(['records', 'ranges', 'ms', 's']),
  status: z.enum(['met', 'failed', 'unknown']),
  /** `lost: 3 > max 0` / `p99 latency: 412 ms <= max 500 ms` / why it is unknown. */
  detail: z.string(),
});

/** What the tester delivered against what the scenario requested, outside fault windows. */
export const deliverySchema = z.object({
  /** False when producers reported no per-second requested/achieved load, or no second was left to compare. */
  checked: z.boolean(),
  unit: z.enum(['records', 'bytes']),
  /** Below this achieved/requested share the verdict is `inconclusive`. */
  threshold: z.number(),
  /** Seconds compared (run seconds outside every fault's impact window). */
  seconds: count,
  requestedPerSecond: z.number().nonnegative().nullable(),
  achievedPerSecond: z.number().nonnegative().nullable(),
  /** achieved / requested; null when nothing was requested. */
  fraction: z.number().nonnegative().nullable(),
});

/** One step of a ramp (see `capacity`): what was offered, delivered and read, and whether the target kept up. */
export const capacityStepSchema = z.object({
  fromMs: epochMs,
  toMs: epochMs,
  /** records/s the ramp asked for in this step (all producers). */
  offered: z.number().nonnegative(),
  /** records/s the producers sent (their `rates`), the step's first second left out. */
  achieved: z.number().nonnegative(),
  /** records/s first read on the target (mean over the judged seconds). */
  consumed: z.number().nonnegative(),
  /** Acknowledged minus read over the judged seconds: how far the target fell behind (negative: it caught up). */
  backlogGrowth: z.number().int(),
  /** Highest per-second p99 end-to-end latency in the step; null when nothing was read. */
  p99Us: us.nullable(),
  /** `tester-saturated`: the producers sent under `testerShare` of the offered rate (the tester's limit, not the replicator's). */
  status: z.enum(['ok', 'tester-saturated', 'replicator-saturated']),
  reason: z.string().nullable(),
});

/** A ramp's capacity (scenarios/capacity.yaml); null for a run at a fixed rate. */
export const capacitySchema = z.object({
  unit: z.literal('records'),
  steps: z.array(capacityStepSchema),
  /** Highest offered records/s every step up to which was delivered and kept up with; null when none was. */
  sustainedRecordsPerSec: z.number().nonnegative().nullable(),
  /** Offered records/s of the first step the tester could not deliver; null: it delivered every step. */
  testerSaturatedAt: z.number().nonnegative().nullable(),
  /** Offered records/s of the first step where the tester delivered but the target fell behind (or p99 broke its bound). */
  replicatorSaturatedAt: z.number().nonnegative().nullable(),
  /** True when the ramp ended or the tester saturated before the replicator did: the capacity is at least this. */
  lowerBound: z.boolean(),
  /** The rule's constants. */
  testerShare: z.number(),
  backlogShare: z.number(),
  settleSeconds: count,
  /** From the scenario's p99LatencyMs expectation; null: latency is not a criterion. */
  p99BoundUs: us.nullable(),
});

export const participantSchema = z.object({
  id: z.string(),
  reports: count,
  final: z.boolean(),
});

export const scenarioReportSchema = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  scenario: z.object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    expectedBehaviour: z.string(),
    startAtMs: epochMs.nullable(),
    endAtMs: epochMs.nullable(),
    stoppingAtMs: epochMs.nullable(),
    drainedAtMs: epochMs.nullable(),
    /** `scenario.drained`'s own flag: false when the provisioner gave up waiting. */
    drained: z.boolean().nullable(),
    targetTopics: z.record(z.string(), z.string()),
    /** The scenario spec as announced in `scenario.started` (null when that event is missing). */
    spec: z.record(z.string(), z.unknown()).nullable(),
  }),
  verdict: verdictSchema,
  /** Why the verdict is not `pass`: each failed expectation (`lost: 3 > max 0`) or what prevented judging. */
  reasons: z.array(z.string()),
  /** Things a reader should know that do not change the verdict. */
  warnings: z.array(z.string()),
  /** What the report was built from. */
  basis: z.object({
    /** Control events of this scenario folded into the report. */
    events: count,
    /** Time of the last of them: the report's "as of" time (never the wall clock). */
    asOfMs: epochMs.nullable(),
    /** Drained, and every validator that reported sent a final report (or was superseded). */
    complete: z.boolean(),
    incompleteReason: z.string().nullable(),
    producers: z.array(participantSchema),
    validators: z.array(participantSchema.extend({ incarnations: count, superseded: z.boolean() })),
  }),
  expectations: z.array(expectationResultSchema),
  delivery: deliverySchema,
  totals: z.object({
    /** Whether validators' reads were reconciled with the producers' acknowledgements; when false, anomaly counts are unknown. */
    reconciled: z.boolean(),
    /** Records the producers sent (their counts). */
    produced: count,
    /** Sequences the source cluster acknowledged, failed, or left indeterminate (from the producers' per-key ranges). */
    acknowledged: count,
    failed: count,
    indeterminate: count,
    /** Distinct valid target records read (duplicates included, re-reads not). */
    consumed: count,
    /** Distinct sequences read. */
    consumedDistinct: count,
    /** Every read, re-reads and corrupt records included. */
    deliveries: count,
    keysSeen: count,
    keysReported: count,
    unreportedProducers: z.array(z.string()),
  }),
  anomalies: z.array(anomalyRowSchema),
  latency: z.object({
    endToEnd: latencySummarySchema.nullable(),
    replication: latencySummarySchema.nullable(),
    /** Arrival minus the scheduled send time: what a user waiting on the schedule saw (coordinated omission included). */
    fromSchedule: latencySummarySchema.nullable().default(null),
  }),
  series: z.array(secondPointSchema),
  replicationLag: z.array(lagPointSchema),
  faults: z.array(faultReportSchema),
  /**
   * The warm-up before the measured workload (`scenario.measuring`); null for a run without one
   * (an older provisioner). Everything measured against a baseline starts at `measuringAtMs`.
   */
  warmup: z
    .object({
      startAtMs: epochMs,
      measuringAtMs: epochMs,
      /** measuringAtMs - startAtMs, in seconds. */
      seconds: z.number().nonnegative(),
      /** The first second a record of the scenario was read on the target; null: none during the warm-up. */
      firstReadAtMs: epochMs.nullable(),
      /** Seconds from the start until the replicator first copied a record of the new topics. */
      firstReadSeconds: z.number().nonnegative().nullable(),
      /** false: latency never settled, and measuring began at the warm-up's timeout (a finding). */
      steady: z.boolean(),
      detail: z.string(),
    })
    .nullable()
    .default(null),
  capacity: capacitySchema.nullable().default(null),
  /**
   * Why the missing records (lost, and unseen after the drain) went missing, from the source
   * audit; the three counts add up to the `lost` expectation's measured value. null: not reconciled.
   */
  lostSplit: lostSplitSchema.nullable().default(null),
  /** Partitions whose source advanced while nothing new of them reached the target for longer than `thresholdMs` (also the `stall` anomaly row). */
  stalls: z
    .object({
      thresholdMs: count,
      list: z.array(z.object({ topic: z.string(), partition: count, startMs: epochMs, endMs: epochMs.nullable(), durationMs: count })),
    })
    .default({ thresholdMs: 0, list: [] }),
  /**
   * The replicator's own lag per source partition over time: records acknowledged on the source
   * and not yet on the target, and the age of the oldest of them (libs/report replicator-lag.ts).
   */
  replicatorLag: z.array(partitionReplicatorLagSchema).default([]),
  /** After each add-partitions fault: per new partition, when its first record was on the target (libs/report pickup.ts). */
  pickup: z
    .array(
      z.object({
        faultId: z.string(),
        topic: z.string(),
        partition: count,
        injectedAtMs: epochMs,
        firstAckedAtMs: epochMs,
        firstOnTargetAtMs: epochMs.nullable(),
        seconds: z.number().nonnegative().nullable(),
      }),
    )
    .default([]),
  /** Source consumer groups and consumer-failover drills (libs/report consumer-failover.ts); null: the scenario has no `consumers`. */
  consumerFailover: consumerFailoverSchema.nullable().default(null),
  /**
   * Clock skew between producers and validators (libs/report clock-skew.ts), each bounded against the
   * control topic's append time (LogAppendTime): end-to-end latency reads `validator - producer` too much.
   * null: no producer or validator reported.
   */
  clockSkew: z
    .object({
      /** Per service, its clock's offset from the broker's lies in [lowMs, highMs]; null: that side was not observed. */
      services: z.array(
        z.object({
          source: z.string(),
          role: z.enum(['producer', 'validator']),
          lowMs: z.number().nullable(),
          highMs: z.number().nullable(),
        }),
      ),
      /** The pair that may differ most: `validator - producer` = estimateMs +- boundMs; null: not estimated (one-way observations only). */
      worstPair: z
        .object({
          producer: z.string(),
          validator: z.string(),
          estimateMs: z.number(),
          boundMs: z.number().nonnegative(),
          worstMs: z.number().nonnegative(),
        })
        .nullable(),
      thresholdMs: z.number().nonnegative(),
      /** worstPair.worstMs > thresholdMs: latency figures carry a warning. */
      exceeds: z.boolean(),
    })
    .nullable()
    .default(null),
  /** The source audit consumer: whether it ran and what it read; null: the scenario did not ask for it (`audit.sourceConsumer`). */
  sourceConsumer: sourceConsumerSchema.nullable().default(null),
  /** The constants of the recovery-time definition this report used. */
  recoveryRule: z.object({
    baselineSeconds: count,
    minBaselineSeconds: count,
    throughputTolerance: z.number(),
    latencyFactor: z.number(),
    latencyFloorMs: z.number(),
    sustainSeconds: count,
    burstyIdleShare: z.number().default(0.1),
    burstySustainSeconds: count.default(10),
  }),
  /**
   * The read_uncommitted validators a scenario added beside its own (`validators.readUncommitted`):
   * their anomaly counts next to the own (read_committed) validators'. Shown only: the verdict is
   * the own validators'. null: the scenario added none.
   */
  readUncommitted: z
    .object({
      /** Their validator ids. */
      validators: z.array(z.string()),
      /** The own validators' counts (null: not reconciled) and theirs (null: see `problem`). */
      readCommitted: z.lazy(() => readerCountsSchema).nullable(),
      readUncommitted: z.lazy(() => readerCountsSchema).nullable(),
      /** Why their counts are missing: none reported, or their state could not be read. */
      problem: z.string().nullable(),
    })
    .nullable()
    .default(null),
});

/** What one set of validators read, reconciled with the producers (the read_uncommitted section). */
export const readerCountsSchema = z.object({
  /** Distinct records read. */
  consumed: count,
  abortedReads: count,
  duplicates: count,
  lost: count,
  unexpected: count,
});
export type ReaderCounts = z.output<typeof readerCountsSchema>;
export type ReadUncommittedReport = NonNullable<z.output<typeof scenarioReportSchema>['readUncommitted']>;

export type ScenarioReport = z.output<typeof scenarioReportSchema>;
export type SourceConsumerReport = z.output<typeof sourceConsumerSchema>;
export type Verdict = z.output<typeof verdictSchema>;
export type AnomalyRow = z.output<typeof anomalyRowSchema>;
export type AnomalyExample = z.output<typeof anomalyExampleSchema>;
export type ExampleTime = z.output<typeof exampleTimeSchema>;
export type FaultRef = z.output<typeof faultRefSchema>;
export type FaultReport = z.output<typeof faultReportSchema>;
export type Recovery = z.output<typeof recoverySchema>;
export type SecondPoint = z.output<typeof secondPointSchema>;
export type LagPoint = z.output<typeof lagPointSchema>;
export type LatencySummary = z.output<typeof latencySummarySchema>;
export type ExpectationResult = z.output<typeof expectationResultSchema>;
export type CapacityReport = z.output<typeof capacitySchema>;
export type CapacityStepReport = z.output<typeof capacityStepSchema>;
export type DeliveryReport = z.output<typeof deliverySchema>;
export type RecoveryRule = ScenarioReport['recoveryRule'];
export type LostSplitReport = z.output<typeof lostSplitSchema>;
export type PartitionReplicatorLagReport = z.output<typeof partitionReplicatorLagSchema>;
export type ConsumerFailoverReport = z.output<typeof consumerFailoverSchema>;
