import type { SourcePosition } from './source-offsets';

/** One look at one source partition (admin ListOffsets): its log start offset and high watermark at `atMs`. */
export interface SourcePartitionSample {
  topic: string;
  partition: number;
  atMs: number;
  logStartOffset: number;
  highWatermark: number;
}

interface Sample {
  atMs: number;
  logStartOffset: number;
  highWatermark: number;
}

/**
 * The source audit of a run: per source partition, its log start offset and high watermark
 * over time. Answers, for one source offset, whether it left the log by retention (the log
 * start passed it) and when at the earliest, and whether the log was cut below it (the high
 * watermark fell to or below it after having passed it: truncation).
 */
export class SourceAuditTimeline {
  private readonly partitions = new Map<string, Sample[]>();

  constructor(samples: readonly SourcePartitionSample[]) {
    for (const s of samples) {
      const id = partitionId(s.topic, s.partition);
      let list = this.partitions.get(id);
      if (list === undefined) this.partitions.set(id, (list = []));
      list.push({ atMs: s.atMs, logStartOffset: s.logStartOffset, highWatermark: s.highWatermark });
    }
    for (const list of this.partitions.values()) list.sort((a, b) => a.atMs - b.atMs);
  }

  get isEmpty(): boolean {
    return this.partitions.size === 0;
  }

  sampled(topic: string, partition: number): boolean {
    return this.partitions.has(partitionId(topic, partition));
  }

  /**
   * When the record at `p` may have been purged at the earliest: the time of the last sample
   * that still held it before the first whose log start had passed it (when the first sample
   * had already passed it: its acknowledgement, or -Infinity when unknown); undefined when no sample
   * shows it purged. Only samples taken once it was sent count (`samplesOf`).
   */
  purgedNotBeforeMs(p: SourcePosition): number | undefined {
    const list = this.samplesOf(p);
    const i = list.findIndex((s) => s.logStartOffset > p.offset);
    if (i < 0) return undefined;
    return i === 0 ? (p.ackedByMs ?? Number.NEGATIVE_INFINITY) : list[i - 1].atMs;
  }

  /**
   * True when the high watermark, after passing `p`'s offset, fell back to it or below: the log was
   * cut under the record. An acknowledgement under acks=all (`ackedByMs`) is itself a sight of it
   * passed: a record acknowledged just before its topic was deleted is seen cut by the next sample.
   */
  truncatedBelow(p: SourcePosition): boolean {
    const list = this.samplesOf(p);
    let passed = p.ackedByMs !== undefined;
    for (const s of list) {
      if (s.highWatermark > p.offset) passed = true;
      else if (passed) return true;
    }
    return false;
  }

  /**
   * The samples that can speak of the record at `p`: those taken once it was acknowledged. Earlier
   * ones may describe an older log at the same offsets: before a topic was deleted and created
   * again (its offsets start at 0 again) or a log truncated and written again, its high watermark
   * passed and fell back under offsets the record took later.
   */
  private samplesOf(p: SourcePosition): Sample[] {
    const list = this.partitions.get(partitionId(p.topic, p.partition)) ?? [];
    const from = p.ackedByMs;
    return from === undefined ? list : list.filter((s) => s.atMs >= from);
  }
}

function partitionId(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
