import { z } from 'zod';
import { durationMs, sizeBytes } from './units';
import { faultSpecIssues } from '../faults/fault-spec-check';
import { DEFAULT_DRAIN_TIMEOUT_MS } from './scenario-defaults';
import { quietTopicIssues, quietTopicSchema } from './quiet-topics';
import { replicatorCheckpointsSchema } from './replicator-checkpoints';

/**
 * A scenario: what to run, against what, which faults to inject when, and what
 * the run must show to pass. Written in YAML (scenarios/*.yaml), validated here.
 */
const name = z.string().regex(/^[a-zA-Z0-9._-]{1,200}$/, { error: 'expected a name of letters, digits, ".", "_" or "-"' });

const cluster = z.strictObject({
  /** Bootstrap servers; omitted when the local lab provides them. */
  bootstrap: z
    .array(z.string().regex(/^[^\s:]+:\d{1,5}$/, { error: 'expected host:port' }))
    .min(1)
    .optional(),
});

export const FAULT_KINDS = [
  'kill-broker',
  'pause-broker',
  'remove-broker',
  'add-broker',
  'kill-replicator',
  'pause-replicator',
  'add-replicator-worker',
  'add-partitions',
  'add-topic',
  'reassign-partitions',
  'packet-loss',
  'network-partition',
  'bandwidth-cap',
  'latency',
  'retention-purge',
  'recreate-topic',
  /** Stop a source consumer group (target: its `consumers[].group`) and fail it over to the target at MirrorMaker 2's translated offsets (the consumer-groups service does it). */
  'consumer-failover',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Link profiles a scenario can ask for (the local lab's `lab up --link`). */
/**
 * How the lab runs the replicator. `dedicated`: MirrorMaker 2 in dedicated mode, at-least-once;
 * `dedicated-eos`: the same with exactly-once source support (KIP-618: transactional writes to the
 * target, its source consumer at read_committed). Exactly-once modes check duplicates at 0.
 * `connect`: the MirrorMaker 2 connectors on a Kafka Connect cluster in distributed mode, at-least-once.
 */
export const REPLICATOR_MODES = ['dedicated', 'dedicated-eos', 'connect'] as const;
export type ReplicatorMode = (typeof REPLICATOR_MODES)[number];
export const EXACTLY_ONCE_MODES: readonly ReplicatorMode[] = ['dedicated-eos'];

export const LINK_PROFILES = ['none', 'transatlantic'] as const;
export type LinkProfile = (typeof LINK_PROFILES)[number];

const fault = z.strictObject({
  at: durationMs,
  /** How long the fault lasts before its heal; instantaneous faults (add-topic) may omit it. */
  duration: durationMs.optional(),
  kind: z.enum(FAULT_KINDS, { error: `expected one of ${FAULT_KINDS.join(', ')}` }),
  /** What the fault hits: `source:2` (broker 2 of the source cluster), `target:random`, `replicator`, `inter-dc`, a topic name. */
  target: z.string().min(1).optional(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});

/** A source consumer group of the failover drill. */
const sourceConsumer = z.strictObject({
  /** Its name in the scenario; the Kafka group id is `mirrorlab-<scenarioId>-<group>` (see `consumerGroupId`). */
  group: name,
  /** The source topic it reads (one of `topics`). */
  topic: name,
  /** Records/s it processes at most; omitted: as fast as it can (it keeps up). */
  rate: z.number({ error: 'expected records per second' }).positive({ error: 'expected records per second > 0' }).optional(),
  /** How often it commits its offsets and publishes what it had processed. */
  commitInterval: durationMs.default(1_000),
});

const max = (what: string) => z.strictObject({ max: z.number({ error: `expected a number (${what})` }).nonnegative() });

export const scenarioSpecSchema = z
  .strictObject({
    name,
    description: z.string().default(''),
    /** What a correct replicator shows in this scenario; printed in the report. */
    expectedBehaviour: z.string().default(''),
    clusters: z
      .strictObject({ source: cluster.default({}), target: cluster.default({}), control: cluster.optional() })
      .default({ source: {}, target: {} }),
    replicator: z
      .strictObject({
        kind: z.enum(['mirrormaker2', 'other']).default('mirrormaker2'),
        sourceAlias: z.string().min(1).default('source'),
        /** `prefix`: MirrorMaker 2's DefaultReplicationPolicy (`<alias>.<topic>`); `identity`: same name. */
        topicNaming: z.enum(['prefix', 'identity'], { error: 'expected prefix or identity' }).default('prefix'),
        /** How the local lab runs MirrorMaker 2 for this scenario (`mirrorlab run` sets it); see REPLICATOR_MODES. */
        mode: z.enum(REPLICATOR_MODES, { error: `expected one of ${REPLICATOR_MODES.join(', ')}` }).default('dedicated'),
        /** MM2's checkpoint connector in the lab (replicator-checkpoints.ts); absent: the lab's defaults. */
        checkpoints: replicatorCheckpointsSchema.optional(),
      })
      .default({ kind: 'mirrormaker2', sourceAlias: 'source', topicNaming: 'prefix', mode: 'dedicated' }),
    topics: z
      .array(
        z.strictObject({
          name,
          partitions: z.number().int().min(1).max(10_000),
          replicationFactor: z.number().int().min(1).max(10).default(3),
          retention: durationMs.optional(),
          /** A topic that goes quiet: few or no records after a moment (quiet-topics.ts); omitted: it takes its share throughout. */
          quiet: quietTopicSchema.optional(),
        }),
      )
      .min(1, { error: 'expected at least one topic' }),
    workload: z.strictObject({
      producers: z.number().int().min(1).max(1000).default(1),
      rate: z.union(
        [
          z.strictObject({ records: z.number().positive() }),
          z.strictObject({ bytes: sizeBytes }),
          /** A capacity run: records/s from `from`, raised by `step` every `every`, up to `to` (libs/report capacity). */
          z.strictObject({
            ramp: z
              .strictObject({ from: z.number().positive(), to: z.number().positive(), step: z.number().positive(), every: durationMs })
              .refine((r) => r.to >= r.from, { error: 'expected ramp.to >= ramp.from', path: ['to'] }),
          }),
        ],
        {
          error:
            'expected { records: N } (records/s), { bytes: SIZE } (bytes/s) or { ramp: { from, to, step, every } } (records/s in steps)',
        },
      ),
      /** `per-producer`: every producer sends at `rate`; `total`: producers split it. */
      rateSplit: z.enum(['per-producer', 'total']).default('total'),
      recordSize: sizeBytes.default(256),
      payload: z
        .strictObject({ file: z.string().min(1), format: z.enum(['csv', 'jsonl']), column: z.union([z.string(), z.number().int().min(0)]) })
        .optional(),
      duration: durationMs,
      acks: z.enum(['all', 'leader', 'none']).default('all'),
      encoding: z.enum(['headers', 'value-prefix', 'single-header', 'compact']).default('compact'),
      keysPerPartition: z.number().int().min(1).max(1000).default(4),
      /**
       * Transactional producers: each producer writes `size` records per transaction and aborts
       * every `abortEvery`-th transaction (0: never). Aborted records must never be read.
       */
      transactions: z
        .strictObject({
          size: z.number({ error: 'expected a number of records per transaction' }).int().min(1).max(100_000).default(100),
          abortEvery: z.number({ error: 'expected a number (abort every N-th transaction; 0: never)' }).int().min(0).default(5),
        })
        .optional(),
    }),
    /**
     * Standing latency on the inter-DC link for the whole run (`transatlantic`: ~80 ms RTT,
     * a few ms jitter); `mirrorlab run` sets it on the local lab before the run. Omitted: none.
     */
    link: z.enum(LINK_PROFILES, { error: `expected one of ${LINK_PROFILES.join(', ')}` }).default('none'),
    validators: z
      .strictObject({
        count: z.number().int().min(1).max(100).default(1),
        /**
         * `read_committed` (default): validators never see aborted transactions. `read_uncommitted`
         * adds nothing to the verdict's checks but shows what a reader of uncommitted data sees.
         */
        isolation: z
          .enum(['read_committed', 'read_uncommitted'], { error: 'expected read_committed or read_uncommitted' })
          .default('read_committed'),
        /**
         * Validators added beside the scenario's own that read at `read_uncommitted`, in a consumer
         * group of their own: the report shows what they saw (aborted reads) next to the others'
         * counts; they never change the verdict. Absent: none.
         */
        readUncommitted: z
          .number({ error: 'expected a number of read_uncommitted validators (0: none)' })
          .int({ error: 'expected a whole number of read_uncommitted validators' })
          .min(0, { error: 'expected 0 or more read_uncommitted validators' })
          .max(100, { error: 'expected at most 100 read_uncommitted validators' })
          .optional(),
      })
      .refine((v) => !(v.isolation === 'read_uncommitted' && (v.readUncommitted ?? 0) > 0), {
        path: ['readUncommitted'],
        error:
          'expected no added read_uncommitted validators when validators.isolation is read_uncommitted (every validator reads uncommitted already)',
      })
      .default({ count: 1, isolation: 'read_committed' }),
    faults: z.array(fault).default([]),
    seed: z.number().int().default(1),
    /**
     * What the run must show to pass. Correctness (lost, unexpected, corrupt, foreign;
     * duplicates when `exactlyOnce`) is always checked at 0 unless relaxed here: see
     * `effectiveExpectations`.
     */
    expectations: z
      .strictObject({
        lost: max('lost records').optional(),
        unexpected: max('unexpected records').optional(),
        duplicates: max('duplicate records').optional(),
        corrupt: max('corrupt records').optional(),
        foreign: max('records with no mirrorlab metadata').optional(),
        inconsistentOffsets: max('offset ranges re-read with other content').optional(),
        abortedReads: max('records of aborted transactions read').optional(),
        p99LatencyMs: max('p99 end-to-end latency in ms').optional(),
        recoverySeconds: max('seconds to recover after each fault').optional(),
        /** The replicator promises exactly-once delivery: duplicates are then checked at 0 unless relaxed. */
        exactlyOnce: z.boolean({ error: 'expected true or false' }).optional(),
        /**
         * The lost split (source audit): naming any of these checks all three (at 0 unless
         * stated) in place of `lost`, which is then checked only when stated too.
         */
        lostAtSource: max('records lost from the source log itself').optional(),
        purgedBeforeMirrored: max('records purged by source retention before they were mirrored').optional(),
        lostInReplication: max('records the replicator lost').optional(),
        /** Seconds from an add-partitions fault until the first record of each new partition is on the target. */
        pickupSeconds: max('seconds until a new partition is mirrored').optional(),
        /** consumer-failover drills: records a failed-over consumer skipped (checked at 0 when the scenario fails a group over) and re-read. */
        failover: z
          .strictObject({ skipped: max('records skipped at failover').optional(), reread: max('records re-read at failover').optional() })
          .optional(),
        /** How long MirrorMaker 2's checkpoints may trail the source groups' commits, s. */
        checkpointAgeSeconds: max('seconds a checkpoint may trail the group').optional(),
      })
      .default({}),
    drainTimeout: durationMs.default(DEFAULT_DRAIN_TIMEOUT_MS),
    /**
     * Run the scenario once per replicator mode (`mirrorlab run`), then compare the runs. Each run
     * uses `replicator.mode` = that mode; absent: one run in `replicator.mode`.
     */
    replicators: z
      .array(z.enum(REPLICATOR_MODES, { error: `expected one of ${REPLICATOR_MODES.join(', ')}` }))
      .min(2, { error: 'expected at least two replicator modes to compare (one mode: use replicator.mode)' })
      .refine((modes) => new Set(modes).size === modes.length, { error: 'expected each replicator mode once' })
      .optional(),
    /**
     * Before the measured workload, producers write at the scenario's rate until end-to-end latency
     * has been steady for `steadyFor`, at most `timeout` (then measuring starts anyway, with a
     * warning). `timeout: 0s`: no warm-up.
     */
    warmup: z
      .strictObject({ steadyFor: durationMs.default(3_000), timeout: durationMs.default(60_000) })
      .default({ steadyFor: 3_000, timeout: 60_000 }),
    /**
     * Consumer groups on the source cluster (the consumer-groups service): each reads one source
     * topic at its pace, commits every `commitInterval` and publishes what it had processed at each
     * commit, so MirrorMaker 2's translated offsets can be checked (libs/validation checkTranslations).
     */
    consumers: z.array(sourceConsumer).max(50, { error: 'expected at most 50 consumer groups' }).default([]),
    /**
     * `sourceConsumer: true`: one more validator reads the SOURCE topics with the same checker (its own
     * group) and publishes its reports marked `sourceAudit`, so a record lost on the target that the
     * source never held is told apart by reading, not only by offsets (libs/validation lost-cause).
     * Absent or false: no audit consumer (the lost split uses `producer.offsets` and `source.audit`).
     */
    audit: z
      .strictObject(
        { sourceConsumer: z.boolean({ error: 'expected true or false' }).default(false) },
        { error: 'expected { sourceConsumer: true | false }' },
      )
      .optional(),
  })
  .superRefine((spec, ctx) => {
    const topicNames = new Set<string>();
    spec.topics.forEach((t, i) => {
      if (topicNames.has(t.name)) ctx.addIssue({ code: 'custom', path: ['topics', i, 'name'], message: `duplicate topic name ${t.name}` });
      topicNames.add(t.name);
    });
    const groups = new Set<string>();
    spec.consumers.forEach((c, i) => {
      if (!topicNames.has(c.topic))
        ctx.addIssue({ code: 'custom', path: ['consumers', i, 'topic'], message: `no topic ${c.topic} in topics` });
      if (groups.has(c.group))
        ctx.addIssue({ code: 'custom', path: ['consumers', i, 'group'], message: `duplicate consumer group ${c.group}` });
      groups.add(c.group);
    });
    spec.faults.forEach((f, i) => {
      // A missing target is the fault catalog's to report (every kind's target form is checked there).
      if (f.kind === 'consumer-failover' && f.target !== undefined && !groups.has(f.target)) {
        ctx.addIssue({
          code: 'custom',
          path: ['faults', i, 'target'],
          message: `consumer-failover needs a group of consumers (${[...groups].join(', ') || 'none defined'})`,
        });
      }
    });
    spec.faults.forEach((f, i) => {
      if (f.at + (f.duration ?? 0) > spec.workload.duration) {
        ctx.addIssue({
          code: 'custom',
          path: ['faults', i, 'at'],
          message: `the fault ends after the workload (workload.duration is ${spec.workload.duration / 1000}s)`,
        });
      }
    });
    quietTopicIssues(spec).forEach((issue) => ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message }));
    // Each fault's target and params against the fault catalog, so a bad fault is refused before the run starts.
    spec.faults.forEach((f, i) =>
      faultSpecIssues(f).forEach((issue) => ctx.addIssue({ code: 'custom', path: ['faults', i, ...issue.path], message: issue.message })),
    );
  });

export type ScenarioSpec = z.output<typeof scenarioSpecSchema>;
export type ScenarioSpecInput = z.input<typeof scenarioSpecSchema>;
export type FaultSpec = ScenarioSpec['faults'][number];

/** The Kafka group id of a scenario's consumer group `group` (unique per run, so MirrorMaker 2 checkpoints only this run's commits). */
export function consumerGroupId(scenarioId: string, group: string): string {
  return `mirrorlab-${scenarioId}-${group}`;
}
export type SourceConsumerSpec = ScenarioSpec['consumers'][number];
