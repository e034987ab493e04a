import type { ProducerKeyReport } from '@mirrorlab/control';
import { IntervalSet } from '@mirrorlab/validation';

/** `aborted`: written in a transaction the producer aborted (transactional workloads only). */
export type SendResult = 'acked' | 'failed' | 'indeterminate' | 'aborted';

interface KeyLedger {
  topic: string;
  keyEpoch: number;
  key: string;
  acked: IntervalSet;
  failed: IntervalSet;
  indeterminate: IntervalSet;
  aborted: IntervalSet;
}

/**
 * What the source cluster answered for every record this producer sent, as
 * sequence ranges per (topic, key epoch, key). Ranges, not records: a run of a
 * million acknowledged records of one key is one range.
 */
export class AckLedger {
  private readonly keys = new Map<string, KeyLedger>();
  readonly counts = { acked: 0, failed: 0, indeterminate: 0, aborted: 0 };

  record(result: SendResult, topic: string, keyEpoch: number, key: string, seq: number): void {
    const id = `${topic}\u0000${keyEpoch}\u0000${key}`;
    let entry = this.keys.get(id);
    if (!entry) {
      entry = {
        topic,
        keyEpoch,
        key,
        acked: new IntervalSet(),
        failed: new IntervalSet(),
        indeterminate: new IntervalSet(),
        aborted: new IntervalSet(),
      };
      this.keys.set(id, entry);
    }
    entry[result].add(seq);
    this.counts[result] += 1;
  }

  get keyCount(): number {
    return this.keys.size;
  }

  toKeyReports(): ProducerKeyReport[] {
    return [...this.keys.values()].map((k) => ({
      topic: k.topic,
      keyEpoch: k.keyEpoch,
      key: k.key,
      acked: k.acked.toRanges(),
      failed: k.failed.toRanges(),
      indeterminate: k.indeterminate.toRanges(),
      // Only transactional producers abort: their reports carry the ranges, others' stay as they were.
      ...(k.aborted.isEmpty() ? {} : { aborted: k.aborted.toRanges() }),
    }));
  }
}
