import { ConfigResourceTypes, type Admin } from 'kafkajs';
import { FaultRunnerError } from './errors';
import type { Injection, Verification } from './fault-backend';
import type { FaultRequestOf } from './fault-request';
import type { ClusterName } from './fault-target';
import { everyBrokerSees, type AdminFaultOptions } from './admin-faults';
import type { Call } from './kafka-admin';
import { pollUntil } from './poll';

type RecreateTopic = FaultRequestOf<'recreate-topic'>;

/** Kafka's `configSource` of a topic-level override (DescribeConfigs v1+). */
const TOPIC_OVERRIDE = 1;

interface TopicShape {
  partitions: number;
  replicationFactor: number;
  overrides: Array<{ name: string; value: string }>;
}

/**
 * recreate-topic: deletes a topic and creates it again with the same partitions, replication
 * factor and topic-level overrides, as an operator re-creating a topic mid-run would. Its offsets
 * start again at 0, so what the replicator had not copied is gone from the source (the source audit
 * sees the high watermark fall: lost at the source), and a replicator that resumes from its
 * committed offset finds it past the new end. One-shot: the topic is back when the injection
 * returns (every broker shows it with a leader per partition), with nothing to undo.
 */
export async function injectRecreateTopic(req: RecreateTopic, opts: AdminFaultOptions): Promise<Injection> {
  const topic = topicOf(req);
  const { cluster } = req.params;
  const shape = await opts.admins.run(cluster, `reading ${topic}`, (admin, call) => shapeOf(admin, call, cluster, topic));
  const atMs = await opts.admins.run(cluster, `deleting ${topic}`, async (admin, call) => {
    await call(admin.deleteTopics({ topics: [topic], timeout: opts.admins.callTimeoutMs }), 'DeleteTopics');
    return Date.now();
  });
  await pollUntil(
    `${topic} gone from every broker`,
    async () => {
      const views = await opts.admins.runOnEachBroker(cluster, `topics (${topic} deleted?)`, async (admin, call, broker) => ({
        broker,
        has: (await call(admin.listTopics(), 'ListTopics')).includes(topic),
      }));
      const still = views.filter((v) => v.has);
      return still.length === 0 ? { done: undefined } : { notYet: `still listed by ${still.map((v) => v.broker).join(', ')}` };
    },
    { timeoutMs: opts.settleTimeoutMs },
  );
  // The controller may refuse the create while the deletion finishes (TOPIC_ALREADY_EXISTS / marked for deletion): retried until it takes.
  await pollUntil(
    `${topic} created again`,
    async () => {
      try {
        await opts.admins.run(cluster, `creating ${topic}`, (admin, call) =>
          call(
            admin.createTopics({
              topics: [
                { topic, numPartitions: shape.partitions, replicationFactor: shape.replicationFactor, configEntries: shape.overrides },
              ],
              waitForLeaders: true,
              timeout: opts.admins.callTimeoutMs,
            }),
            'CreateTopics',
          ),
        );
        return { done: undefined };
      } catch (error) {
        // Gone from every broker before, so "already exists" means a create whose answer was lost took.
        const message = (error as Error).message;
        return /already exists/i.test(message) ? { done: undefined } : { notYet: message };
      }
    },
    { timeoutMs: opts.settleTimeoutMs },
  );
  await everyBrokerSees(opts, cluster, topic, shape.partitions);
  return {
    atMs,
    detail: `deleted ${topic} on the ${cluster} cluster and created it again (${shape.partitions} partitions, RF ${shape.replicationFactor}${shape.overrides.length > 0 ? `, ${shape.overrides.map((o) => `${o.name}=${o.value}`).join(', ')}` : ''})`,
    effect: { cluster, topic, partitions: shape.partitions, replicationFactor: shape.replicationFactor },
  };
}

/** The topic exists again with its partitions, each with a leader. */
export async function verifyRecreateTopic(req: RecreateTopic, opts: AdminFaultOptions): Promise<Verification> {
  const topic = topicOf(req);
  const { cluster } = req.params;
  const led = await opts.admins.run(cluster, `metadata of ${topic}`, async (admin, call) => {
    if (!(await call(admin.listTopics(), 'ListTopics')).includes(topic)) return null;
    const { topics } = await call(admin.fetchTopicMetadata({ topics: [topic] }), 'Metadata');
    return (topics[0]?.partitions ?? []).filter((p) => p.leader >= 0).length;
  });
  return led === null
    ? { ok: false, detail: `${topic} does not exist on the ${cluster} cluster` }
    : { ok: led > 0, detail: `${topic} exists with ${led} led partitions` };
}

function topicOf(req: RecreateTopic): string {
  if (req.target.type !== 'topic')
    throw new FaultRunnerError('target_invalid', 'target: recreate-topic expects a topic', { field: 'target' });
  return req.target.topic;
}

async function shapeOf(admin: Admin, call: Call, cluster: ClusterName, topic: string): Promise<TopicShape> {
  if (!(await call(admin.listTopics(), 'ListTopics')).includes(topic)) {
    throw new FaultRunnerError(
      'inject_failed',
      `topic ${topic} does not exist on the ${cluster} cluster; recreate-topic needs an existing topic`,
      { retriable: false },
    );
  }
  const { topics } = await call(admin.fetchTopicMetadata({ topics: [topic] }), 'Metadata');
  const partitions = topics[0]?.partitions ?? [];
  const res = await call(
    admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] }),
    'DescribeConfigs',
  );
  const overrides = (res.resources[0]?.configEntries ?? [])
    .filter((e) => e.configSource === TOPIC_OVERRIDE && e.configValue !== null)
    .map((e) => ({ name: e.configName, value: e.configValue }));
  return { partitions: partitions.length, replicationFactor: Math.max(1, ...partitions.map((p) => p.replicas.length)), overrides };
}
