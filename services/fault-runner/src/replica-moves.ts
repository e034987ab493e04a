import type { ClusterName } from './fault-target';
import type { KafkaAdmins } from './kafka-admin';
import { pollUntil } from './poll';

/**
 * Moves every replica off `nodeId` to a planned broker the partition does not have yet
 * (new topics may have been placed on an added broker while it lived), and waits until
 * the metadata shows none left there. Returns the partitions it moved. Both backends undo
 * add-broker with it before the broker goes.
 */
export async function moveReplicasOff(
  admins: KafkaAdmins,
  cluster: ClusterName,
  nodeId: number,
  planned: readonly number[],
  timeoutMs: number,
): Promise<string[]> {
  return admins.run(cluster, `moving replicas off node ${nodeId}`, async (admin, call) => {
    const replicasOn = async () => {
      const { topics } = await call(admin.fetchTopicMetadata(), 'Metadata');
      return topics.flatMap((t) =>
        t.partitions
          .filter((p) => p.replicas.includes(nodeId))
          .map((p) => ({ topic: t.name, partition: p.partitionId, replicas: p.replicas })),
      );
    };
    const on = await replicasOn();
    if (on.length === 0) return [];
    const byTopic = new Map<string, Array<{ partition: number; replicas: number[] }>>();
    for (const p of on) {
      const spare = planned.find((id) => !p.replicas.includes(id));
      const replicas =
        spare === undefined ? p.replicas.filter((id) => id !== nodeId) : p.replicas.map((id) => (id === nodeId ? spare : id));
      byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), { partition: p.partition, replicas }]);
    }
    await call(
      admin.alterPartitionReassignments({
        topics: [...byTopic].map(([topic, partitionAssignment]) => ({ topic, partitionAssignment })),
        timeout: admins.callTimeoutMs,
      }),
      'AlterPartitionReassignments',
    );
    await pollUntil(
      `no replica left on node ${nodeId}`,
      async () => {
        const left = await replicasOn();
        return left.length === 0 ? { done: undefined } : { notYet: `${left.length} partitions still have a replica there` };
      },
      { timeoutMs, intervalMs: 1000, code: 'heal_unverified' },
    );
    return on.map((p) => `${p.topic}-${p.partition}`);
  });
}
