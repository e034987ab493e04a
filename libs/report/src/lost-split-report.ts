import type { Accounting, LostSourceExample } from '@mirrorlab/validation';
import type { LostSplitReport } from './report-schema';

/** The report's view of the checker's lost split: nulls where a source position is unknown. */
export function lostSplitReport(acc: Accounting, samples: number): LostSplitReport {
  const s = acc.lostSplit;
  const cls = (c: { count: number; examples: LostSourceExample[] }) => ({
    count: c.count,
    examples: c.examples.map((e) => ({
      producerId: e.producerId,
      keyEpoch: e.keyEpoch,
      key: e.key,
      seq: e.seq,
      topic: e.topic ?? null,
      partition: e.partition ?? null,
      sourceOffset: e.sourceOffset ?? null,
      ...(e.evidence !== undefined ? { evidence: e.evidence } : {}),
    })),
  });
  const reads = s.sourceReads;
  return {
    audited: s.audited,
    lostAtSource: cls(s.lostAtSource),
    purgedBeforeMirrored: cls(s.purgedBeforeMirrored),
    lostInReplication: cls(s.lostInReplication),
    unaudited: s.unaudited,
    samples,
    ...(reads
      ? { sourceReads: { readOnSource: reads['read-on-source'], notOnSource: reads['not-on-source'], notReached: reads['not-reached'] } }
      : {}),
  };
}
