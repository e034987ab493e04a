import type { LostSplitReport, SourceConsumerReport } from '../report-schema';

/** The lost split's rows, in the order a reader asks "where was it lost?". */
export const LOST_SPLIT_ROWS = [
  { key: 'lostInReplication', label: 'lost in replication', hint: 'the source still held it; the replicator went on without it' },
  { key: 'purgedBeforeMirrored', label: 'purged before mirrored', hint: 'source retention deleted it before the replicator copied it' },
  { key: 'lostAtSource', label: 'lost at the source', hint: 'gone from the source log itself (its high watermark fell below it)' },
] as const;

export function lostExampleText(e: LostSplitReport['lostInReplication']['examples'][number]): string {
  const where =
    e.topic !== null && e.partition !== null ? ` at ${e.topic}/${e.partition}${e.sourceOffset !== null ? `@${e.sourceOffset}` : ''}` : '';
  const evidence = e.evidence === undefined ? '' : ` [source audit consumer: ${EVIDENCE_TEXT[e.evidence]}]`;
  return `${e.producerId} key ${e.key} (epoch ${e.keyEpoch}) seq ${e.seq}${where}${evidence}`;
}

const EVIDENCE_TEXT = {
  'read-on-source': 'read it',
  'not-on-source': 'read past it, not there',
  'not-reached': 'did not reach it',
} as const;

/** One sentence: whether the source audit consumer ran and what it read; null when the scenario did not ask for it. */
export function sourceConsumerText(c: SourceConsumerReport | null, split: LostSplitReport | null): string | null {
  if (c === null) return null;
  if (!c.ran) return 'Source audit consumer: asked for (audit.sourceConsumer) but sent no report.';
  const missing =
    c.missing.count === 0
      ? 'none missing'
      : `${c.missing.count} never read there (first: ${c.missing.examples.map((e) => `${e.producerId} key ${e.key} seq ${e.seq}`).join(', ')})`;
  const reads = split?.sourceReads;
  const ofLost =
    reads && reads.readOnSource + reads.notOnSource + reads.notReached > 0
      ? ` Of the records missing on the target it read ${reads.readOnSource} on the source, found ${reads.notOnSource} absent there and did not reach ${reads.notReached}.`
      : '';
  return `Source audit consumer (${c.validators.join(', ')}${c.final ? '' : ', no final report'}): read ${c.ackedRead} of ${c.acked} acknowledged records on the source, ${missing}; ${c.records} distinct records in all.${ofLost}`;
}

/** Whether the split says anything worth a section: something missing, or an audit that ran. */
export function showLostSplit(s: LostSplitReport | null): s is LostSplitReport {
  return s !== null && (s.lostAtSource.count + s.purgedBeforeMirrored.count + s.lostInReplication.count > 0 || s.samples > 0);
}

export function lostSplitNote(s: LostSplitReport): string {
  if (!s.audited) return 'No source audit for this run: missing records could not be checked against the source log.';
  return `${s.samples} source audit samples.${s.unaudited > 0 ? ` ${s.unaudited} missing records could not be checked (no source offset, or their partition was never sampled).` : ''}`;
}
