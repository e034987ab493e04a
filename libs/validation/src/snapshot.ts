import { ExampleSet, type WitnessedExample } from './examples';
import type { Range } from './interval-set';
import { FieldReader } from './parse';
import { IntervalSet } from './interval-set';
import { FINGERPRINT_BLOCK, OffsetFingerprints, type FingerprintSnapshot } from './offset-fingerprints';
import { EXAMPLE_CLASSES, PartitionState } from './partition-state';
import { mergeOpeners, SequenceTracker } from './sequence-tracker';

export const SNAPSHOT_VERSION = 1;

/**
 * Plain-JSON state of a validator (or of the partitions it hands over). Integer
 * sets are `[lo, hi]` range lists; zero counters and empty sets are omitted.
 * Partitions are sorted by (topic, partition) and keys by (producerId, keyEpoch,
 * key), so equal states serialize to equal JSON.
 */
export interface ValidatorSnapshot {
  version: typeof SNAPSHOT_VERSION;
  /** Where every key's sequence starts. */
  firstSeq: number;
  /** Examples kept per anomaly class. */
  maxExamples: number;
  partitions: PartitionSnapshot[];
}

export interface PartitionSnapshot {
  topic: string;
  partition: number;
  /** Where a validator taking this partition over resumes reading (highest offset read + 1). */
  nextOffset: number;
  offsets: Range[];
  redelivered?: Range[];
  /** Every read, re-reads included. */
  deliveries: number;
  corrupt?: Array<{ reason: string; offsets: Range[] }>;
  /** Offsets of records with no mirrorlab metadata. */
  foreign?: Range[];
  /** Per-block fingerprints of what was read (see offset-fingerprints.ts); absent from older validators. */
  fingerprints?: FingerprintSnapshot;
  overlappingReads?: true;
  keys: KeySnapshot[];
  examples?: { gap?: WitnessedExample[]; late?: WitnessedExample[]; duplicate?: WitnessedExample[]; damaged?: WitnessedExample[] };
}

export interface KeySnapshot {
  producerId: string;
  keyEpoch: number;
  key: string;
  seqs: Range[];
  duplicateSeqs?: Range[];
  /** Sequences read with an intact identity but a damaged payload. */
  damagedSeqs?: Range[];
  /** [seq, arrivalUs] of the records that opened the key's first gaps, by seq. */
  gapOpeners?: Array<[number, number]>;
  inOrder?: number;
  gaps?: number;
  skippedSeqs?: number;
  late?: number;
  backwards?: number;
}

export function encodePartition(p: PartitionState): PartitionSnapshot {
  const keys = [...p.trackers()].sort(compareTrackers).map(encodeKey);
  const out: PartitionSnapshot = {
    topic: p.topic,
    partition: p.partition,
    nextOffset: p.nextOffset,
    offsets: p.offsets.toRanges(),
    deliveries: p.deliveries,
    keys,
  };
  if (!p.redelivered.isEmpty()) out.redelivered = p.redelivered.toRanges();
  if (p.corrupt.size > 0) {
    out.corrupt = [...p.corrupt.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([reason, set]) => ({ reason, offsets: set.toRanges() }));
  }
  if (!p.foreign.isEmpty()) out.foreign = p.foreign.toRanges();
  if (!p.fingerprints.isEmpty()) out.fingerprints = p.fingerprints.toSnapshot();
  if (p.overlappingReads) out.overlappingReads = true;
  for (const cls of EXAMPLE_CLASSES) {
    if (p.examples[cls].size > 0) (out.examples ??= {})[cls] = p.examples[cls].toArray();
  }
  return out;
}

