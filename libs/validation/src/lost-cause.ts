import type { SourceAuditTimeline } from './source-audit';
import type { SourcePosition } from './source-offsets';
import type { SourceReads } from './source-reads';

/**
 * Why an acknowledged record never reached the target:
 * - `lost-at-source`: the source log was cut under it (its high watermark fell to or below
 *   the record's offset after passing it: unclean election, truncation), though retention
 *   had not purged it;
 * - `purged-before-mirrored`: retention moved the source log start past it before the
 *   replicator moved past it (MirrorMaker 2 then resumes at the log start and silently skips);
 * - `lost-in-replication`: the source still held it while the replicator went on: the
 *   replicator's loss. Also the answer when the cause cannot be checked (`audited: false`).
 */
export type LostCause = 'lost-at-source' | 'purged-before-mirrored' | 'lost-in-replication';

export interface LostCauseInput {
  /** Where the record sits in the source log; undefined when no delivery report named it. */
  position: SourcePosition | undefined;
  /**
   * When the target read the next record of the same key (ms): the replicator had moved past
   * this record by then. Undefined when nothing later of the key was read.
   */
  nextReadMs: number | undefined;
}

export function causeOfLoss(input: LostCauseInput, audit: SourceAuditTimeline): { cause: LostCause; audited: boolean } {
  const p = input.position;
  if (p === undefined || !audit.sampled(p.topic, p.partition)) return { cause: 'lost-in-replication', audited: false };
  const purgedNotBefore = audit.purgedNotBeforeMs(p);
  // A purge seen only after the replicator had read past the record did not cause its loss
  // (retention that runs on at the end of a run purges what was lost in replication too).
  const purgedFirst = purgedNotBefore !== undefined && (input.nextReadMs === undefined || purgedNotBefore <= input.nextReadMs);
  if (!purgedFirst && audit.truncatedBelow(p)) return { cause: 'lost-at-source', audited: true };
  if (purgedFirst) return { cause: 'purged-before-mirrored', audited: true };
  return { cause: 'lost-in-replication', audited: true };
}

/**
 * What the source audit consumer said of a missing record:
 * - `read-on-source`: it read the record on the source, so the source held it;
 * - `not-on-source`: it read the source partition across the record's offset without finding it;
 * - `not-reached`: it did not read that far (or started past it): the audit samples decide.
 */
export type SourceReadEvidence = 'read-on-source' | 'not-on-source' | 'not-reached';

export interface SourceReadInput extends LostCauseInput {
  producerId: string;
  keyEpoch: number;
  key: string;
  seq: number;
}

/**
 * `causeOfLoss` with the source audit consumer's reads as further evidence:
 * - read on the source: the source held it, so it was not lost at the source before it was read
 *   (`lost-in-replication`, or `purged-before-mirrored` / `lost-at-source` when the samples show
 *   the log purged before the replicator passed it, or cut under it, afterwards);
 * - not read though the consumer read across its offset: `lost-at-source` (the source log did not
 *   hold it), whatever the samples say;
 * - otherwise the samples decide as without the consumer.
 */
export function causeOfLossWithReads(
  input: SourceReadInput,
  audit: SourceAuditTimeline,
  reads: SourceReads,
): { cause: LostCause; audited: boolean; evidence: SourceReadEvidence } {
  const sampled = causeOfLoss(input, audit);
  if (reads.read(input.producerId, input.keyEpoch, input.key, input.seq)) return { ...sampled, audited: true, evidence: 'read-on-source' };
  const p = input.position;
  if (p !== undefined && reads.readAcross(p.topic, p.partition, p.offset))
    return { cause: 'lost-at-source', audited: true, evidence: 'not-on-source' };
  return { ...sampled, evidence: 'not-reached' };
}
