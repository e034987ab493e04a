/**
 * kafkajs 2.2.4 resolves a multi-partition send without writing some of it: its
 * retry keeps each broker's first answer, so a partition whose leader moved to a
 * broker that had already answered (for other partitions) is never re-sent, yet
 * the send resolves. Every send therefore states each record's partition, and the
 * answer must name every partition sent to; the records of a partition it leaves
 * out were not acknowledged.
 */
export interface PartitionAnswer {
  topicName: string;
  partition: number;
}

export interface SentBatch<R> {
  topic: string;
  messages: Array<R & { partition: number }>;
}

/** The part of `sent` whose partitions the answer does not name, grouped as sent. */
export function unansweredPartitions<R>(sent: Array<SentBatch<R>>, answers: PartitionAnswer[]): Array<SentBatch<R>> {
  const answered = new Set(answers.map((a) => `${a.topicName}\u0000${a.partition}`));
  const missing: Array<SentBatch<R>> = [];
  for (const batch of sent) {
    const messages = batch.messages.filter((m) => !answered.has(`${batch.topic}\u0000${m.partition}`));
    if (messages.length > 0) missing.push({ topic: batch.topic, messages });
  }
  return missing;
}

/** Thrown when the answer still leaves partitions out after re-sending them. */
export class UnacknowledgedPartitionsError extends Error {
  override readonly name = 'UnacknowledgedPartitionsError';
  constructor(readonly partitions: string[]) {
    super(`the source cluster's answer named no offset for ${partitions.join(', ')}; those records are not acknowledged (check the producer client and the brokers' leadership)`);
  }
}
