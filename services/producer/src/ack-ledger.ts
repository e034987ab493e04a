import type { ProducerKeyReport } from '@mirrorlab/control';
import { IntervalSet } from '@mirrorlab/validation';

/** `aborted`: written in a transaction the producer aborted (transactional workloads only). */
export type SendResult = 'acked' | 'failed' | 'indeterminate' | 'aborted';

/** One (topic, key epoch, key)'s ranges: looked up once per key with `entryFor`, then booked into with `recordIn`. */
export interface KeyLedger {
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
    this.recordIn(this.entryFor(topic, keyEpoch, key), result, seq);
  }

  /** The ledger of a (topic, key epoch, key), created empty on first use (it is reported once it exists). */
  entryFor(topic: string, keyEpoch: number, key: string): KeyLedger {
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
    return entry;
  }

  /** `record` for a key whose entry the caller holds (the producer keeps one per key it writes). */
  recordIn(entry: KeyLedger, result: SendResult, seq: number): void {
    entry[result].add(seq);
    this.counts[result] += 1;
  }

  get keyCount(): number {
    return this.keys.size;
  }

  toKeyReports(): ProducerKeyReport[] {
    // A key's entry exists from its first record on; it is reported from its first outcome on, as before.
    const booked = [...this.keys.values()].filter(
      (k) => !(k.acked.isEmpty() && k.failed.isEmpty() && k.indeterminate.isEmpty() && k.aborted.isEmpty()),
    );
    return booked.map((k) => ({
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
