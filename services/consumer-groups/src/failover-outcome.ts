import type { ControlEventOf } from '@mirrorlab/control';
import { checkTranslations, type GroupCommit, type TargetPartitionRecords, type TranslationObservation } from '@mirrorlab/validation';

type FailoverPartition = ControlEventOf<'consumer.failover'>['partitions'][number];

/** Where a failed-over consumer starts on one target partition, and from which translation. */
export interface FailoverStart {
  topic: string;
  partition: number;
  /** null: no translation; the consumer starts at the earliest offset. */
  offset: number | null;
  via: 'checkpoint' | 'group-offset' | 'none';
  upstreamOffset?: number;
}

export interface FailoverOutcomeInput {
  groupId: string;
  /** Source topic -> target topic. */
  targetTopics: Record<string, string>;
  /** The group's commits, final one included. */
  commits: GroupCommit[];
  starts: FailoverStart[];
  /** The target partitions' records, read to their end at the failover. */
  records: TargetPartitionRecords[];
  /** Every translation of the group seen until the failover. */
  history: TranslationObservation[];
  atMs: number;
  offsetLagMax: number;
}

/**
 * What a consumer that fails over at `atMs`, starting at `starts`, skips and re-reads, judged by
 * the group's final processed set (its last commit) through the translation checker: the same
 * definitions, applied to the one translation the consumer actually used. Pure.
 */
export function failoverOutcome(input: FailoverOutcomeInput): {
  partitions: FailoverPartition[];
  skipped: number;
  reread: number;
  translations: ControlEventOf<'consumer.failover'>['translations'];
} {
  const at = (s: FailoverStart): TranslationObservation => ({
    group: input.groupId,
    topic: s.topic,
    partition: s.partition,
    atMs: input.atMs,
    offset: s.offset ?? 0,
    via: 'group-offset',
  });
  // Judged against the last commit at the failover (no upstream offset: the group's final position).
  const now = checkTranslations({
    targetTopics: input.targetTopics,
    commits: input.commits,
    translations: input.starts.map(at),
    targetRecords: input.records,
    offsetLagMax: input.offsetLagMax,
    maxExamples: 1,
  });
  const sourceOf = new Map(Object.entries(input.targetTopics).map(([s, t]) => [t, s]));
  const partitions = input.starts.map((s): FailoverPartition => {
    const p = now.partitions.find((x) => x.topic === s.topic && x.partition === s.partition);
    const records = input.records.find((r) => r.topic === s.topic && r.partition === s.partition)?.records ?? [];
    const end = records.length === 0 ? (s.offset ?? 0) : Math.max(s.offset ?? 0, records[records.length - 1].offset + 1);
    const finalCommit = [...input.commits]
      .filter((c) => c.topic === sourceOf.get(s.topic) && c.partition === s.partition)
      .sort((a, b) => a.atMs - b.atMs)
      .pop();
    const first = p?.unsafe.examples[0]?.first;
    return {
      topic: s.topic,
      partition: s.partition,
      startOffset: s.offset,
      via: s.via,
      ...(s.upstreamOffset === undefined ? {} : { upstreamOffset: s.upstreamOffset }),
      ...(finalCommit === undefined ? {} : { committedOffset: finalCommit.offset }),
      endOffset: end,
      skipped: p?.unsafe.skippedRecords ?? 0,
      reread: p?.reread.max ?? 0,
      ...(first === undefined ? {} : { firstSkipped: first }),
    };
  });
  const history = checkTranslations({
    targetTopics: input.targetTopics,
    commits: input.commits,
    translations: input.history,
    targetRecords: input.records,
    offsetLagMax: input.offsetLagMax,
  });
  return {
    partitions,
    skipped: partitions.reduce((n, p) => n + p.skipped, 0),
    reread: partitions.reduce((n, p) => n + p.reread, 0),
    translations: history.totals,
  };
}
