import type { KeyLedger } from './ack-ledger';
import type { KeyOffsets } from './source-offset-ledger';

/** What the producer keeps per key of a writer's plan, so a record of that key looks nothing up. */
export interface KeyState {
  key: string;
  bytes: Buffer;
  partition: number;
  ledger: KeyLedger;
  offsets: KeyOffsets;
}

/** One record's own answer from the source cluster: where it was written, or why not. */
export type Delivery = { ok: true; partition: number; offset: number } | { ok: false; error: unknown };

/** Who hears a record's outcome: `onReport` is called exactly once, with that record's own delivery. */
export interface DeliveryListener {
  onReport(d: Delivery): void;
}

/**
 * A record handed to the client and not booked yet. It is its own delivery listener (no closure per record), and a
 * link of the run's list of outstanding records (no hash set entry per record): the hundreds of thousands a fast
 * producer holds live for seconds, long enough for the garbage collector to move each object it keeps per record.
 */
export class PendingRecord implements DeliveryListener {
  /** Set once its outcome is booked: a report arriving after the end of the run is ignored. */
  settled = false;
  /** Written inside a transaction: booked when the transaction ends, not by its delivery report. */
  inTransaction = false;
  prev: PendingRecord | undefined = undefined;
  next: PendingRecord | undefined = undefined;

  constructor(
    readonly topic: string,
    readonly keyEpoch: number,
    readonly seq: number,
    readonly keyState: KeyState,
    readonly scheduledMs: number,
    readonly sentUs: number,
    private readonly deliver: (p: PendingRecord, d: Delivery) => void,
  ) {}

  get key(): string {
    return this.keyState.key;
  }

  get partition(): number {
    return this.keyState.partition;
  }

  onReport(d: Delivery): void {
    this.deliver(this, d);
  }
}

/** The records still waiting for their outcome, as a doubly linked list through the records themselves. */
export class OutstandingRecords {
  private head: PendingRecord | undefined;
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(p: PendingRecord): void {
    p.prev = undefined;
    p.next = this.head;
    if (this.head !== undefined) this.head.prev = p;
    this.head = p;
    this.count += 1;
  }

  /** Removes `p`; a record not in the list (already removed) is left alone. */
  delete(p: PendingRecord): void {
    if (p.prev === undefined && this.head !== p) return;
    if (p.prev !== undefined) p.prev.next = p.next;
    else this.head = p.next;
    if (p.next !== undefined) p.next.prev = p.prev;
    p.prev = p.next = undefined;
    this.count -= 1;
  }

  /** Every record in the list, newest first (a copy: the list may change while it is used). */
  toArray(): PendingRecord[] {
    const out: PendingRecord[] = [];
    for (let p = this.head; p !== undefined; p = p.next) out.push(p);
    return out;
  }
}
