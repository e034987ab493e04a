import type { SourceOffsetKey } from '@mirrorlab/control';
import { OffsetRunBuilder, type OffsetRun } from '@mirrorlab/validation';

/** One (topic, partition, key epoch, key)'s runs: looked up once per key with `entryFor`, then added to with `recordIn`. */
export interface KeyOffsets {
  topic: string;
  partition: number;
  keyEpoch: number;
  key: string;
  runs: OffsetRunBuilder;
}

/**
 * Where the source cluster put each acknowledged record (its delivery report's offset), per
 * key, as runs; published incrementally (`producer.offsets`: what is new since the last one),
 * so a long run never makes one control event large. The report's source audit reads them.
 */
export class SourceOffsetLedger {
  private readonly keys = new Map<string, KeyOffsets>();

  /** `ackedAtMs`: when the source acknowledged it, given only under acks=all (the record was then below the high watermark). */
  record(topic: string, partition: number, keyEpoch: number, key: string, seq: number, offset: number, ackedAtMs?: number): void {
    this.recordIn(this.entryFor(topic, partition, keyEpoch, key), seq, offset, ackedAtMs);
  }

  /** The runs of a (topic, partition, key epoch, key), created empty on first use (an empty one is not published). */
  entryFor(topic: string, partition: number, keyEpoch: number, key: string): KeyOffsets {
    const id = `${topic}\u0000${partition}\u0000${keyEpoch}\u0000${key}`;
    let k = this.keys.get(id);
    if (k === undefined) this.keys.set(id, (k = { topic, partition, keyEpoch, key, runs: new OffsetRunBuilder() }));
    return k;
  }

  /** `record` for a key whose entry the caller holds. */
  recordIn(entry: KeyOffsets, seq: number, offset: number, ackedAtMs?: number): void {
    entry.runs.add(seq, offset, ackedAtMs);
  }

  /** What is new since the last drain; hand it back with `restore` if publishing it failed. */
  drain(): SourceOffsetKey[] {
    const out: SourceOffsetKey[] = [];
    for (const k of this.keys.values()) {
      if (k.runs.size === 0) continue;
      const { runs, ackedByMs } = k.runs.drainTimed();
      const entry: SourceOffsetKey = {
        topic: k.topic,
        partition: k.partition,
        keyEpoch: k.keyEpoch,
        key: k.key,
        runs: runs.map((r) => [...r] as [number, number, number, number]),
      };
      if (ackedByMs !== undefined) entry.runsAckedByMs = ackedByMs;
      out.push(entry);
    }
    return out;
  }

  restore(keys: readonly SourceOffsetKey[]): void {
    for (const k of keys) {
      const id = `${k.topic}\u0000${k.partition}\u0000${k.keyEpoch}\u0000${k.key}`;
      let entry = this.keys.get(id);
      if (entry === undefined)
        this.keys.set(
          id,
          (entry = { topic: k.topic, partition: k.partition, keyEpoch: k.keyEpoch, key: k.key, runs: new OffsetRunBuilder() }),
        );
      entry.runs.restore(k.runs as OffsetRun[], k.runsAckedByMs);
    }
  }
}
