/**
 * Inputs of the checker. Defined here, not imported from @mirrorlab/protocol, so
 * the checker stays a pure function of plain data. Times are microseconds and
 * always come in as arguments: nothing in this lib reads a clock.
 */

/** One decoded test record read from the target cluster. */
export interface Observation {
  /** Target topic, partition and offset: together they identify one target record. */
  topic: string;
  partition: number;
  offset: number;
  producerId: string;
  /** Bumped when a producer starts a fresh key space; sequences restart per epoch. */
  keyEpoch: number;
  key: string;
  /** Per (producer, epoch, key) sequence number, starting at `firstSeq` (0 by default). */
  seq: number;
  /** When the producer sent it (µs since the epoch, producer's clock). */
  sendTimeUs: number;
  /** When the validator read it (µs since the epoch, validator's clock). */
  arrivalUs: number;
  /**
   * 32-bit hash of the record's content (e.g. its meta and payload checksums), to
   * catch an offset re-read with different content. Derived from the identity when absent.
   */
  fingerprint?: number;
}

/** A target record that could not be decoded or failed its checksum. */
export interface CorruptRecord {
  topic: string;
  partition: number;
  offset: number;
  /**
   * A short, low-cardinality class such as `checksum` or `decode`: offsets are
   * kept per reason, so a per-record message here would cost memory per record.
   */
  reason: string;
  arrivalUs: number;
  /** 32-bit hash of the record's bytes (see `Observation.fingerprint`); 0 when absent. */
  fingerprint?: number;
}

/**
 * A test record whose identity (meta and key) passed its checksum but whose payload
 * did not: corrupt for that sequence, never lost.
 */
export interface DamagedRecord extends Observation {
  /** Low-cardinality class, e.g. `payload_mismatch`. */
  reason: string;
}

/** A record with no mirrorlab metadata at all (another application's record, a tombstone). */
export interface ForeignRecord {
  topic: string;
  partition: number;
  offset: number;
  arrivalUs: number;
  /** 32-bit hash of the record's bytes (see `Observation.fingerprint`); 0 when absent. */
  fingerprint?: number;
}

/**
 * What one arriving record was, at the moment it arrived:
 * - `in_order`: the next expected sequence of its key;
 * - `gap`: above the next expected sequence; opens a gap (not yet a loss);
 * - `late`: below the highest seen and not seen before; fills a gap (reordering, not loss);
 * - `duplicate`: a sequence already seen, at a different target offset (written twice);
 * - `redelivery`: a target (topic, partition, offset) already read (a consumer re-read,
 *   not an anomaly of the system under test, never counted as duplicate);
 * - `corrupt`: checksum or decode failure;
 * - `foreign`: no mirrorlab metadata at all (never part of corrupt).
 */
export type Classification = 'in_order' | 'gap' | 'late' | 'duplicate' | 'redelivery' | 'corrupt' | 'foreign';

/** A concrete example of an anomaly about one sequence of one key (Jepsen-style). */
export interface SeqExample {
  producerId: string;
  keyEpoch: number;
  key: string;
  seq: number;
  /** Where the key lives on the target; absent when the key was never seen. */
  topic?: string;
  partition?: number;
  /** The target offset and arrival time, when one record is evidence (absent for never-seen seqs). */
  offset?: number;
  timeUs?: number;
  /**
   * Lost sequences only: when the next record of its key above it was read (µs),
   * when known. The loss happened between the send and then.
   */
  nextReadUs?: number;
}

/** A concrete example about one target record, identified by its position. */
export interface OffsetExample {
  topic: string;
  partition: number;
  offset: number;
}

/** Offsets of one partition where a re-read disagreed with the first read (a block of offsets). */
export interface OffsetRangeExample {
  topic: string;
  partition: number;
  fromOffset: number;
  toOffset: number;
}

export interface CorruptExample extends OffsetExample {
  reason: string;
  /** Set when the record's identity was intact (a damaged payload): whose sequence it was. */
  producerId?: string;
  keyEpoch?: number;
  key?: string;
  seq?: number;
}
