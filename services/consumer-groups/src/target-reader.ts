import type { Kafka } from 'kafkajs';
import type { TargetPartitionRecords, TargetRecord } from '@mirrorlab/validation';
import { identityOf } from './record-identity';

/**
 * Reads a target topic from its earliest offset to the high watermarks of the moment: every
 * test record of the scenario with its offset (what a failed-over consumer would find there).
 */
export async function readTargetTopic(
  kafka: Kafka,
  scenarioId: string,
  topic: string,
  readerId: string,
  timeoutMs: number,
): Promise<TargetPartitionRecords[]> {
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, number>;
  try {
    ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  const out = new Map<number, TargetRecord[]>([...ends.keys()].map((p) => [p, []]));
  const read = new Map<number, number>();
  const done = () => [...ends].every(([p, high]) => (read.get(p) ?? 0) >= high);
  if (done()) return [...out].map(([partition, records]) => ({ topic, partition, records }));
  const consumer = kafka.consumer({
    groupId: `mirrorlab-failover-reader-${readerId}`,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 500,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `read ${topic} to ${JSON.stringify(Object.fromEntries(ends))} within ${timeoutMs} ms: reached ${JSON.stringify(Object.fromEntries(read))}`,
            ),
          ),
        timeoutMs,
      );
      void consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            const offset = Number(message.offset);
            if (offset >= (ends.get(partition) ?? 0)) return;
            const id = identityOf(scenarioId, message);
            if (id !== null) out.get(partition)?.push({ offset, ...id });
            read.set(partition, offset + 1);
            if (done()) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  return [...out].map(([partition, records]) => ({ topic, partition, records }));
}
