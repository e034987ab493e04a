/**
 * Values by 32-bit record id, for ids handed out in order (BatchProducer's): a slot array indexed by the id's low bits,
 * with a Map only for an id whose slot an older, still waiting id holds (a record stuck while 2^k newer ones passed).
 * A hash map of ~200,000 entries churned at 100,000 a second spends its time in hashing and in rehashing into new
 * tables the garbage collector has to move; the slot array is allocated once.
 */
export class WaitingTable<T> {
  private readonly ids: Uint32Array;
  private readonly values: Array<T | undefined>;
  private readonly mask: number;
  private readonly overflow = new Map<number, T>();
  private count = 0;

  /** Slots for `expected` waiting ids (rounded up to a power of two, at least 1024). */
  constructor(expected: number) {
    let slots = 1024;
    while (slots < expected && slots < 1 << 24) slots *= 2;
    this.ids = new Uint32Array(slots);
    this.values = new Array<T | undefined>(slots).fill(undefined);
    this.mask = slots - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Adds `value` for `id`, which must not be waiting already. */
  set(id: number, value: T): void {
    const slot = id & this.mask;
    if (this.values[slot] === undefined) {
      this.ids[slot] = id;
      this.values[slot] = value;
    } else {
      this.overflow.set(id, value);
    }
    this.count += 1;
  }

  /** The value waiting for `id`, removed; undefined when none is. */
  take(id: number): T | undefined {
    const slot = id & this.mask;
    const value = this.values[slot];
    if (value !== undefined && this.ids[slot] === id) {
      this.values[slot] = undefined;
      this.count -= 1;
      return value;
    }
    const spilled = this.overflow.get(id);
    if (spilled !== undefined) {
      this.overflow.delete(id);
      this.count -= 1;
    }
    return spilled;
  }
}
