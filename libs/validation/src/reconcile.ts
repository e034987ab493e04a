import type { Accounting, AnomalyClass, LostSourceExample, LostSplit } from './accounting';
import { causeOfLoss, causeOfLossWithReads, type LostCause, type SourceReadEvidence } from './lost-cause';
import { SourceReads } from './source-reads';
import { SourceAuditTimeline, type SourcePartitionSample } from './source-audit';
import { SourceOffsetIndex, type SourceOffsetReport } from './source-offsets';
import { compareOffsets, compareSeqIdentity, compareStrings, ExampleSet, type WitnessedExample } from './examples';
import { IntervalSet } from './interval-set';
import { FINGERPRINT_BLOCK } from './offset-fingerprints';
import type { PartitionState } from './partition-state';
import { indexReports, type KeyOutcomes, type ProducerReport } from './producer-report';
import type { SequenceTracker } from './sequence-tracker';
import type { CorruptExample, SeqExample } from './types';
import type { ValidatorState } from './validator-state';

export interface ReconcileOptions {
  /** Examples per anomaly class; defaults to the state's `maxExamples`. */
  maxExamples?: number;
  /**
   * `final` (default): producers' final reports are in; a sequence no producer reports
   * is `unexpected`. `progress`: mid-run, a record may be read before its producer's
   * next progress report covers it, so such sequences are `pending`, never unexpected.
   */
  phase?: 'final' | 'progress';
  /**
   * The source audit: acknowledged records' source offsets and the source partitions' log
   * start offsets and high watermarks over time. Splits missing records by cause
   * (`lostSplit`); without it they all count as `lostInReplication`, unaudited.
   */
  source?: {
    offsets: readonly SourceOffsetReport[];
    samples: readonly SourcePartitionSample[];
    /** The source audit consumer's combined state (scenario `audit.sourceConsumer`): what it read on the source. */
    consumer?: ValidatorState;
  };
}

interface SourceContext {
  offsets: SourceOffsetIndex;
  audit: SourceAuditTimeline;
  reads: SourceReads | undefined;
}

interface KeyIdentity {
  producerId: string;
  keyEpoch: number;
  key: string;
}

/** Everything reconcile knows about one key: where it was read, and what its producer reported. */
interface KeyRecord {
  id: KeyIdentity;
  /** One entry per partition the key was read in (almost always one), in partition order. */
  seen: Array<{ p: PartitionState; t: SequenceTracker }>;
  report: KeyOutcomes | undefined;
}

const EMPTY = new IntervalSet();

/**
 * Reconciles what validators read with what producers report, per key, in
 * O(keys x ranges): a lost range of 10,000 sequences costs one range, not 10,000
 * steps. Examples are the smallest by (producer, epoch, key, seq), so they do not
 * depend on how the state was split and merged.
 */
export function reconcile(state: ValidatorState, reports: readonly ProducerReport[], options: ReconcileOptions = {}): Accounting {
  const cap = options.maxExamples ?? state.maxExamples;
  const index = indexReports(reports);
  const acc = emptyAccounting();
  const keys = new Map<string, KeyRecord>();
  const recordFor = (id: KeyIdentity): KeyRecord => {
    const k = `${id.producerId}\u0000${id.keyEpoch}\u0000${id.key}`;
    let r = keys.get(k);
    if (r === undefined) keys.set(k, (r = { id, seen: [], report: undefined }));
    return r;
  };
  for (const p of state.partitionStates()) {
    for (const t of p.trackers()) recordFor({ producerId: t.producerId, keyEpoch: t.keyEpoch, key: t.key }).seen.push({ p, t });
  }
  for (const [producerId, epochs] of index) {
    for (const [keyEpoch, byKey] of epochs) {
      for (const [key, outcomes] of byKey) recordFor({ producerId, keyEpoch, key }).report = outcomes;
    }
  }

  tallyPartitions(state.partitionStates(), acc, cap);
  const source: SourceContext = {
    offsets: new SourceOffsetIndex(options.source?.offsets ?? []),
    audit: new SourceAuditTimeline(options.source?.samples ?? []),
    reads: options.source?.consumer === undefined ? undefined : new SourceReads(options.source.consumer),
  };
  acc.lostSplit.audited = (!source.offsets.isEmpty && !source.audit.isEmpty) || source.reads !== undefined;
  if (source.reads !== undefined) acc.lostSplit.sourceReads = { 'read-on-source': 0, 'not-on-source': 0, 'not-reached': 0 };
  const unreported = new Set<string>();
  for (const r of [...keys.values()].sort((a, b) => compareIds(a.id, b.id))) {
    if (r.seen.length > 0 && !index.has(r.id.producerId)) unreported.add(r.id.producerId);
    reconcileKey(r, acc, cap, source, options.phase ?? 'final');
  }
  if (options.phase === 'progress') {
    acc.pending = acc.unexpected;
    acc.unexpected = { count: 0, examples: [] };
  }
  acc.unreportedProducers = [...unreported].sort(compareStrings);
  return acc;
}

