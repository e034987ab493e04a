import { compareStrings } from './examples';

/** Seq `firstSeq + i` of a key sits at source offset `firstOffset + i * stride`, for i < count. */
export type OffsetRun = readonly [firstSeq: number, count: number, firstOffset: number, stride: number];

/** What a producer's delivery reports said about one key's acknowledged records: where each sits in the source log. */
export interface SourceOffsetReport {
  producerId: string;
  /** Source topic and partition of the key. */
  topic: string;
  partition: number;
  keyEpoch: number;
  key: string;
  runs: readonly OffsetRun[];
  /**
   * Per run, when its last record was acknowledged (producer clock, ms), given only under acks=all:
   * every record of the run was then below the source high watermark. Absent from older producers.
   */
  runsAckedByMs?: readonly number[];
}

/** A record's place in the source log. */
export interface SourcePosition {
  topic: string;
  partition: number;
  offset: number;
  /**
   * By then (ms) the source had acknowledged the record under acks=all: it was below the high
   * watermark. Audit samples taken before may describe an older log at these offsets (a topic
   * deleted and created again), not this record.
   */
  ackedByMs?: number;
}

/**
 * Builds runs from (seq, offset) pairs in arrival order. Delivery reports of one key come
 * in seq order (one partition, idempotent producer), and a producer that writes its keys in
 * turn puts a key's records a fixed number of offsets apart, so most records extend the
 * last run; anything else starts a new one (never wrong, only larger).
 */
export class OffsetRunBuilder {
  private runs: Array<[number, number, number, number]> = [];
  /** Per run, when its last record was acknowledged (NaN: not given). */
  private ackedByMs: number[] = [];

  get size(): number {
    return this.runs.length;
  }

  add(seq: number, offset: number, ackedAtMs = Number.NaN): void {
    const last = this.runs[this.runs.length - 1];
    if (last !== undefined) {
      const [firstSeq, count, firstOffset, stride] = last;
      const lastOffset = firstOffset + (count - 1) * stride;
      if (seq === firstSeq + count) {
        const i = this.runs.length - 1;
        if (count === 1 && offset > firstOffset) {
          last[1] = 2;
          last[3] = offset - firstOffset;
          this.ackedByMs[i] = Math.max(this.ackedByMs[i], ackedAtMs);
          return;
        }
        if (offset === lastOffset + stride) {
          last[1] += 1;
          this.ackedByMs[i] = Math.max(this.ackedByMs[i], ackedAtMs);
          return;
        }
      }
    }
    this.runs.push([seq, 1, offset, 1]);
    this.ackedByMs.push(ackedAtMs);
  }

  /** The runs built so far, and a fresh start (the producer publishes what is new since its last report). */
  drain(): OffsetRun[] {
    return this.drainTimed().runs;
  }

  /** As `drain`, with each run's last acknowledgement time when every run has one (else none). */
  drainTimed(): { runs: OffsetRun[]; ackedByMs: number[] | undefined } {
    const out = { runs: this.runs, ackedByMs: this.ackedByMs.every((t) => Number.isFinite(t)) ? this.ackedByMs : undefined };
    this.runs = [];
    this.ackedByMs = [];
    return out;
  }

  /** Puts back runs a failed publish took, before any built since. */
  restore(runs: readonly OffsetRun[], ackedByMs?: readonly number[]): void {
    this.runs = [...runs.map((r) => [...r] as [number, number, number, number]), ...this.runs];
    this.ackedByMs = [...runs.map((_, i) => ackedByMs?.[i] ?? Number.NaN), ...this.ackedByMs];
  }
}

interface TimedRun {
  run: OffsetRun;
  ackedByMs: number | undefined;
}

interface KeyRuns {
  topic: string;
  partition: number;
  /** Sorted by firstSeq. */
  runs: TimedRun[];
}

/**
 * Every acknowledged record's source position, by (producer, key epoch, key, seq), from the
 * producers' `producer.offsets` reports (united: each report carries what was new).
 */
export class SourceOffsetIndex {
  private readonly keys = new Map<string, KeyRuns>();

  constructor(reports: readonly SourceOffsetReport[]) {
    for (const r of reports) {
      const id = keyId(r.producerId, r.keyEpoch, r.key);
      let k = this.keys.get(id);
      if (k === undefined) this.keys.set(id, (k = { topic: r.topic, partition: r.partition, runs: [] }));
      k.runs.push(...r.runs.map((run, i) => ({ run, ackedByMs: r.runsAckedByMs?.[i] })));
    }
    for (const k of this.keys.values()) k.runs.sort((a, b) => a.run[0] - b.run[0] || a.run[2] - b.run[2]);
  }

  get isEmpty(): boolean {
    return this.keys.size === 0;
  }

  /** Where the record sits in the source log; undefined when no delivery report named it. */
  positionOf(producerId: string, keyEpoch: number, key: string, seq: number): SourcePosition | undefined {
    const k = this.keys.get(keyId(producerId, keyEpoch, key));
    if (k === undefined) return undefined;
    // The last run starting at or before seq.
    let lo = 0;
    let hi = k.runs.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (k.runs[mid].run[0] <= seq) [found, lo] = [mid, mid + 1];
      else hi = mid - 1;
    }
    if (found < 0) return undefined;
    const { run, ackedByMs } = k.runs[found];
    const [firstSeq, count, firstOffset, stride] = run;
    if (seq >= firstSeq + count) return undefined;
    const position: SourcePosition = { topic: k.topic, partition: k.partition, offset: firstOffset + (seq - firstSeq) * stride };
    if (ackedByMs !== undefined) position.ackedByMs = ackedByMs;
    return position;
  }
}

function keyId(producerId: string, keyEpoch: number, key: string): string {
  return `${producerId}\u0000${keyEpoch}\u0000${key}`;
}

export function compareSourcePositions(a: SourcePosition, b: SourcePosition): number {
  return compareStrings(a.topic, b.topic) || a.partition - b.partition || a.offset - b.offset;
}
