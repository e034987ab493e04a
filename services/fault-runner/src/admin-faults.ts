import type { Admin } from 'kafkajs';
import { FaultRunnerError, errorMessage } from './errors';
import type { Injection, Verification } from './fault-backend';
import type { FaultRequestOf } from './fault-request';
import type { ClusterName } from './fault-target';
import type { Call, KafkaAdmins } from './kafka-admin';
import { pollUntil } from './poll';

/**
 * Faults made with Kafka admin calls (add-partitions, add-topic, reassign-partitions):
 * one-shot changes that need nothing of the backend but the clusters' addresses, so every
 * backend shares them. Each waits until the change is visible in the metadata.
 */
export interface AdminFaultOptions {
  admins: KafkaAdmins;
  /** How long a change may take to show (reassignments move data). */
  settleTimeoutMs: number;
  /** Why a new topic would not be replicated (e.g. MM2's topic filter), or null when it would. */
  topicRefusal?: (topic: string) => string | null;
}

export interface PartitionReplicas {
  partition: number;
  replicas: number[];
}

async function topicPartitions(
  admin: Admin,
  call: Call,
  cluster: ClusterName,
  topic: string,
): Promise<Array<{ partitionId: number; leader: number; replicas: number[] }>> {
  const topics = await call(admin.listTopics(), 'ListTopics');
  if (!topics.includes(topic))
    throw new FaultRunnerError('inject_failed', `topic ${topic} does not exist on the ${cluster} cluster`, { retriable: false });
  const { topics: meta } = await call(admin.fetchTopicMetadata({ topics: [topic] }), 'Metadata');
  return meta[0]?.partitions ?? [];
}

/** Every broker's own metadata shows `topic` with `partitions` partitions, each with a leader. */
export async function everyBrokerSees(opts: AdminFaultOptions, cluster: ClusterName, topic: string, partitions: number): Promise<void> {
  await pollUntil(
    `${topic} with ${partitions} partitions, each with a leader, on every broker`,
    async () => {
      const views = await opts.admins.runOnEachBroker(cluster, `metadata of ${topic}`, async (admin, call, broker) => {
        const { topics } = await call(admin.fetchTopicMetadata({ topics: [topic] }), 'Metadata');
        const meta = topics[0]?.partitions ?? [];
        return { broker, count: meta.length, led: meta.filter((p) => p.leader >= 0).length };
      });
      const behind = views.filter((v) => v.count !== partitions || v.led !== partitions);
      return behind.length === 0
        ? { done: undefined }
        : { notYet: behind.map((v) => `${v.broker}: ${v.count} partitions, ${v.led} led`).join('; ') };
    },
    { timeoutMs: opts.settleTimeoutMs },
  );
}

export async function injectAddPartitions(req: FaultRequestOf<'add-partitions'>, opts: AdminFaultOptions): Promise<Injection> {
  if (req.target.type !== 'topic')
    throw new FaultRunnerError('target_invalid', 'target: add-partitions expects a topic', { field: 'target' });
  const { topic } = req.target;
  const { count, cluster } = req.params;
  const { before, atMs } = await opts.admins.run(cluster, `add-partitions to ${topic}`, async (admin, call) => {
    const before = (await topicPartitions(admin, call, cluster, topic)).length;
    if (count <= before) {
      throw new FaultRunnerError(
        'params_invalid',
        `params.count: ${topic} has ${before} partitions; count is the new total and must be more than ${before}`,
        { field: 'params.count' },
      );
    }
    await call(admin.createPartitions({ topicPartitions: [{ topic, count }], timeout: opts.admins.callTimeoutMs }), 'CreatePartitions');
    return { before, atMs: Date.now() };
  });
  await everyBrokerSees(opts, cluster, topic, count);
  return {
    atMs,
    detail: `${topic} on the ${cluster} cluster: ${before} -> ${count} partitions`,
    effect: { cluster, topic, from: before, to: count },
  };
}

export async function injectAddTopic(req: FaultRequestOf<'add-topic'>, opts: AdminFaultOptions): Promise<Injection> {
  const cluster = req.target.type === 'cluster' ? req.target.cluster : 'source';
  const { name, partitions, replicationFactor } = req.params;
  const refusal = opts.topicRefusal?.(name);
  if (refusal) throw new FaultRunnerError('params_invalid', `params.name: ${refusal}`, { field: 'params.name' });
  const atMs = await opts.admins.run(cluster, `add-topic ${name}`, async (admin, call) => {
    if ((await call(admin.listTopics(), 'ListTopics')).includes(name)) {
      throw new FaultRunnerError('inject_failed', `topic ${name} already exists on the ${cluster} cluster; add-topic needs a new name`, {
        retriable: false,
      });
    }
    const brokers = (await call(admin.describeCluster(), 'DescribeCluster')).brokers.length;
    if (replicationFactor > brokers) {
      throw new FaultRunnerError(
        'params_invalid',
        `params.replicationFactor: the ${cluster} cluster has ${brokers} brokers, fewer than ${replicationFactor}`,
        { field: 'params.replicationFactor' },
      );
    }
    await call(
      admin.createTopics({
        topics: [{ topic: name, numPartitions: partitions, replicationFactor }],
        waitForLeaders: true,
        timeout: opts.admins.callTimeoutMs,
      }),
      'CreateTopics',
    );
    return Date.now();
  });
  await everyBrokerSees(opts, cluster, name, partitions);
  return {
    atMs,
    detail: `created ${name} on the ${cluster} cluster (${partitions} partitions, RF ${replicationFactor})`,
    effect: { cluster, topic: name, partitions, replicationFactor },
  };
}

/**
 * Every replica moves to the next broker id (in sorted order, wrapping): a bijection, so
 * a partition never gets a broker twice. With as many brokers as replicas only the order
 * (the preferred leader) changes; with more brokers, data moves.
 */
