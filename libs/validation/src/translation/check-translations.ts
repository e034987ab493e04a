import { CheckerError } from '../errors';
import { DEFAULT_MAX_EXAMPLES, compareStrings } from '../examples';
import { ProcessedHistory } from './processed-history';
import { TargetPartitionIndex } from './target-partition-index';
import type {
  PartitionTranslationCheck,
  TranslationCheck,
  TranslationCheckInput,
  TranslationObservation,
  UnsafeTranslationExample,
} from './translation-types';

/**
 * The consumer-offset translation checker: for every translated offset of a source consumer
 * group observed on the target (a checkpoint, or the target group's committed offset), what a
 * consumer failing over at that moment would do, decided through the records at those offsets:
 *
 * - `unsafe-translation`: it would skip records the group never processed (they lie before the
 *   translated offset and nowhere after it): loss at failover;
 * - `failover-reread`: it would re-read records the group had already processed, against
 *   `offset.lag.max`, the precision MirrorMaker 2 promises;
 * - `checkpoint-regression`: a translation lower than the previous one;
 * - age: how long the translation had trailed the group.
 *
 * The group's processed set a translation is judged against is the commit it translates (a
 * checkpoint's upstream offset), else the group's last commit at or before the observation.
 */
export function checkTranslations(input: TranslationCheckInput): TranslationCheck {
  const maxExamples = input.maxExamples ?? DEFAULT_MAX_EXAMPLES;
  if (!Number.isSafeInteger(input.offsetLagMax) || input.offsetLagMax < 0)
    throw new CheckerError('invalid_argument', 'expected a non-negative integer', 'offsetLagMax');
  if (!Number.isSafeInteger(maxExamples) || maxExamples < 0)
    throw new CheckerError('invalid_argument', 'expected a non-negative integer', 'maxExamples');

  const sourceOf = new Map(Object.entries(input.targetTopics).map(([s, t]) => [t, s]));
  const commitsByPartition = new Map<string, Array<{ c: TranslationCheckInput['commits'][number]; i: number }>>();
  input.commits.forEach((c, i) => {
    const k = streamKey(c.group, c.topic, c.partition);
    commitsByPartition.set(k, [...(commitsByPartition.get(k) ?? []), { c, i }]);
  });
  const indexes = new Map<string, TargetPartitionIndex>();
  input.targetRecords.forEach((p, i) =>
    indexes.set(partKey(p.topic, p.partition), new TargetPartitionIndex(p.records, `targetRecords[${i}].records`)),
  );

  const streams = new Map<string, TranslationObservation[]>();
  withInferredUpstream(input.translations).forEach((t, i) => {
    if (!Number.isSafeInteger(t.offset) || t.offset < 0)
      throw new CheckerError('invalid_argument', 'expected a non-negative integer offset', `translations[${i}].offset`);
    if (t.upstreamOffset !== undefined && (!Number.isSafeInteger(t.upstreamOffset) || t.upstreamOffset < 0)) {
      throw new CheckerError('invalid_argument', 'expected a non-negative integer offset', `translations[${i}].upstreamOffset`);
    }
    const source = sourceOf.get(t.topic);
    // Only the scenario's groups and topics: the target also checkpoints groups of other users.
    if (source === undefined || !commitsByPartition.has(streamKey(t.group, source, t.partition))) return;
    const k = `${t.group}\u0000${t.via}\u0000${partKey(t.topic, t.partition)}`;
    streams.set(k, [...(streams.get(k) ?? []), t]);
  });

  const histories = new Map<string, ProcessedHistory>();
  const partitions: PartitionTranslationCheck[] = [];
  for (const obs of streams.values()) {
    const { group, topic, partition } = obs[0];
    const sourceTopic = sourceOf.get(topic) as string;
    const hk = streamKey(group, sourceTopic, partition);
    let history = histories.get(hk);
    if (history === undefined) {
      history = new ProcessedHistory(
        (commitsByPartition.get(hk) ?? []).map((x) => x.c),
        `commits(${group} ${sourceTopic}/${partition})`,
      );
      histories.set(hk, history);
    }
    const index = indexes.get(partKey(topic, partition)) ?? new TargetPartitionIndex([], 'targetRecords');
    partitions.push(checkStream(obs, sourceTopic, history, index, input.offsetLagMax, maxExamples));
  }
  partitions.sort(
    (a, b) =>
      compareStrings(a.group, b.group) || compareStrings(a.via, b.via) || compareStrings(a.topic, b.topic) || a.partition - b.partition,
  );

  return {
    offsetLagMax: input.offsetLagMax,
    partitions,
    totals: {
      observations: sum(partitions, (p) => p.observations),
      unsafeTranslations: sum(partitions, (p) => p.unsafe.translations),
      skippedRecords: sum(partitions, (p) => p.unsafe.skippedRecords),
      rereadOverBound: sum(partitions, (p) => p.reread.overBound),
      maxReread: Math.max(0, ...partitions.map((p) => p.reread.max)),
      regressions: sum(partitions, (p) => p.regressions.count),
      maxAgeMs: Math.max(0, ...partitions.map((p) => p.age.maxMs)),
    },
  };
}

