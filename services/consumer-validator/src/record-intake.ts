import { crc32 } from 'node:zlib';
import { decodeRecord, type ConsumedHeaders } from '@mirrorlab/protocol';
import type { ValidatorState } from '@mirrorlab/validation';
import { partitionId } from './drain';
import type { PendingLatency } from './pending-latency';
import type { ValidatorMetrics } from './validator-metrics';

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
  const decoded = decodeRecord({ key: r.key, value: r.value, headers: r.headers });
  if (!decoded.ok && decoded.error.reason === 'foreign') {
    const cls = t.state.observeForeign({
      topic: r.topic,
      partition: r.partition,
      offset: r.offset,
      arrivalUs,
      fingerprint: bytesFingerprint(r),
    });
    t.metrics.classified(t.scenarioId, r.topic, cls);
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
    countUndecodable(t, r.topic, cls, decoded.error.reason);
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
    countUndecodable(t, r.topic, cls, decoded.error.reason);
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
  t.metrics.classified(t.scenarioId, r.topic, cls);
  if (cls !== 'redelivery') {
    const endToEndUs = arrivalUs - meta.sendTimeUs;
    const replicationUs = t.measuresReplication ? r.timestampMs * 1000 - meta.sendTimeUs : undefined;
    // From the schedule: a producer that fell behind its schedule cannot hide it (coordinated omission).
    const fromScheduleUs = meta.scheduledTimeUs !== undefined ? arrivalUs - meta.scheduledTimeUs : undefined;
    t.pending.add(partitionId(r.topic, r.partition), arrivalUs, endToEndUs, replicationUs, fromScheduleUs);
    t.metrics.latency(t.scenarioId, r.topic, endToEndUs, replicationUs);
  }
  return cls;
}

/** Content hash of a record that did not decode (rare: hashing its bytes costs nothing on the hot path). */
function bytesFingerprint(r: TargetRecord): number {
  return crc32(r.value ?? '', crc32(r.key ?? '')) | 0;
}

/** A record that failed to decode is corrupt the first time its offset is read, a redelivery after. */
function countUndecodable(t: IntakeTarget, topic: string, cls: string, reason: string): void {
  if (cls === 'corrupt') t.metrics.corruptRecord(t.scenarioId, topic, reason);
  else t.metrics.classified(t.scenarioId, topic, 'redelivery');
}
