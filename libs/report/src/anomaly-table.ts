import type { Accounting, KeyRef, OffsetExample, OffsetRangeExample, SeqExample, CorruptExample } from '@mirrorlab/validation';
import { attribute } from './fault-windows';
import type { AnomalyClassName, AnomalyExample, AnomalyRow, ExampleTime, FaultReport } from './report-schema';
import type { SendTimeline } from './send-timeline';
import type { Stall } from './stalls';

type Kind = AnomalyRow['kind'];

const CLASS_INFO: Record<AnomalyClassName, { kind: Kind; label: string; description: string }> = {
  lost: {
    kind: 'correctness',
    label: 'Lost',
    description: 'Acknowledged by the source cluster, never read on the target, while a later record of the same key was read.',
  },
  unseen: {
    kind: 'correctness',
    label: 'Unseen',
    description: 'Acknowledged, never read, and nothing later of the same key read either: lost at the tail once the run has drained.',
  },
  unexpected: {
    kind: 'correctness',
    label: 'Unexpected',
    description: 'Read on the target, but no producer reports sending it (acked, failed or indeterminate).',
  },
  duplicate: {
    kind: 'correctness',
    label: 'Duplicate',
    description: 'Extra target records carrying a sequence already written at another offset: the replicator wrote it twice.',
  },
  corrupt: {
    kind: 'correctness',
    label: 'Corrupt',
    description:
      'Test records that failed a checksum or could not be decoded. A damaged payload under an intact identity names its producer, key and seq (and is not lost); a damaged identity cannot be attributed.',
  },
  foreign: {
    kind: 'correctness',
    label: 'Foreign',
    description:
      "Records with no mirrorlab metadata at all (another application's records, tombstones) on a test topic. Never counted as corrupt.",
  },
  'inconsistent-offset': {
    kind: 'correctness',
    label: 'Inconsistent offsets',
    description:
      'Offset ranges (blocks of 64) that held different records when read again: the target log was truncated and rewritten under the reader.',
  },
  'indeterminate-seen': {
    kind: 'producer-outcome',
    label: 'Indeterminate, arrived',
    description: 'Sends that timed out or ended with an unknown outcome, and arrived: committed after all. Never a failure.',
  },
  'indeterminate-missing': {
    kind: 'producer-outcome',
    label: 'Indeterminate, missing',
    description: 'Sends that timed out or ended with an unknown outcome, and never arrived. Never counted as lost.',
  },
  'failed-but-seen': {
    kind: 'producer-outcome',
    label: 'Failed, arrived',
    description: 'The producer was told the send failed, yet the record arrived (e.g. a request committed before its error).',
  },
  redelivery: {
    kind: 'informational',
    label: 'Redelivery',
    description: 'Target records read again after a consumer restart or rebalance: not an anomaly of the replicator.',
  },
  gap: {
    kind: 'informational',
    label: 'Gap (order)',
    description: 'A record arrived ahead of an earlier sequence of its key. Later arrivals fill it (late); what is never filled is lost.',
  },
  late: { kind: 'informational', label: 'Late (order)', description: 'A record filled an earlier gap of its key: reordering, not loss.' },
  'backwards-key': {
    kind: 'informational',
    label: 'Keys out of order',
    description: 'Keys whose arrival order went backwards at least once (late or duplicate arrivals).',
  },
  stall: {
    kind: 'informational',
    label: 'Stalled partition',
    description:
      'A partition whose source advanced while nothing new of it reached the target, for longer than the stall threshold (duration: a lower bound). Loss, if any, is counted apart.',
  },
  'aborted-read': {
    kind: 'correctness',
    label: 'Aborted read',
    description:
      'Read on the target, but its producer aborted the transaction that wrote it (Jepsen G1a): the replicator copied an uncommitted record as committed, or the reader reads uncommitted data.',
  },
};

export interface ExampleContext {
  timeline: SendTimeline;
  faults: readonly FaultReport[];
}

/**
 * The anomaly table: one row per class that happened (a class with count 0 has
 * no row), in a fixed order, each with its first examples (the checker's smallest
 * by a total order, so the same whatever the merge order), each example placed
 * in time and attributed to the fault windows it overlaps.
 */