function checkStream(
  observations: TranslationObservation[],
  sourceTopic: string,
  history: ProcessedHistory,
  index: TargetPartitionIndex,
  offsetLagMax: number,
  maxExamples: number,
): PartitionTranslationCheck {
  const obs = observations
    .map((o, i) => ({ o, i }))
    .sort((a, b) => a.o.atMs - b.o.atMs || a.i - b.i)
    .map((x) => x.o);
  const n = index.records.length;
  const commitCount = history.commits.length;
  // The commit at which each target record had first been processed (Infinity: never).
  const processedAt = index.records.map((r) => history.firstProcessedAt(r, r.seq));
  // Per commit: the highest target offset processed by then (any occurrence / first occurrences only).
  const maxProcessed = new Array<number>(commitCount).fill(-1);
  const maxFirstProcessed = new Array<number>(commitCount).fill(-1);
  processedAt.forEach((k, i) => {
    if (k === Infinity) return;
    maxProcessed[k] = Math.max(maxProcessed[k], index.records[i].offset);
    if (index.isFirstOccurrence[i]) maxFirstProcessed[k] = Math.max(maxFirstProcessed[k], index.records[i].offset);
  });
  for (let k = 1; k < commitCount; k++) {
    maxProcessed[k] = Math.max(maxProcessed[k], maxProcessed[k - 1]);
    maxFirstProcessed[k] = Math.max(maxFirstProcessed[k], maxFirstProcessed[k - 1]);
  }
  const firstUnprocessed = new Map<number, number>();
  const firstUnprocessedIndex = (k: number): number => {
    let f = firstUnprocessed.get(k);
    if (f === undefined) {
      f = 0;
      while (f < n && processedAt[f] <= k) f++;
      firstUnprocessed.set(k, f);
    }
    return f;
  };

  const out: PartitionTranslationCheck = {
    group: obs[0].group,
    via: obs[0].via,
    sourceTopic,
    topic: obs[0].topic,
    partition: obs[0].partition,
    observations: obs.length,
    evaluated: 0,
    latest: null,
    unsafe: { translations: 0, skippedRecords: 0, examples: [] },
    reread: { max: 0, overBound: 0, examples: [] },
    regressions: { count: 0, examples: [] },
    age: { maxMs: 0, series: [] },
  };
  const skippedIds = new Set<string>();
  const evaluated = new Set<string>();
  let previous: number | undefined;
  for (const t of obs) {
    const up = t.upstreamOffset === undefined ? {} : { upstreamOffset: t.upstreamOffset };
    out.latest = { atMs: t.atMs, offset: t.offset, ...up };
    if (previous !== undefined && t.offset < previous) {
      out.regressions.count++;
      if (out.regressions.examples.length < maxExamples) out.regressions.examples.push({ atMs: t.atMs, from: previous, to: t.offset });
    }
    previous = t.offset;

    // Age: since the first commit (by then) at which the group had processed a record at or past the translation.
    const passed = firstAtLeast(maxFirstProcessed, t.offset);
    const ageMs = passed >= 0 && history.commits[passed].atMs <= t.atMs ? t.atMs - history.commits[passed].atMs : 0;
    out.age.series.push([t.atMs, ageMs]);
    out.age.maxMs = Math.max(out.age.maxMs, ageMs);

    const k = t.upstreamOffset === undefined ? history.latestAt(t.atMs) : history.committedAtOrBefore(t.upstreamOffset);
    const key = `${t.offset}/${k}`;
    if (evaluated.has(key)) continue;
    evaluated.add(key);
    out.evaluated++;

    // Skipped: not processed at k, before the translation, and not written again at or after it.
    const skipped = new Set<string>();
    let example: UnsafeTranslationExample | undefined;
    for (let i = firstUnprocessedIndex(k); i < n && index.records[i].offset < t.offset; i++) {
      if (processedAt[i] <= k || index.lastOffsetOfId[i] >= t.offset || skipped.has(index.ids[i])) continue;
      skipped.add(index.ids[i]);
      skippedIds.add(index.ids[i]);
      if (example === undefined) {
        const r = index.records[i];
        example = {
          atMs: t.atMs,
          translatedOffset: t.offset,
          ...up,
          firstUnprocessedOffset: index.records[firstUnprocessedIndex(k)].offset,
          skipped: 0,
          first: { offset: r.offset, producerId: r.producerId, keyEpoch: r.keyEpoch, key: r.key, seq: r.seq },
        };
      }
    }
    if (example !== undefined) {
      out.unsafe.translations++;
      if (out.unsafe.examples.length < maxExamples) out.unsafe.examples.push({ ...example, skipped: skipped.size });
    }

    // Re-read: processed at k and (also) at or after the translation.
    const reread = new Set<string>();
    const until = k >= 0 ? maxProcessed[k] : -1;
    for (let i = index.indexAt(t.offset); i < n && index.records[i].offset <= until; i++) if (processedAt[i] <= k) reread.add(index.ids[i]);
    out.reread.max = Math.max(out.reread.max, reread.size);
    if (reread.size > offsetLagMax) {
      out.reread.overBound++;
      if (out.reread.examples.length < maxExamples)
        out.reread.examples.push({ atMs: t.atMs, translatedOffset: t.offset, ...up, reread: reread.size });
    }
  }
  out.unsafe.skippedRecords = skippedIds.size;
  return out;
}

