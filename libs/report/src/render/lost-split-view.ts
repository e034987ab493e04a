import type { LostSplitReport } from '../report-schema';

/** The lost split's rows, in the order a reader asks "where was it lost?". */
export const LOST_SPLIT_ROWS = [
  { key: 'lostInReplication', label: 'lost in replication', hint: 'the source still held it; the replicator went on without it' },
  { key: 'purgedBeforeMirrored', label: 'purged before mirrored', hint: 'source retention deleted it before the replicator copied it' },
  { key: 'lostAtSource', label: 'lost at the source', hint: 'gone from the source log itself (its high watermark fell below it)' },
] as const;

export function lostExampleText(e: LostSplitReport['lostInReplication']['examples'][number]): string {
  const where =
    e.topic !== null && e.partition !== null ? ` at ${e.topic}/${e.partition}${e.sourceOffset !== null ? `@${e.sourceOffset}` : ''}` : '';
  return `${e.producerId} key ${e.key} (epoch ${e.keyEpoch}) seq ${e.seq}${where}`;
}

/** Whether the split says anything worth a section: something missing, or an audit that ran. */
export function showLostSplit(s: LostSplitReport | null): s is LostSplitReport {
  return s !== null && (s.lostAtSource.count + s.purgedBeforeMirrored.count + s.lostInReplication.count > 0 || s.samples > 0);
}

export function lostSplitNote(s: LostSplitReport): string {
  if (!s.audited) return 'No source audit for this run: missing records could not be checked against the source log.';
  return `${s.samples} source audit samples.${s.unaudited > 0 ? ` ${s.unaudited} missing records could not be checked (no source offset, or their partition was never sampled).` : ''}`;
}
