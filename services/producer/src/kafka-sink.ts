import { CompressionTypes, type Admin, type Producer } from 'kafkajs';
import { unansweredPartitions, UnacknowledgedPartitionsError } from './ack-coverage';
import type { OutgoingRecord, RecordSink } from './producer-run';

const ACKS = { all: -1, leader: 1, none: 0 } as const;
/** Re-sends of partitions an answer left out, before the batch counts as unacknowledged. */
const MAX_RESENDS = 5;

export interface KafkaSinkOptions {
  acks: keyof typeof ACKS;
  timeoutMs: number;
  compression: 'none' | 'gzip';
  /** Told when an answer left partitions out and they are being sent again. */
  onUnanswered?: (partitions: string[], attempt: number) => void;
}

/**
 * The source cluster behind the RecordSink interface, through kafkajs. Each record
 * goes to the partition the key plan chose, and a send counts as acknowledged only
 * when the answer names every partition sent to (see ack-coverage.ts); left-out
 * partitions are sent again.
 */
export function kafkaSink(producer: Producer, admin: Admin, opts: KafkaSinkOptions): RecordSink {
  return {
    async send(topicMessages: Array<{ topic: string; messages: OutgoingRecord[] }>) {
      let outstanding = topicMessages;
      for (let attempt = 0; ; attempt++) {
        const answers = await producer.sendBatch({
          topicMessages: outstanding,
          acks: ACKS[opts.acks],
          timeout: opts.timeoutMs,
          compression: opts.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
        });
        if (opts.acks === 'none') return; // no answer is expected
        outstanding = unansweredPartitions(outstanding, answers);
        if (outstanding.length === 0) return;
        const partitions = [...new Set(outstanding.flatMap((b) => b.messages.map((m) => `${b.topic}-${m.partition}`)))];
        if (attempt >= MAX_RESENDS) throw new UnacknowledgedPartitionsError(partitions);
        opts.onUnanswered?.(partitions, attempt + 1);
      }
    },
    async partitionCount(topic: string) {
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      return meta.topics[0].partitions.length;
    },
  };
}