/**
 * MirrorMaker 2 writes a target group's offset from one of its checkpoints: a group offset with no
 * upstream offset takes the upstream offset of the latest checkpoint (at or before it) of the same
 * group and partition with the same translated offset, so it is judged against the commit it
 * translates (its re-reads against offset.lag.max), not against later commits (that is its age).
 */
function withInferredUpstream(translations: ReadonlyArray<TranslationObservation>): TranslationObservation[] {
  const checkpoints = new Map<string, Array<{ atMs: number; upstreamOffset: number }>>();
  const key = (t: TranslationObservation) => `${t.group}\u0000${t.topic}\u0000${t.partition}\u0000${t.offset}`;
  for (const t of translations) {
    if (t.via !== 'checkpoint' || t.upstreamOffset === undefined) continue;
    checkpoints.set(key(t), [...(checkpoints.get(key(t)) ?? []), { atMs: t.atMs, upstreamOffset: t.upstreamOffset }]);
  }
  return translations.map((t) => {
    if (t.via !== 'group-offset' || t.upstreamOffset !== undefined) return t;
    let best: { atMs: number; upstreamOffset: number } | undefined;
    for (const c of checkpoints.get(key(t)) ?? []) if (c.atMs <= t.atMs && (best === undefined || c.atMs >= best.atMs)) best = c;
    return best === undefined ? t : { ...t, upstreamOffset: best.upstreamOffset };
  });
}

/** Index of the first value >= `x` in a non-decreasing array; -1: none. */
function firstAtLeast(values: number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo < values.length ? lo : -1;
}

function streamKey(group: string, topic: string, partition: number): string {
  return `${group}\u0000${partKey(topic, partition)}`;
}

function partKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

function sum<T>(xs: T[], f: (x: T) => number): number {
  return xs.reduce((a, x) => a + f(x), 0);
}
