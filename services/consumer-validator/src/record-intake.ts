import { crc32 } from 'node:zlib';
import { decodeRecord, type ConsumedHeaders } from '@mirrorlab/protocol';
import type { ValidatorState } from '@mirrorlab/validation';
import { partitionId } from './drain';
import type { PendingLatency } from './pending-latency';
import type { ClassTally, ValidatorMetrics } from './validator-metrics';

export interface TargetRecord {
  topic: string;
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  headers?: ConsumedHeaders;
  /** The target record's timestamp, ms (kafkajs gives a string). */
  timestampMs: number;
}

export interface IntakeTarget {
  scenarioId: string;
  state: ValidatorState;
  /** Latency samples wait here until a published report covers their records. */
  pending: PendingLatency;
  /** True when the target topics stamp LogAppendTime: the record timestamp is the target's append time. */
  measuresReplication: boolean;
  metrics: ValidatorMetrics;
}

export type IntakeResult = ReturnType<ValidatorState['observe']> | 'corrupt' | 'foreign' | 'other_scenario';

/**
 * Feeds one target record to the checker. Records with no mirrorlab metadata are
 * `foreign` (a class of their own); a damaged payload under an intact identity is
 * corrupt *for its sequence* (so not lost); other decode failures are corrupt by
 * reason, unattributable. Records of another scenario (a reused topic) are
 * skipped. Latency is recorded for first reads only, never for re-reads after a
 * restart or rebalance. Never throws on bad input.
 */
export function intakeRecord(t: IntakeTarget, r: TargetRecord, arrivalUs: number): IntakeResult {
  const tally = t.metrics.tally(t.scenarioId, r.topic);
  const cls = intakeOne(t, r, arrivalUs, partitionId(r.topic, r.partition), tally);
  tally.flush();
  return cls;
}

/** What intakeBatch did: how many records it checked, and the offset after the last of them (if any). */
export interface BatchIntake {
  checked: number;
  nextOffset?: number;
}

/**
 * Feeds a batch of one partition's records to the checker, as intakeRecord does each, while
 * `isCurrent()` holds (it is asked before each record: a rebalance or a seek ends the batch).
 * The partition id and the metrics' labels are made once per batch, and the class counters are
 * added to once per batch: this runs for every record a validator reads.
 */
export function intakeBatch(
  t: IntakeTarget,
  topic: string,
  partition: number,
  records: readonly TargetRecord[],
  arrivalUs: number,
  isCurrent: () => boolean = () => true,
): BatchIntake {
  const id = partitionId(topic, partition);
  const tally = t.metrics.tally(t.scenarioId, topic);
  let checked = 0;
  try {
    for (const r of records) {
      if (!isCurrent()) break;
      intakeOne(t, r, arrivalUs, id, tally);
      checked++;
    }
  } finally {
    tally.flush();
  }
  return checked === 0 ? { checked } : { checked, nextOffset: records[checked - 1].offset + 1 };
}

function intakeOne(t: IntakeTarget, r: TargetRecord, arrivalUs: number, id: string, tally: ClassTally): IntakeResult {
  const decoded = decodeRecord({ key: r.key, value: r.value, headers: r.headers });
  if (!decoded.ok && decoded.error.reason === 'foreign') {
    const cls = t.state.observeForeign({
      topic: r.topic,
      partition: r.partition,
      offset: r.offset,
      arrivalUs,
      fingerprint: bytesFingerprint(r),
    });
    tally.classified(cls);
    return cls;
  }
  if (!decoded.ok && decoded.identity !== undefined) {
    const { meta, key } = decoded.identity;
    if (meta.scenarioId !== t.scenarioId) return 'other_scenario';
    const cls = t.state.observeDamaged({
      topic: r.topic,
      partition: r.partition,
      offset: r.offset,
      producerId: meta.producerId,
      keyEpoch: meta.keyEpoch,
      key,
      seq: meta.seq,
      sendTimeUs: meta.sendTimeUs,
      arrivalUs,
      reason: decoded.error.reason,
      fingerprint: bytesFingerprint(r),
    });
    countUndecodable(tally, cls, decoded.error.reason);
    return cls;
  }
  if (!decoded.ok) {
    const cls = t.state.observeCorrupt({
      topic: r.topic,
      partition: r.partition,
      offset: r.offset,
      reason: decoded.error.reason,
      arrivalUs,
      fingerprint: bytesFingerprint(r),
    });
    countUndecodable(tally, cls, decoded.error.reason);
    return cls;
  }
  const { meta, key, metaChecksum, payloadChecksum } = decoded.record;
  if (meta.scenarioId !== t.scenarioId) return 'other_scenario';
  const cls = t.state.observe({
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    producerId: meta.producerId,
    keyEpoch: meta.keyEpoch,
    key,
    seq: meta.seq,
    sendTimeUs: meta.sendTimeUs,
    arrivalUs,
    // The record's two checksums, already computed: what a re-read of this offset must find again.
    fingerprint: (metaChecksum ^ Math.imul(payloadChecksum, 0x9e3779b1)) | 0,
  });
  if (cls === 'corrupt' || cls === 'foreign') return cls; // observe() never says these for a decoded record
  tally.classified(cls);
  if (cls !== 'redelivery') {
    const endToEndUs = arrivalUs - meta.sendTimeUs;
    const replicationUs = t.measuresReplication ? r.timestampMs * 1000 - meta.sendTimeUs : undefined;
    // From the schedule: a producer that fell behind its schedule cannot hide it (coordinated omission).
    const fromScheduleUs = meta.scheduledTimeUs !== undefined ? arrivalUs - meta.scheduledTimeUs : undefined;
    t.pending.add(id, arrivalUs, endToEndUs, replicationUs, fromScheduleUs);
    tally.latency(endToEndUs, replicationUs);
  }
  return cls;
}

/** Content hash of a record that did not decode (rare: hashing its bytes costs nothing on the hot path). */
function bytesFingerprint(r: TargetRecord): number {
  return crc32(r.value ?? '', crc32(r.key ?? '')) | 0;
}

/** A record that failed to decode is corrupt the first time its offset is read, a redelivery after. */
function countUndecodable(tally: ClassTally, cls: string, reason: string): void {
  if (cls === 'corrupt') tally.corruptRecord(reason);
  else tally.classified('redelivery');
}
