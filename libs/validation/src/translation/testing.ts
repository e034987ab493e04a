import type { GroupCommit, ProcessedKeyRanges, TargetRecord } from './translation-types';

/** Test helpers: a source partition's records, its mirror, and a group's commits of it. */
export interface SourceRecord {
  key: string;
  seq: number;
}

/** `count` records over `keys` keys, round-robin, each key's sequences from 0. */
export function sourceRecords(count: number, keys = 2): SourceRecord[] {
  const next = new Map<string, number>();
  return Array.from({ length: count }, (_, i) => {
    const key = `k${i % keys}`;
    const seq = next.get(key) ?? 0;
    next.set(key, seq + 1);
    return { key, seq };
  });
}

/** The target copy of `records` (source offset order), starting at `firstOffset`. */
export function mirror(records: SourceRecord[], producerId = 'p', firstOffset = 0): TargetRecord[] {
  return records.map((r, i) => ({ offset: firstOffset + i, producerId, keyEpoch: 0, key: r.key, seq: r.seq }));
}

/** What a group processed between source offsets `from` and `to` (exclusive), as per-key ranges. */
export function processedBetween(records: SourceRecord[], from: number, to: number, producerId = 'p'): ProcessedKeyRanges[] {
  const byKey = new Map<string, number[]>();
  for (const r of records.slice(from, to)) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r.seq]);
  return [...byKey].map(([key, seqs]) => ({ producerId, keyEpoch: 0, key, ranges: seqs.map((s) => [s, s] as [number, number]) }));
}

/** A group's commits at source offsets `positions`, each at its time, with the deltas processed. */
export function commitsAt(
  records: SourceRecord[],
  points: Array<[atMs: number, offset: number]>,
  group = 'g',
  topic = 't',
  partition = 0,
): GroupCommit[] {
  let prev = 0;
  return points.map(([atMs, offset]) => {
    const c: GroupCommit = { group, topic, partition, atMs, offset, processed: processedBetween(records, prev, offset) };
    prev = offset;
    return c;
  });
}
