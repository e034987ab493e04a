import { env, kafkaEnv } from '@mirrorlab/service-kit';
import { DEFAULT_MAX_INFLIGHT_BYTES } from './fetch-thread-protocol';
import { READ_ISOLATION_SETTINGS } from './read-isolation';

export const validatorEnv = {
  ...kafkaEnv('TARGET_KAFKA'),
  ...kafkaEnv('CONTROL_KAFKA'),
  CONTROL_TOPIC: env.string({ default: 'mirrorlab.control' }),
  /** Take part in this scenario only (a workload started for one scenario); default: every active scenario. */
  SCENARIO_ID: env.optionalString(),
  /** Defaults to the instance id (the pod name in Kubernetes). */
  VALIDATOR_ID: env.optionalString(),
  /** Consumer group per scenario: `<prefix>-<scenarioId>`; every validator replica of a scenario joins it. */
  GROUP_PREFIX: env.string({ default: 'mirrorlab-validator' }),
  /**
   * `scenario` (default): one of the scenario's own validators, reading at its `validators.isolation`.
   * `read_uncommitted`: one of the validators a scenario adds beside them (`validators.readUncommitted`;
   * the provisioner sets it): reads uncommitted data in `<prefix>-<scenarioId>-read-uncommitted` and
   * marks its reports, which never decide the verdict.
   */
  READ_ISOLATION: env.oneOf(READ_ISOLATION_SETTINGS, { default: 'scenario' }),
  /** How often mergeable state and histograms are published (and offsets committed). */
  REPORT_INTERVAL: env.duration({ default: 5000 }),
  /** Examples kept per anomaly class. */
  MAX_EXAMPLES: env.int({ min: 0, max: 1000, default: 5 }),
  SESSION_TIMEOUT: env.duration({ default: 15_000 }),
  /** A scenario whose drain was never announced stops being read this long after its end. */
  DRAIN_GRACE: env.duration({ default: 600_000 }),
  /**
   * Bytes per fetch response (all partitions of one broker) and per partition in it; the defaults are
   * kafkajs's. 32 MiB / 8 MiB were tried on a 1 KiB backlog (bench/producer, issue 9) and showed no
   * clear gain on the shared lab (one sample each: +5% with headers, -54% with the value prefix).
   */
  FETCH_MAX_BYTES: env.int({ min: 1024, max: 512 * 2 ** 20, default: 10 * 2 ** 20 }),
  FETCH_MAX_PARTITION_BYTES: env.int({ min: 1024, max: 128 * 2 ** 20, default: 2 ** 20 }),
  /**
   * Run the Kafka client on a thread of its own (fetch-thread.ts): fetching and decoding batches
   * overlaps checking them, so one validator uses two cores (bench/producer/RESULTS.md). false: one
   * thread, as before.
   */
  FETCH_THREAD: env.bool({ default: true }),
  /** With FETCH_THREAD: bytes of fetched batches that may wait to be checked before the fetch thread waits. */
  FETCH_THREAD_MAX_INFLIGHT_BYTES: env.int({ min: 2 ** 20, max: 512 * 2 ** 20, default: DEFAULT_MAX_INFLIGHT_BYTES }),
  /**
   * The source audit consumer (scenario `audit.sourceConsumer`): read the scenario's SOURCE topics, on the
   * cluster TARGET_KAFKA_* names (the orchestrator points it at the source cluster), and mark every
   * report `sourceAudit`. Default false: a target validator.
   */
  SOURCE_AUDIT: env.bool({ default: false }),
};