function compareTrackers(a: SequenceTracker, b: SequenceTracker): number {
  if (a.producerId !== b.producerId) return a.producerId < b.producerId ? -1 : 1;
  if (a.keyEpoch !== b.keyEpoch) return a.keyEpoch - b.keyEpoch;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

function encodeKey(t: SequenceTracker): KeySnapshot {
  const out: KeySnapshot = { producerId: t.producerId, keyEpoch: t.keyEpoch, key: t.key, seqs: t.seqs.toRanges() };
  if (t.duplicateSeqs !== undefined && !t.duplicateSeqs.isEmpty()) out.duplicateSeqs = t.duplicateSeqs.toRanges();
  if (t.damagedSeqs !== undefined && !t.damagedSeqs.isEmpty()) out.damagedSeqs = t.damagedSeqs.toRanges();
  if (t.gapOpeners !== undefined && t.gapOpeners.size > 0) out.gapOpeners = [...t.gapOpeners].sort((a, b) => a[0] - b[0]);
  if (t.inOrder !== 0) out.inOrder = t.inOrder;
  if (t.gaps !== 0) out.gaps = t.gaps;
  if (t.skippedSeqs !== 0) out.skippedSeqs = t.skippedSeqs;
  if (t.late !== 0) out.late = t.late;
  if (t.backwards !== 0) out.backwards = t.backwards;
  return out;
}

const read = new FieldReader('invalid_snapshot');

/** Parses and checks one partition of an untrusted snapshot; `field` prefixes error paths. */
export function decodePartition(value: unknown, field: string, maxExamples: number): PartitionState {
  const o = read.object(value, field);
  const p = new PartitionState(read.string(o.topic, `${field}.topic`), read.int(o.partition, `${field}.partition`, 0), maxExamples);
  p.offsets = read.ranges(o.offsets, `${field}.offsets`, true);
  if (o.redelivered !== undefined) p.redelivered = read.ranges(o.redelivered, `${field}.redelivered`, true);
  if (!p.redelivered.subtract(p.offsets).isEmpty()) read.fail(`${field}.redelivered`, 'offsets that are also in offsets', o.redelivered);
  p.deliveries = read.int(o.deliveries, `${field}.deliveries`, p.offsets.size);
  if (p.deliveries - p.offsets.size < p.redelivered.size) {
    read.fail(`${field}.deliveries`, `at least offsets + redelivered offsets (${p.offsets.size + p.redelivered.size})`, o.deliveries);
  }
  if (o.nextOffset !== undefined && read.int(o.nextOffset, `${field}.nextOffset`, 0) !== p.nextOffset) {
    read.fail(`${field}.nextOffset`, `highest offset + 1 (${p.nextOffset})`, o.nextOffset);
  }
  if (o.overlappingReads !== undefined) p.overlappingReads = read.boolean(o.overlappingReads, `${field}.overlappingReads`);
  if (o.corrupt !== undefined) {
    read.array(o.corrupt, `${field}.corrupt`).forEach((entry, i) => {
      const f = `${field}.corrupt[${i}]`;
      const c = read.object(entry, f);
      const reason = read.string(c.reason, `${f}.reason`);
      if (p.corrupt.has(reason)) read.fail(`${f}.reason`, 'each reason once', reason);
      const set = read.ranges(c.offsets, `${f}.offsets`, true);
      if (!set.subtract(p.offsets).isEmpty()) read.fail(`${f}.offsets`, 'offsets that are also in offsets', c.offsets);
      p.corrupt.set(reason, set);
    });
  }
  if (o.foreign !== undefined) {
    p.foreign = read.ranges(o.foreign, `${field}.foreign`, true);
    if (!p.foreign.subtract(p.offsets).isEmpty()) read.fail(`${field}.foreign`, 'offsets that are also in offsets', o.foreign);
    if (!p.foreign.intersect(p.corruptOffsets()).isEmpty()) read.fail(`${field}.foreign`, 'offsets that are not corrupt', o.foreign);
  }
  if (o.fingerprints !== undefined) p.fingerprints = decodeFingerprints(o.fingerprints, `${field}.fingerprints`);
  let seqs = 0;
  read.array(o.keys, `${field}.keys`).forEach((k, i) => {
    const t = decodeKey(k, `${field}.keys[${i}]`);
    if (p.producers.get(t.producerId)?.get(t.keyEpoch)?.has(t.key)) read.fail(`${field}.keys[${i}]`, 'each key once per partition', t.key);
    p.insertTracker(t);
    seqs += t.seqs.size;
  });
  // Every sequence was carried by its own decodable offset; not so once states that read the same
  // offsets without a handover were merged (an offset may then have held different records).
  const valid = p.validCount();
  if (seqs > valid && !p.overlappingReads)
    read.fail(`${field}.keys`, `at most ${valid} sequences (the decodable offsets read)`, `${seqs} sequences`);
  if (o.examples !== undefined) {
    const ex = read.object(o.examples, `${field}.examples`);
    for (const cls of EXAMPLE_CLASSES) {
      if (ex[cls] === undefined) continue;
      p.examples[cls] = decodeExamples(ex[cls], `${field}.examples.${cls}`, maxExamples);
    }
  }
  return p;
}

function decodeKey(value: unknown, field: string): SequenceTracker {
  const o = read.object(value, field);
  const t = new SequenceTracker(
    read.string(o.producerId, `${field}.producerId`),
    read.int(o.keyEpoch, `${field}.keyEpoch`),
    read.string(o.key, `${field}.key`),
  );
  t.seqs = read.ranges(o.seqs, `${field}.seqs`, true);
  if (o.duplicateSeqs !== undefined) {
    t.duplicateSeqs = read.ranges(o.duplicateSeqs, `${field}.duplicateSeqs`, true);
    if (!t.duplicateSeqs.subtract(t.seqs).isEmpty())
      read.fail(`${field}.duplicateSeqs`, 'sequences that are also in seqs', o.duplicateSeqs);
  }
  if (o.damagedSeqs !== undefined) t.damagedSeqs = read.ranges(o.damagedSeqs, `${field}.damagedSeqs`, true);
  if (o.gapOpeners !== undefined) {
    const pairs = read.array(o.gapOpeners, `${field}.gapOpeners`).map((pair, i) => {
      const f = `${field}.gapOpeners[${i}]`;
      const arr = read.array(pair, f);
      if (arr.length !== 2) read.fail(f, '[seq, arrivalUs]', pair);
      return [read.int(arr[0], `${f}[0]`), read.finite(arr[1], `${f}[1]`)] as [number, number];
    });
    t.gapOpeners = mergeOpeners(undefined, new Map(pairs));
  }
  t.inOrder = read.optionalInt(o.inOrder, `${field}.inOrder`, 0, 0);
  t.gaps = read.optionalInt(o.gaps, `${field}.gaps`, 0, 0);
  t.skippedSeqs = read.optionalInt(o.skippedSeqs, `${field}.skippedSeqs`, 0, 0);
  t.late = read.optionalInt(o.late, `${field}.late`, 0, 0);
  t.backwards = read.optionalInt(o.backwards, `${field}.backwards`, 0, 0);
  return t;
}

function decodeFingerprints(value: unknown, field: string): OffsetFingerprints {
  const o = read.object(value, field);
  if (o.block !== FINGERPRINT_BLOCK) read.fail(`${field}.block`, String(FINGERPRINT_BLOCK), o.block);
  let next = 0;
  const runs = read.array(o.runs, `${field}.runs`).map((item, i) => {
    const f = `${field}.runs[${i}]`;
    const arr = read.array(item, f);
    if (arr.length !== 3) read.fail(f, '[first block, base64, base64]', item);
    const first = read.int(arr[0], `${f}[0]`, 0);
    if (first < next) read.fail(`${f}[0]`, `runs in increasing order, not overlapping (at least ${next})`, first);
    const fpBytes = Buffer.from(read.string(arr[1], `${f}[1]`), 'base64');
    const n = new Uint8Array(Buffer.from(read.string(arr[2], `${f}[2]`), 'base64'));
    if (n.length === 0 || n.some((c) => c === 0 || c > FINGERPRINT_BLOCK))
      read.fail(`${f}[2]`, `counts from 1 to ${FINGERPRINT_BLOCK}`, arr[2]);
    if (fpBytes.length !== n.length * 4) read.fail(`${f}[1]`, `${n.length * 4} bytes (4 per block)`, `${fpBytes.length} bytes`);
    next = first + n.length;
    const fp = new Int32Array(n.length);
    for (let k = 0; k < n.length; k++) fp[k] = fpBytes.readInt32LE(k * 4);
    return [first, fp, n] as [number, Int32Array, Uint8Array];
  });
  const inconsistent = o.inconsistent === undefined ? new IntervalSet() : read.ranges(o.inconsistent, `${field}.inconsistent`, true);
  const unverifiable = o.unverifiable === undefined ? new IntervalSet() : read.ranges(o.unverifiable, `${field}.unverifiable`, true);
  return OffsetFingerprints.fromParts(runs, inconsistent, unverifiable);
}

function decodeExamples(value: unknown, field: string, cap: number): ExampleSet {
  const set = new ExampleSet(cap);
  read.array(value, field).forEach((item, i) => {
    const f = `${field}[${i}]`;
    const e = read.object(item, f);
    set.offer({
      producerId: read.string(e.producerId, `${f}.producerId`),
      keyEpoch: read.int(e.keyEpoch, `${f}.keyEpoch`),
      key: read.string(e.key, `${f}.key`),
      seq: read.int(e.seq, `${f}.seq`),
      topic: read.string(e.topic, `${f}.topic`),
      partition: read.int(e.partition, `${f}.partition`, 0),
      offset: read.int(e.offset, `${f}.offset`, 0),
      timeUs: read.finite(e.timeUs, `${f}.timeUs`),
    });
  });
  return set;
}

export { read as snapshotReader };
