import type { RecordSource } from './record-source';

/**
 * What the checking thread and the fetch thread say to each other (fetch-thread.ts,
 * threaded-record-source.ts). The fetch thread runs the Kafka client; the checking thread runs the
 * validation. A shared Int32 (`generation`) counts the group's rebalances as the fetch thread sees
 * them, so the checking thread can tell at once that a batch it holds belongs to an older
 * assignment, without waiting for the message that says so.
 */

/** The RecordSource calls that are plain requests and replies (consume is served apart: it streams). */
export type SourceCall = Exclude<keyof RecordSource, 'consume' | 'isRebalancing'>;

export type ToFetchThread =
  | { kind: 'call'; id: number; method: SourceCall; args: unknown[] }
  | { kind: 'consume'; id: number; topics: string[] }
  /** Read this partition from `offset` next; batches tagged with an older seek epoch are stale. */
  | { kind: 'seek'; topic: string; partition: number; offset: number }
  /** The checking thread is done with a batch of this many bytes (flow control). */
  | { kind: 'done'; bytes: number };

export type FromFetchThread =
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; name: string; message: string }
  | { kind: 'rebalancing' }
  | { kind: 'assignment'; generation: number; assignment: Record<string, number[]> }
  | { kind: 'empty'; generation: number; topic: string; partition: number; lastOffset: number }
  | {
      kind: 'batch';
      generation: number;
      /** How many seeks of this partition the fetch thread had applied when it handed the batch over. */
      epoch: number;
      topic: string;
      partition: number;
      firstOffset: number | null;
      lastOffset: number;
      /** The records, packed (packed-batch.ts); transferred, not copied. */
      data: ArrayBuffer;
    };

/** The end of a channel either thread holds: a worker_threads MessagePort, parentPort or Worker. */
export interface ThreadPort<In, Out> {
  postMessage(message: Out, transfer?: ArrayBuffer[]): void;
  on(event: 'message', listener: (message: In) => void): unknown;
}

/** Bytes of packed batches the fetch thread may have handed over and not yet seen checked. */
export const DEFAULT_MAX_INFLIGHT_BYTES = 16 * 2 ** 20;
