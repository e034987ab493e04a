import { env, kafkaEnv } from '@mirrorlab/service-kit';

/** librdkafka's own `batch.size` default, the producer's BATCH_BYTES default (the benches match it). */
export const DEFAULT_BATCH_BYTES = 1_000_000;

export const producerEnv = {
  ...kafkaEnv('SOURCE_KAFKA'),
  ...kafkaEnv('CONTROL_KAFKA'),
  CONTROL_TOPIC: env.string({ default: 'mirrorlab.control' }),
  /** Take part in this scenario only (a workload started for one scenario); default: every active scenario. */
  SCENARIO_ID: env.optionalString(),
  /** Defaults to the instance id (the pod name in Kubernetes), so replicas need no configuration. */
  PRODUCER_ID: env.optionalString(),
  /** Overrides the scenario's `workload.acks`. */
  ACKS: env.oneOf(['scenario', 'all', 'leader', 'none'] as const, { default: 'scenario' }),
  IDEMPOTENT: env.bool({ default: true }),
  COMPRESSION: env.oneOf(['none', 'gzip'] as const, { default: 'none' }),
  /**
   * Records handed to the client per turn of the send loop, at most: between turns, timers, HTTP and
   * delivery reports get their turn. The client takes a turn's records in one call and its reports
   * come in batches (@mirrorlab/rdkafka-batch), so the turn size no longer bounds the rate: on the lab
   * (bench/producer --batches=100,1000,4000, issue 9) turns of 100, 1000 and 4000 reached the same
   * rate within the noise (47-71k records/s of 100 B, 8-10 us of CPU per record). 1000 keeps a turn
   * under ~10 ms.
   */
  MAX_BATCH_RECORDS: env.int({ min: 1, max: 100_000, default: 1000 }),
  /** librdkafka `linger.ms`: how long a partition's batch waits to fill. */
  LINGER: env.duration({ default: 5 }),
  /**
   * librdkafka `batch.size`: the most bytes of records one partition's batch holds (librdkafka's default; a request
   * is also bounded by `message.max.bytes`, 1,000,000). Fewer, larger batches cost the brokers less per record: on the
   * lab at 1 KiB (2026-12-07, three alternating rounds, nothing mirrored) 262,144 gave 76,038-85,788 records/s, the source
   * brokers spending 13.4-15.4 us of CPU per record; 1,000,000 gave 104,986-131,377, at 7.8-10.1 us.
   */
  BATCH_BYTES: env.int({ min: 1, max: 2_147_483_647, default: DEFAULT_BATCH_BYTES }),
  /**
   * How long a record may wait for its acknowledgement, retries included (librdkafka
   * `message.timeout.ms`); after that it is indeterminate. Above the 9 s a killed broker's
   * partitions are leaderless, so a broker kill costs retries, not indeterminate records.
   */
  REQUEST_TIMEOUT: env.duration({ default: 60_000 }),
  /** Retries per record within REQUEST_TIMEOUT (librdkafka `retries`). */
  SEND_RETRIES: env.int({ min: 0, max: 2_147_483_647, default: 2_147_483_647 }),
  PROGRESS_INTERVAL: env.duration({ default: 5000 }),
  PARTITION_CHECK_INTERVAL: env.duration({ default: 5000 }),
  /** Directory that relative `workload.payload.file` paths are read from. */
  PAYLOAD_DIR: env.string({ default: '.' }),
};
