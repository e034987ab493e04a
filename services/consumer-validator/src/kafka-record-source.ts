import { ConfigResourceTypes, type Admin, type Consumer, type Kafka } from 'kafkajs';
import type { ReadIsolation } from './read-isolation';
import { partitionId, type Watermarks } from './drain';
import type { RecordSource, RecordSourceHandlers } from './record-source';

/** How soon the validators' group finds partitions added to a target topic (MirrorMaker 2 adds them within its topic refresh). */
const NEW_PARTITION_DISCOVERY_MS = 5_000;

/**
 * The target topics through kafkajs: a consumer in the scenario's group (no auto-commit; the
 * run commits what its reports cover) and an admin client of this source's own: kafkajs admin
 * clients remember every topic they were asked about, and once one of those is deleted
 * (another scenario's topic) every metadata request of that client fails.
 */
export function kafkaRecordSource(
  kafka: Kafka,
  opts: { groupId: string; sessionTimeoutMs: number; isolation: ReadIsolation; fetchMaxBytes?: number; fetchMaxPartitionBytes?: number },
): RecordSource {
  let admin: Admin | undefined;
  let consumer: Consumer | undefined;
  const adminClient = (): Admin => {
    if (admin === undefined) throw new Error('the record source is not connected');
    return admin;
  };
  return {
    async connect() {
      admin = kafka.admin();
      await admin.connect();
    },
    listTopics: () => adminClient().listTopics(),
    async usesLogAppendTime(topics) {
      const res = await adminClient().describeConfigs({
        includeSynonyms: false,
        resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['message.timestamp.type'] })),
      });
      return res.resources.every((r) =>
        r.configEntries.some((c) => c.configName === 'message.timestamp.type' && c.configValue === 'LogAppendTime'),
      );
    },
    async watermarks(topic) {
      const offsets = await adminClient().fetchTopicOffsets(topic);
      return new Map<string, Watermarks>(
        offsets.map((p) => [partitionId(topic, p.partition), { low: Number(p.low), high: Number(p.high) }]),
      );
    },
    async consume(topics, handlers: RecordSourceHandlers) {
      // kafkajs notices partitions added to a topic only when its metadata is older than
      // metadataMaxAge (default 5 min): the group would not read new partitions for minutes after
      // add-partitions (seen on the lab: 1363 records mirrored to the new partitions, never read).
      const c = kafka.consumer({
        groupId: opts.groupId,
        sessionTimeout: opts.sessionTimeoutMs,
        allowAutoTopicCreation: false,
        maxWaitTimeInMs: 500,
        metadataMaxAge: NEW_PARTITION_DISCOVERY_MS,
        readUncommitted: opts.isolation === 'read_uncommitted',
        ...(opts.fetchMaxBytes !== undefined ? { maxBytes: opts.fetchMaxBytes } : {}),
        ...(opts.fetchMaxPartitionBytes !== undefined ? { maxBytesPerPartition: opts.fetchMaxPartitionBytes } : {}),
      });
      consumer = c;
      c.on(c.events.REBALANCING, () => handlers.onRebalancing());
      // Batches of transaction markers or aborted records only never reach eachBatch; kafkajs still reports them here.
      c.on(c.events.END_BATCH_PROCESS, ({ payload }) => {
        if (payload.batchSize === 0 && (payload.firstOffset as string | null) !== null)
          handlers.onEmptyBatch(payload.topic, payload.partition, Number(payload.lastOffset));
      });
      c.on(c.events.GROUP_JOIN, ({ payload }) => handlers.onAssignment(payload.memberAssignment));
      await c.connect();
      await c.subscribe({ topics: [...topics], fromBeginning: true });
      await c.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          const first = batch.firstOffset();
          await handlers.onBatch(
            {
              topic: batch.topic,
              partition: batch.partition,
              firstOffset: first === null ? null : Number(first),
              lastOffset: Number(batch.lastOffset()),
              records: batch.messages.map((m) => ({
                topic: batch.topic,
                partition: batch.partition,
                offset: Number(m.offset),
                key: m.key,
                value: m.value,
                headers: m.headers,
                timestampMs: Number(m.timestamp),
              })),
            },
            {
              isCurrent: () => isRunning() && !isStale(),
              resolveOffset: (offset) => resolveOffset(String(offset)),
              seek: (offset) => c.seek({ topic: batch.topic, partition: batch.partition, offset: String(offset) }),
              heartbeat,
            },
          );
        },
      });
    },
    // Its REBALANCING event reaches the run on this thread before kafkajs rejoins.
    isRebalancing: () => false,
    async commit(offsets) {
      await consumer?.commitOffsets(offsets.map((p) => ({ topic: p.topic, partition: p.partition, offset: String(p.offset) })));
    },
    async stopConsuming() {
      await consumer?.stop();
    },
    async close() {
      await consumer?.disconnect().catch(() => undefined);
      await admin?.disconnect().catch(() => undefined);
    },
  };
}
