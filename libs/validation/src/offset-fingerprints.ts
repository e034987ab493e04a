import { IntervalSet, type Range } from './interval-set';

/**
 * A cheap fingerprint of what was read at each offset of one partition, so that
 * an offset read again with different content (a target log truncated and
 * rewritten: Jepsen's inconsistent offsets) is caught instead of being taken for
 * a plain redelivery.
 *
 * Per block of `FINGERPRINT_BLOCK` offsets: the XOR of a 32-bit hash of each first
 * read (its record checksums mixed with its offset) and the number of offsets in
 * the block read so far. Re-reads accumulate the same way; once every offset read
 * in a block has been read again, the two XORs must agree. Cost: 5 bytes per 64
 * offsets (~0.1 B per record in the snapshot, see bench/validation/RESULTS.md), in 5 KiB
 * segments, so sparse offsets cost nothing. A re-read that covers only part of a
 * block (the edges of a restart's re-read range) cannot be checked: at most 63
 * offsets at each edge of a re-read range go unverified.
 */
export const FINGERPRINT_BLOCK = 64;
const BLOCKS_PER_SEGMENT = 1024;

interface Segment {
  fp: Int32Array;
  n: Uint8Array;
}

/** 32-bit mix of a record hash with its offset: swapping two records in a block changes the XOR. */
export function mixFingerprint(hash: number, offset: number): number {
  // The offset gets its own mixing, so a content hash derived from a sequence that equals its offset does not cancel out.
  let o = Math.imul((offset | 0) ^ Math.floor(offset / 2 ** 32), 0x7feb352d);
  o = Math.imul(o ^ (o >>> 15), 0x846ca68b);
  let h = (hash ^ o ^ (o >>> 16)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

export class OffsetFingerprints {
  private segments = new Map<number, Segment>();
  private rereads = new Map<number, { fp: number; n: number }>();
  /** Block indexes where a complete re-read disagreed with the first read. */
  inconsistent = new IntervalSet();
  /** Block indexes whose fingerprint cannot be trusted (two states read overlapping parts of it without a handover). */
  unverifiable = new IntervalSet();
  private lastIndex = -1;
  private last: Segment | undefined = undefined;

  /** A first read of `offset`. */
  first(offset: number, hash: number): void {
    const block = Math.floor(offset / FINGERPRINT_BLOCK);
    const seg = this.segmentFor(block, true)!;
    const i = block % BLOCKS_PER_SEGMENT;
    seg.fp[i] ^= mixFingerprint(hash, offset);
    seg.n[i]++;
  }

  /**
   * The first re-read of `offset` (later re-reads of it are ignored by the caller).
   * True when this re-read completed its block and the block disagrees.
   */
  reread(offset: number, hash: number): boolean {
    const block = Math.floor(offset / FINGERPRINT_BLOCK);
    const seg = this.segmentFor(block, false);
    if (seg === undefined) return false;
    const i = block % BLOCKS_PER_SEGMENT;
    // A block first read by a build without fingerprints (an adopted older snapshot) cannot be checked.
    if (seg.n[i] === 0) return false;
    let r = this.rereads.get(block);
    if (r === undefined) this.rereads.set(block, (r = { fp: 0, n: 0 }));
    r.fp ^= mixFingerprint(hash, offset);
    r.n++;
    if (r.n < seg.n[i]) return false;
    this.rereads.delete(block);
    if (r.fp === seg.fp[i] || this.unverifiable.has(block) || this.inconsistent.has(block)) return false;
    this.inconsistent.add(block);
    return true;
  }

  /**
   * Folds another state of the same partition in. `mine` and `theirs` are the
   * offsets each had read. A block only one side read, or both read disjoint
   * offsets of, is combined exactly (XOR of disjoint reads). A block both read
   * some offset of (states merged without a handover) cannot be: it becomes
   * unverifiable, with a canonical fingerprint (0, and the count of the union), so
   * the merge stays commutative and associative.
   */
  mergeFrom(other: OffsetFingerprints, mine: IntervalSet, theirs: IntervalSet): void {
    this.inconsistent = this.inconsistent.union(other.inconsistent);
    const unverifiable = this.unverifiable.union(other.unverifiable);
    for (const [lo, hi] of mine.intersect(theirs).toRanges())
      unverifiable.addRange(Math.floor(lo / FINGERPRINT_BLOCK), Math.floor(hi / FINGERPRINT_BLOCK));
    this.unverifiable = unverifiable;
    for (const [s, seg] of other.segments) {
      for (let i = 0; i < BLOCKS_PER_SEGMENT; i++) {
        if (seg.n[i] === 0) continue;
        const to = this.segmentFor(s * BLOCKS_PER_SEGMENT + i, true)!;
        to.fp[i] ^= seg.fp[i];
        to.n[i] += seg.n[i];
      }
    }
    const all = mine.union(theirs);
    for (const [lo, hi] of unverifiable.toRanges()) {
      for (let block = lo; block <= hi; block++) {
        const read = all.clip(block * FINGERPRINT_BLOCK, block * FINGERPRINT_BLOCK + FINGERPRINT_BLOCK - 1).size;
        const seg = this.segmentFor(block, read > 0);
        if (seg === undefined) continue;
        seg.fp[block % BLOCKS_PER_SEGMENT] = 0;
        seg.n[block % BLOCKS_PER_SEGMENT] = read;
      }
    }
    this.lastIndex = -1;
    this.last = undefined;
  }

  clone(): OffsetFingerprints {
    const c = new OffsetFingerprints();
    for (const [s, seg] of this.segments) c.segments.set(s, { fp: seg.fp.slice(), n: seg.n.slice() });
    c.inconsistent = this.inconsistent.clone();
    c.unverifiable = this.unverifiable.clone();
    return c;
  }

  isEmpty(): boolean {
    return this.segments.size === 0 && this.inconsistent.isEmpty() && this.unverifiable.isEmpty();
  }

  /** Offsets covered by inconsistent blocks, clipped to what was read. */
  inconsistentOffsets(read: IntervalSet): IntervalSet {
    let out = new IntervalSet();
    for (const [lo, hi] of this.inconsistent.toRanges())
      out = out.union(read.clip(lo * FINGERPRINT_BLOCK, hi * FINGERPRINT_BLOCK + FINGERPRINT_BLOCK - 1));
    return out;
  }

  /** Bytes held by the fingerprint arrays (the bench reports it). */
  get bytes(): number {
    return this.segments.size * BLOCKS_PER_SEGMENT * 5;
  }

  /** Runs of consecutive blocks that were read: [first block, base64 Int32 XORs (little-endian), base64 counts]. */
  toSnapshot(): FingerprintSnapshot {
    const runs: Array<[number, string, string]> = [];
    for (const [s, seg] of [...this.segments.entries()].sort((a, b) => a[0] - b[0])) {
      let i = 0;
      while (i < BLOCKS_PER_SEGMENT) {
        if (seg.n[i] === 0) {
          i++;
          continue;
        }
        let j = i;
        while (j < BLOCKS_PER_SEGMENT && seg.n[j] !== 0) j++;
        const fp = Buffer.from(seg.fp.slice(i, j).buffer).toString('base64');
        runs.push([s * BLOCKS_PER_SEGMENT + i, fp, Buffer.from(seg.n.subarray(i, j)).toString('base64')]);
        i = j;
      }
    }
    const out: FingerprintSnapshot = { block: FINGERPRINT_BLOCK, runs };
    if (!this.inconsistent.isEmpty()) out.inconsistent = this.inconsistent.toRanges();
    if (!this.unverifiable.isEmpty()) out.unverifiable = this.unverifiable.toRanges();
    return out;
  }

  /** From checked parts of a snapshot (snapshot.ts validates the shape and names bad fields). */
  static fromParts(
    runs: ReadonlyArray<[number, Int32Array, Uint8Array]>,
    inconsistent: IntervalSet,
    unverifiable: IntervalSet,
  ): OffsetFingerprints {
    const f = new OffsetFingerprints();
    for (const [first, fp, n] of runs) {
      for (let k = 0; k < n.length; k++) {
        const seg = f.segmentFor(first + k, true)!;
        const i = (first + k) % BLOCKS_PER_SEGMENT;
        seg.fp[i] = fp[k];
        seg.n[i] = n[k];
      }
    }
    f.inconsistent = inconsistent;
    f.unverifiable = unverifiable;
    f.lastIndex = -1;
    f.last = undefined;
    return f;
  }

  private segmentFor(block: number, create: boolean): Segment | undefined {
    const index = Math.floor(block / BLOCKS_PER_SEGMENT);
    if (index === this.lastIndex && this.last !== undefined) return this.last;
    let seg = this.segments.get(index);
    if (seg === undefined) {
      if (!create) return undefined;
      seg = { fp: new Int32Array(BLOCKS_PER_SEGMENT), n: new Uint8Array(BLOCKS_PER_SEGMENT) };
      this.segments.set(index, seg);
    }
    this.lastIndex = index;
    this.last = seg;
    return seg;
  }
}

export interface FingerprintSnapshot {
  /** Offsets per block (64). */
  block: number;
  /** Runs of consecutive blocks read: [first block index, base64 Int32 XORs (little-endian), base64 per-block counts]. */
  runs: Array<[number, string, string]>;
  /** Block indexes found inconsistent / unverifiable. */
  inconsistent?: Range[];
  unverifiable?: Range[];
}
