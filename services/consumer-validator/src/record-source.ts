import type { Watermarks } from './drain';
import type { TargetRecord } from './record-intake';

/** Records of one partition as the source hands them over, with the offsets the batch covered. */
export interface SourceBatch {
  topic: string;
  partition: number;
  /** The first offset the batch covers, null when unknown. */
  firstOffset: number | null;
  /** The last offset the batch covers: beyond the last record when the batch ends in markers or aborted records. */
  lastOffset: number;
  /** Each record as the checker takes it (one object per record, made once). */
  records: readonly TargetRecord[];
}

/** What a batch handler may do while it handles a batch. */
export interface BatchControl {
  /** False once the consumer is stopping or the batch's partition was taken away: stop handling. */
  isCurrent(): boolean;
  /** The record at this offset is handled (the source will not hand it over again unless sent back). */
  resolveOffset(offset: number): void;
  /** Reads this partition from `offset` next; the rest of the batch is skipped. */
  seek(offset: number): void;
  heartbeat(): Promise<void>;
}

export interface RecordSourceHandlers {
  /** The group is rebalancing: partitions may change owner. */
  onRebalancing(): void;
  /** This member's partitions after a rebalance, by topic. */
  onAssignment(assignment: Record<string, number[]>): void;
  /** A batch of only transaction markers or aborted records: the consumer went past `lastOffset`. */
  onEmptyBatch(topic: string, partition: number, lastOffset: number): void;
  onBatch(batch: SourceBatch, control: BatchControl): Promise<void>;
}

/**
 * The target topics as a validation run reads them: a member of the scenario's consumer
 * group, plus the metadata it needs. kafka-record-source.ts adapts kafkajs to it; unit
 * tests use a fake (src/testing/fake-record-source.ts).
 */
export interface RecordSource {
  connect(): Promise<void>;
  listTopics(): Promise<string[]>;
  /** Do all these topics stamp LogAppendTime (the target's append time) on their records? */
  usesLogAppendTime(topics: readonly string[]): Promise<boolean>;
  /** Low and high watermarks of every partition of a topic, by `partitionId`. */
  watermarks(topic: string): Promise<Map<string, Watermarks>>;
  /** Joins the group on `topics` (from the beginning when nothing is committed) and hands batches over until `stopConsuming`. */
  consume(topics: readonly string[], handlers: RecordSourceHandlers): Promise<void>;
  commit(offsets: ReadonlyArray<{ topic: string; partition: number; offset: number }>): Promise<void>;
  /**
   * True while the group rebalances and the run has not yet been told its new assignment
   * (`onAssignment`): the run publishes no report then. Always false when the handlers are
   * called on the client's own thread, as soon as it knows (kafka-record-source.ts).
   */
  isRebalancing(): boolean;
  /** No more batches; metadata calls still work until `close`. */
  stopConsuming(): Promise<void>;
  close(): Promise<void>;
}