/** Record-level numbers, which live per partition: reads, re-reads, corrupt records, order counters. */
function tallyPartitions(partitions: PartitionState[], acc: Accounting, cap: number): void {
  const gapExamples = new ExampleSet(cap);
  const lateExamples = new ExampleSet(cap);
  const corruptCandidates: CorruptExample[] = [];
  const byReason = new Map<string, number>();
  const damagedCandidates: CorruptExample[] = [];
  for (const p of partitions) {
    const corrupt = p.corruptOffsets();
    const valid = p.validCount();
    let seqs = 0;
    for (const t of p.trackers()) {
      seqs += t.seqs.size;
      acc.order.inOrder += t.inOrder;
      acc.order.gaps.count += t.gaps;
      acc.order.gaps.skippedSeqs += t.skippedSeqs;
      acc.order.late.count += t.late;
    }
    acc.totals.seenRecords += valid;
    acc.totals.deliveries += p.deliveries;
    // Each valid offset carries one sequence: offsets beyond distinct sequences are extra copies.
    // (Fewer offsets than sequences only after merging states that re-read offsets holding other records.)
    acc.duplicate.count += Math.max(0, valid - seqs);
    const blocks = p.fingerprints.inconsistent;
    acc.inconsistentOffset.count += blocks.rangeCount === 0 ? 0 : blocks.size;
    acc.inconsistentOffset.offsets += p.inconsistentOffsets().size;
    acc.inconsistentOffset.unverifiable += p.fingerprints.unverifiable.size;
    for (const block of blocks.take(cap - acc.inconsistentOffset.examples.length)) {
      const range = p.offsets.clip(block * FINGERPRINT_BLOCK, block * FINGERPRINT_BLOCK + FINGERPRINT_BLOCK - 1);
      acc.inconsistentOffset.examples.push({
        topic: p.topic,
        partition: p.partition,
        fromOffset: range.min() ?? block * FINGERPRINT_BLOCK,
        toOffset: range.max() ?? block * FINGERPRINT_BLOCK,
      });
    }
    acc.duplicate.examplesMayIncludeRereads ||= p.overlappingReads;
    acc.redelivery.count += p.deliveries - p.offsets.size;
    for (const offset of p.redelivered.take(cap - acc.redelivery.examples.length)) {
      acc.redelivery.examples.push({ topic: p.topic, partition: p.partition, offset });
    }
    acc.corrupt.count += corrupt.size;
    const damaged = new IntervalSet();
    for (const e of p.examples.damaged.toArray()) {
      damaged.add(e.offset);
      damagedCandidates.push(damagedExample(e, p.corrupt));
    }
    for (const [reason, set] of p.corrupt) {
      byReason.set(reason, (byReason.get(reason) ?? 0) + set.size);
      // Offsets whose identity is known are given as identity examples below.
      for (const offset of set.subtract(damaged).take(cap))
        corruptCandidates.push({ topic: p.topic, partition: p.partition, offset, reason });
    }
    acc.foreign.count += p.foreign.size;
    for (const offset of p.foreign.take(cap - acc.foreign.examples.length))
      acc.foreign.examples.push({ topic: p.topic, partition: p.partition, offset });
    gapExamples.mergeFrom(p.examples.gap);
    lateExamples.mergeFrom(p.examples.late);
  }
  // fromEntries, not assignment: a reason named "__proto__" stays a plain key.
  acc.corrupt.byReason = Object.fromEntries([...byReason].sort(([a], [b]) => compareStrings(a, b)));
  // Records whose identity is known come first (their examples name producer, key and seq, by
  // identity order, exact under merge); then unattributable offsets, each reason's `cap` smallest
  // per partition, of which the global `cap` smallest are kept.
  const byIdentity = damagedCandidates
    .sort((a, b) => compareSeqIdentity(a as SeqExample, b as SeqExample) || compareOffsets(a, b))
    .slice(0, cap);
  const byOffset = corruptCandidates.sort((a, b) => compareOffsets(a, b) || compareStrings(a.reason, b.reason)).slice(0, cap);
  acc.corrupt.examples = [...byIdentity, ...byOffset].slice(0, cap);
  acc.order.gaps.examples = gapExamples.toArray();
  acc.order.late.examples = lateExamples.toArray();
}