export function anomalyRows(acc: Accounting, ctx: ExampleContext): AnomalyRow[] {
  const seq = (list: readonly SeqExample[]) => list.map((e) => seqExample(e, ctx));
  const rows: Array<[AnomalyClassName, number, AnomalyRow['details'], AnomalyExample[]]> = [
    ['lost', acc.lost.count, {}, acc.lost.examples.map((e) => seqExample(e, ctx, true))],
    ['unseen', acc.unseen.count, {}, seq(acc.unseen.examples)],
    [
      'unexpected',
      acc.unexpected.count,
      acc.unreportedProducers.length > 0 ? { unreportedProducers: acc.unreportedProducers.join(', ') } : {},
      seq(acc.unexpected.examples),
    ],
    [
      'duplicate',
      acc.duplicate.count,
      { seqs: acc.duplicate.seqs, ...(acc.duplicate.examplesMayIncludeRereads ? { examplesMayIncludeRereads: true } : {}) },
      seq(acc.duplicate.examples),
    ],
    [
      'corrupt',
      acc.corrupt.count,
      { ...acc.corrupt.byReason, ...(acc.corrupt.seqs > 0 ? { attributedSeqs: acc.corrupt.seqs } : {}) },
      acc.corrupt.examples.map((e) => (e.producerId !== undefined ? damagedExample(e, ctx) : offsetExample(e))),
    ],
    ['foreign', acc.foreign.count, {}, acc.foreign.examples.map((e) => offsetExample(e))],
    [
      'inconsistent-offset',
      acc.inconsistentOffset.count,
      {
        offsets: acc.inconsistentOffset.offsets,
        ...(acc.inconsistentOffset.unverifiable > 0 ? { unverifiableBlocks: acc.inconsistentOffset.unverifiable } : {}),
      },
      acc.inconsistentOffset.examples.map((e) => rangeExample(e)),
    ],
    ['indeterminate-seen', acc.indeterminateSeen.count, {}, seq(acc.indeterminateSeen.examples)],
    ['indeterminate-missing', acc.indeterminateMissing.count, {}, seq(acc.indeterminateMissing.examples)],
    ['failed-but-seen', acc.failedButSeen.count, {}, seq(acc.failedButSeen.examples)],
    ['redelivery', acc.redelivery.count, {}, acc.redelivery.examples.map((e) => offsetExample(e))],
    ['gap', acc.order.gaps.count, { skippedSeqs: acc.order.gaps.skippedSeqs }, seq(acc.order.gaps.examples)],
    ['late', acc.order.late.count, {}, seq(acc.order.late.examples)],
    ['backwards-key', acc.order.backwardsKeys.count, {}, acc.order.backwardsKeys.examples.map((e) => keyExample(e))],
    // Accountings from before the class existed have no `abortedRead`.
    ['aborted-read', acc.abortedRead?.count ?? 0, {}, seq(acc.abortedRead?.examples ?? [])],
  ];
  return rows
    .filter(([, count]) => count > 0)
    .map(([cls, count, details, examples]) => ({ class: cls, ...CLASS_INFO[cls], count, details, examples }));
}

export function anomalyLabel(cls: AnomalyClassName): string {
  return CLASS_INFO[cls].label;
}

/**
 * A lost record was lost somewhere between its send and the moment the next record
 * of its key was read: widen its estimated send second to that read, so a record
 * sent 2 s before a broker kill and lost with it is attributed to the kill.
 */
export function untilNextRead(time: ExampleTime, nextReadUs: number | undefined): ExampleTime {
  if (time.kind !== 'estimated' || nextReadUs === undefined) return time;
  const readMs = Math.floor(nextReadUs / 1000);
  if (readMs <= time.toMs) return time;
  return { kind: 'estimated', fromMs: time.fromMs, toMs: readMs, basis: `${time.basis}, until the next record of its key was read` };
}