export function planReassignment(
  current: readonly PartitionReplicas[],
  brokers: readonly number[],
  only: number | null,
): PartitionReplicas[] {
  const sorted = [...new Set(brokers)].sort((a, b) => a - b);
  const next = (id: number): number => {
    const i = sorted.indexOf(id);
    return i < 0 ? sorted[0] : sorted[(i + 1) % sorted.length];
  };
  return current
    .filter((p) => only === null || p.partition === only)
    .map((p) => ({ partition: p.partition, replicas: p.replicas.map(next) }))
    .sort((a, b) => a.partition - b.partition);
}

function describeMoves(before: readonly PartitionReplicas[], after: readonly PartitionReplicas[]): string {
  const was = new Map(before.map((p) => [p.partition, p.replicas]));
  return after.map((p) => `p${p.partition} [${was.get(p.partition)?.join(',')}] -> [${p.replicas.join(',')}]`).join('; ');
}

export async function injectReassignPartitions(req: FaultRequestOf<'reassign-partitions'>, opts: AdminFaultOptions): Promise<Injection> {
  if (req.target.type !== 'topic')
    throw new FaultRunnerError('target_invalid', 'target: reassign-partitions expects a topic', { field: 'target' });
  const { topic } = req.target;
  const { cluster, partition } = req.params;
  return opts.admins.run(cluster, `reassign-partitions of ${topic}`, async (admin, call) => {
    const current = (await topicPartitions(admin, call, cluster, topic)).map((p) => ({ partition: p.partitionId, replicas: p.replicas }));
    if (partition !== null && !current.some((p) => p.partition === partition)) {
      throw new FaultRunnerError(
        'params_invalid',
        `params.partition: ${topic} has partitions 0 to ${current.length - 1}, not ${partition}`,
        { field: 'params.partition' },
      );
    }
    const brokers = (await call(admin.describeCluster(), 'DescribeCluster')).brokers.map((b) => b.nodeId);
    const plan = planReassignment(current, brokers, partition);
    await call(
      admin.alterPartitionReassignments({ topics: [{ topic, partitionAssignment: plan }], timeout: opts.admins.callTimeoutMs }),
      'AlterPartitionReassignments',
    );
    const atMs = Date.now();
    await pollUntil(
      `the reassignment of ${topic} to complete`,
      async () => {
        const ongoing = await call(
          admin.listPartitionReassignments({
            topics: [{ topic, partitions: plan.map((p) => p.partition) }],
            timeout: opts.admins.callTimeoutMs,
          }),
          'ListPartitionReassignments',
        );
        const moving = ongoing.topics.flatMap((t) => t.partitions.map((p) => p.partitionIndex));
        if (moving.length > 0) return { notYet: `partitions ${moving.join(', ')} still moving` };
        const now = new Map((await topicPartitions(admin, call, cluster, topic)).map((p) => [p.partitionId, p.replicas]));
        const off = plan.filter((p) => now.get(p.partition)?.join(',') !== p.replicas.join(','));
        return off.length === 0
          ? { done: true }
          : { notYet: `metadata still shows ${off.map((p) => `p${p.partition} [${now.get(p.partition)?.join(',')}]`).join(', ')}` };
      },
      { timeoutMs: opts.settleTimeoutMs },
    );
    return {
      atMs,
      detail: `reassigned ${topic} on the ${cluster} cluster: ${describeMoves(current, plan)}`,
      effect: { cluster, topic, moves: describeMoves(current, plan) },
    };
  });
}

/** Whether a one-shot admin fault is visible (used by verifyInjected). */
export async function verifyAdminFault(
  req: FaultRequestOf<'add-partitions' | 'add-topic' | 'reassign-partitions'>,
  opts: AdminFaultOptions,
): Promise<Verification> {
  try {
    switch (req.kind) {
      case 'add-partitions': {
        const r = req as FaultRequestOf<'add-partitions'>;
        if (r.target.type !== 'topic') return { ok: false, detail: 'no topic' };
        const topic = r.target.topic;
        const n = await opts.admins.run(
          r.params.cluster,
          'checking partitions',
          async (admin, call) => (await topicPartitions(admin, call, r.params.cluster, topic)).length,
        );
        return { ok: n >= r.params.count, detail: `${topic} has ${n} partitions (asked: ${r.params.count})` };
      }
      case 'add-topic': {
        const r = req as FaultRequestOf<'add-topic'>;
        const cluster = r.target.type === 'cluster' ? r.target.cluster : 'source';
        const exists = await opts.admins.run(cluster, 'listing topics', async (admin, call) =>
          (await call(admin.listTopics(), 'ListTopics')).includes(r.params.name),
        );
        return { ok: exists, detail: `${r.params.name} ${exists ? 'exists' : 'does not exist'} on the ${cluster} cluster` };
      }
      case 'reassign-partitions': {
        const r = req as FaultRequestOf<'reassign-partitions'>;
        if (r.target.type !== 'topic') return { ok: false, detail: 'no topic' };
        const topic = r.target.topic;
        const moving = await opts.admins.run(r.params.cluster, 'listing reassignments', async (admin, call) =>
          (await call(admin.listPartitionReassignments({}), 'ListPartitionReassignments')).topics
            .filter((t) => t.topic === topic)
            .flatMap((t) => t.partitions),
        );
        return {
          ok: moving.length === 0,
          detail: moving.length === 0 ? `no reassignment of ${topic} in progress` : `${moving.length} partitions of ${topic} still moving`,
        };
      }
    }
  } catch (error) {
    return { ok: false, detail: errorMessage(error) };
  }
  return { ok: false, detail: `${req.kind} is not an admin fault` };
}