function reconcileKey(r: KeyRecord, acc: Accounting, cap: number, source: SourceContext, phase: 'final' | 'progress'): void {
  const { acked, failed, indeterminate, aborted } = r.report ?? { acked: EMPTY, failed: EMPTY, indeterminate: EMPTY, aborted: EMPTY };
  acc.totals.acked += acked.size;
  acc.totals.aborted += aborted.size;
  acc.totals.failed += failed.size;
  acc.totals.indeterminate += indeterminate.size;
  if (r.report !== undefined) acc.totals.keysReported++;

  // Sequences of this key, across partitions; one read in two partitions is two records.
  let seen = new IntervalSet();
  let duplicated = new IntervalSet();
  let damaged = new IntervalSet();
  let copies = 0;
  for (const { t } of r.seen) {
    duplicated = duplicated.union(seen.intersect(t.seqs));
    if (t.duplicateSeqs !== undefined) duplicated = duplicated.union(t.duplicateSeqs);
    if (t.damagedSeqs !== undefined) damaged = damaged.union(t.damagedSeqs);
    seen = seen.union(t.seqs);
    copies += t.seqs.size;
  }
  // A sequence that arrived only damaged was delivered (counted corrupt), so it is not lost.
  acc.corrupt.seqs += damaged.subtract(seen).size;
  const arrived = damaged.isEmpty() ? seen : seen.union(damaged);
  acc.duplicate.count += copies - seen.size;
  if (r.seen.some(({ t }) => !t.seqs.isEmpty())) acc.totals.keysSeen++;
  acc.totals.seenDistinct += seen.size;

  const where = (seq: number): Partial<SeqExample> => {
    const hit = r.seen.find(({ t }) => t.seqs.has(seq)) ?? r.seen[0];
    return hit === undefined ? {} : { topic: hit.p.topic, partition: hit.p.partition };
  };
  const add = (cls: AnomalyClass<SeqExample>, set: IntervalSet, detail = where): void => {
    cls.count += set.size;
    for (const seq of set.take(cap - cls.examples.length)) cls.examples.push({ ...r.id, seq, ...detail(seq) });
  };

  const missing = acked.subtract(arrived);
  const highest = arrived.max();
  const lost = highest === undefined ? EMPTY : missing.clip(Number.MIN_SAFE_INTEGER, highest - 1);
  add(acc.lost, lost, (seq) => {
    const next = r.seen.map(({ t }) => t.nextReadAfter(seq)).filter((us): us is number => us !== undefined);
    return next.length > 0 ? { ...where(seq), nextReadUs: Math.min(...next) } : where(seq);
  });
  add(acc.unseen, missing.subtract(lost));
  splitMissing(r, phase === 'final' ? missing : lost, acc.lostSplit, cap, source);
  // An aborted sequence that arrived is an aborted read, never also unexpected: its producer did report it.
  add(acc.unexpected, seen.subtract(acked).subtract(failed).subtract(indeterminate).subtract(aborted));
  add(acc.abortedRead, aborted.intersect(arrived));
  add(acc.indeterminateSeen, indeterminate.intersect(seen));
  add(acc.indeterminateMissing, indeterminate.subtract(seen));
  add(acc.failedButSeen, failed.intersect(seen));

  acc.duplicate.seqs += duplicated.size;
  for (const seq of duplicated.take(cap - acc.duplicate.examples.length)) {
    const hit = r.seen.find(({ t }) => t.duplicateSeqs?.has(seq)) ?? r.seen.find(({ t }) => t.seqs.has(seq));
    const witness = hit?.p.examples.duplicate.find({ ...r.id, seq });
    acc.duplicate.examples.push(witness ?? { ...r.id, seq, ...where(seq) });
  }

  const backwards = r.seen.find(({ t }) => t.backwards > 0);
  if (backwards !== undefined) {
    acc.order.backwardsKeys.count++;
    if (acc.order.backwardsKeys.examples.length < cap) {
      acc.order.backwardsKeys.examples.push({ ...r.id, topic: backwards.p.topic, partition: backwards.p.partition });
    }
  }
}