function seqExample(e: SeqExample, ctx: ExampleContext, lost = false): AnomalyExample {
  const estimated = e.timeUs !== undefined ? undefined : ctx.timeline.estimate(e);
  const time: ExampleTime =
    e.timeUs !== undefined
      ? { kind: 'witnessed', atMs: Math.floor(e.timeUs / 1000) }
      : lost
        ? untilNextRead(estimated!, e.nextReadUs)
        : estimated!;
  const where = e.topic !== undefined ? ` · ${e.topic}/${e.partition}${e.offset !== undefined ? `@${e.offset}` : ''}` : '';
  return {
    text: `producer ${e.producerId} · key ${e.key}${e.keyEpoch > 0 ? ` (epoch ${e.keyEpoch})` : ''} · seq ${e.seq}${where}`,
    producerId: e.producerId,
    keyEpoch: e.keyEpoch,
    key: e.key,
    seq: e.seq,
    ...(e.topic !== undefined ? { topic: e.topic } : {}),
    ...(e.partition !== undefined ? { partition: e.partition } : {}),
    ...(e.offset !== undefined ? { offset: e.offset } : {}),
    time,
    faults: attribute(time, ctx.faults),
  };
}

/** A damaged payload whose identity held: a sequence example that also names the offset and reason. */
function damagedExample(e: CorruptExample, ctx: ExampleContext): AnomalyExample {
  const base = seqExample(
    {
      producerId: e.producerId!,
      keyEpoch: e.keyEpoch ?? 0,
      key: e.key ?? '',
      seq: e.seq ?? 0,
      topic: e.topic,
      partition: e.partition,
      offset: e.offset,
    },
    ctx,
  );
  return { ...base, text: `${base.text} (${e.reason})`, reason: e.reason };
}

function rangeExample(e: OffsetRangeExample): AnomalyExample {
  return {
    text: `${e.topic}/${e.partition}@${e.fromOffset}-${e.toOffset}`,
    topic: e.topic,
    partition: e.partition,
    offset: e.fromOffset,
    time: { kind: 'unknown' },
    faults: [],
  };
}

function offsetExample(e: OffsetExample | CorruptExample): AnomalyExample {
  const reason = 'reason' in e ? e.reason : undefined;
  return {
    text: `${e.topic}/${e.partition}@${e.offset}${reason !== undefined ? ` (${reason})` : ''}`,
    topic: e.topic,
    partition: e.partition,
    offset: e.offset,
    ...(reason !== undefined ? { reason } : {}),
    time: { kind: 'unknown' },
    faults: [],
  };
}

function keyExample(e: KeyRef): AnomalyExample {
  return {
    text: `producer ${e.producerId} · key ${e.key}${e.keyEpoch > 0 ? ` (epoch ${e.keyEpoch})` : ''} · ${e.topic}/${e.partition}`,
    producerId: e.producerId,
    keyEpoch: e.keyEpoch,
    key: e.key,
    topic: e.topic,
    partition: e.partition,
    time: { kind: 'unknown' },
    faults: [],
  };
}

/** The `stall` row: one example per stall (the longest first), timed over the stall itself. */
export function stallRow(
  stalls: readonly Stall[],
  faults: readonly FaultReport[],
  thresholdMs: number,
  maxExamples = 5,
): AnomalyRow | null {
  if (stalls.length === 0) return null;
  const examples = [...stalls]
    .sort((a, b) => b.durationMs - a.durationMs || a.startMs - b.startMs)
    .slice(0, maxExamples)
    .map((x): AnomalyExample => {
      const time: ExampleTime = {
        kind: 'estimated',
        fromMs: x.startMs,
        toMs: x.endMs ?? x.startMs + x.durationMs,
        basis: 'target high watermark at validator reports',
      };
      const text = `${x.topic}/${x.partition}: nothing new on the target for at least ${(x.durationMs / 1000).toFixed(1)} s while its source advanced${x.endMs === null ? ' (still stalled at the end)' : ''}`;
      return { text, topic: x.topic, partition: x.partition, time, faults: attribute(time, faults) };
    });
  const longest = Math.max(...stalls.map((x) => x.durationMs));
  return { class: 'stall', ...CLASS_INFO.stall, count: stalls.length, details: { thresholdMs, longestMs: longest }, examples };
}
