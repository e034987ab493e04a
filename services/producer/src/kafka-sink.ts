import { CompressionTypes, type Admin, type Producer } from 'kafkajs';
import type { OutgoingRecord, RecordSink } from './producer-run';

const ACKS = { all: -1, leader: 1, none: 0 } as const;

/** The source cluster behind the RecordSink interface, through kafkajs. */
export function kafkaSink(producer: Producer, admin: Admin, opts: { acks: keyof typeof ACKS; timeoutMs: number; compression: 'none' | 'gzip' }): RecordSink {
  return {
    async send(topicMessages: Array<{ topic: string; messages: OutgoingRecord[] }>) {
      await producer.sendBatch({
        topicMessages,
        acks: ACKS[opts.acks],
        timeout: opts.timeoutMs,
        compression: opts.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
      });
    },
    async partitionCount(topic: string) {
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      return meta.topics[0].partitions.length;
    },
  };
}