const SPLIT_CLASS: Record<LostCause, 'lostAtSource' | 'purgedBeforeMirrored' | 'lostInReplication'> = {
  'lost-at-source': 'lostAtSource',
  'purged-before-mirrored': 'purgedBeforeMirrored',
  'lost-in-replication': 'lostInReplication',
};

/** Sorts each missing record of one key by cause (one step per record: the count must be exact). */
function splitMissing(r: KeyRecord, missing: IntervalSet, split: LostSplit, cap: number, source: SourceContext): void {
  if (missing.isEmpty()) return;
  if (!split.audited) {
    // Nothing to check against: by ranges, so ten million missing records cost one step.
    split.lostInReplication.count += missing.size;
    split.unaudited += missing.size;
    for (const seq of missing.take(cap - split.lostInReplication.examples.length)) split.lostInReplication.examples.push({ ...r.id, seq });
    return;
  }
  for (const seq of missing.values()) {
    const position = source.offsets.positionOf(r.id.producerId, r.id.keyEpoch, r.id.key, seq);
    const next = r.seen.map(({ t }) => t.nextReadAfter(seq)).filter((us): us is number => us !== undefined);
    const nextReadMs = next.length > 0 ? Math.min(...next) / 1000 : undefined;
    let evidence: SourceReadEvidence | undefined;
    let found: { cause: LostCause; audited: boolean };
    if (source.reads === undefined) found = causeOfLoss({ position, nextReadMs }, source.audit);
    else {
      ({ evidence, ...found } = causeOfLossWithReads({ ...r.id, seq, position, nextReadMs }, source.audit, source.reads));
      split.sourceReads![evidence]++;
    }
    const cls = split[SPLIT_CLASS[found.cause]];
    cls.count++;
    if (!found.audited) split.unaudited++;
    if (cls.examples.length < cap) {
      const e: LostSourceExample = { ...r.id, seq };
      if (position !== undefined) Object.assign(e, { topic: position.topic, partition: position.partition, sourceOffset: position.offset });
      if (evidence !== undefined) e.evidence = evidence;
      cls.examples.push(e);
    }
  }
}

function damagedExample(e: WitnessedExample, corrupt: Map<string, IntervalSet>): CorruptExample {
  let reason = 'payload_mismatch';
  for (const [r, set] of corrupt) if (set.has(e.offset)) reason = r;
  return {
    topic: e.topic,
    partition: e.partition,
    offset: e.offset,
    reason,
    producerId: e.producerId,
    keyEpoch: e.keyEpoch,
    key: e.key,
    seq: e.seq,
  };
}

function compareIds(a: KeyIdentity, b: KeyIdentity): number {
  return compareSeqIdentity({ ...a, seq: 0 }, { ...b, seq: 0 });
}

function emptyAccounting(): Accounting {
  const cls = () => ({ count: 0, examples: [] });
  return {
    totals: {
      acked: 0,
      failed: 0,
      indeterminate: 0,
      seenDistinct: 0,
      seenRecords: 0,
      deliveries: 0,
      keysSeen: 0,
      keysReported: 0,
      aborted: 0,
    },
    lost: cls(),
    unseen: cls(),
    unexpected: cls(),
    pending: cls(),
    indeterminateSeen: cls(),
    indeterminateMissing: cls(),
    failedButSeen: cls(),
    duplicate: { ...cls(), seqs: 0, examplesMayIncludeRereads: false },
    redelivery: cls(),
    corrupt: { ...cls(), byReason: {}, seqs: 0 },
    foreign: cls(),
    inconsistentOffset: { ...cls(), offsets: 0, unverifiable: 0 },
    order: { inOrder: 0, gaps: { ...cls(), skippedSeqs: 0 }, late: cls(), backwardsKeys: cls() },
    unreportedProducers: [],
    lostSplit: { audited: false, lostAtSource: cls(), purgedBeforeMirrored: cls(), lostInReplication: cls(), unaudited: 0 },
    abortedRead: cls(),
  };
}
