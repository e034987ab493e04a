import { partitionId, type Watermarks } from './drain';
import type { FromFetchThread, SourceCall, ThreadPort, ToFetchThread } from './fetch-thread-protocol';
import { unpackRecords } from './packed-batch';
import type { RecordSource, RecordSourceHandlers } from './record-source';

/** How long the checking thread checks batches before it lets the event loop take a turn. */
export const DEFAULT_YIELD_EVERY_MS = 20;

/** The fetch thread as the checking thread holds it. */
export interface FetchThread {
  port: ThreadPort<FromFetchThread, ToFetchThread>;
  /** The generation counter the fetch thread bumps at every rebalance (see fetch-thread-protocol.ts). */
  shared: Int32Array;
  /** Ends the thread (after `close`). */
  terminate(): Promise<unknown>;
  /** Calls `listener` if the thread fails or exits. */
  onDeath(listener: (error: Error) => void): void;
}

/**
 * A RecordSource whose Kafka client runs on another thread (fetch-thread.ts): the checking thread
 * only unpacks and checks. One validator then uses two cores: the client's fetch decoding on one,
 * the checks on the other (issue 9: one validator was CPU-bound on one core at ~77,000 records/s
 * of 1 KiB, with the client's decoding ~30% of its time).
 *
 * Everything the thread says is handled in order, one message at a time (a batch's checks may
 * await), so assignments, rebalances and batches keep the order they had on the fetch thread. A
 * batch is dropped, unchecked, when it belongs to an older group generation than the one the
 * fetch thread is in now (the group rebalanced after it was fetched: kafkajs's `isStale`), when it
 * was fetched before a seek the run asked for, or once the run stops consuming.
 *
 * `onFailure` is called once if the thread dies: the run cannot read any more.
 */
export function threadedRecordSource(
  start: () => FetchThread,
  onFailure: (error: Error) => void,
  opts: { yieldEveryMs?: number; nowMs?: () => number } = {},
): RecordSource {
  const yieldEveryMs = opts.yieldEveryMs ?? DEFAULT_YIELD_EVERY_MS;
  const nowMs = opts.nowMs ?? (() => performance.now());
  let lastYield = nowMs();
  let thread: FetchThread | undefined;
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let handlers: RecordSourceHandlers | undefined;
  let stopping = false;
  let closed = false;
  /** The generation of the last assignment the run was told of. */
  let told = 0;
  const seeksAsked = new Map<string, number>();
  let queue: Promise<void> = Promise.resolve();

  const current = (generation: number): boolean => !stopping && Atomics.load(thread!.shared, 0) === generation;
  const send = (m: ToFetchThread): void => thread!.port.postMessage(m);

  const handle = async (m: Exclude<FromFetchThread, { kind: 'reply' }>): Promise<void> => {
    // Set before `consume` asks the thread to join: every message of the group comes after it.
    if (handlers === undefined) throw new Error(`the fetch thread sent '${m.kind}' before consume was called`);
    switch (m.kind) {
      case 'rebalancing':
        handlers.onRebalancing();
        return;
      case 'assignment':
        told = m.generation;
        handlers.onAssignment(m.assignment);
        return;
      case 'empty':
        if (current(m.generation)) handlers.onEmptyBatch(m.topic, m.partition, m.lastOffset);
        return;
      case 'batch': {
        const bytes = m.data.byteLength;
        try {
          const id = partitionId(m.topic, m.partition);
          const stillCurrent = () => current(m.generation) && m.epoch >= (seeksAsked.get(id) ?? 0);
          if (!stillCurrent()) return;
          const records = unpackRecords(m.topic, m.partition, m.data);
          await handlers.onBatch(
            { topic: m.topic, partition: m.partition, firstOffset: m.firstOffset, lastOffset: m.lastOffset, records },
            {
              isCurrent: stillCurrent,
              // The fetch thread resolves each batch as it hands it over: the run commits what its reports cover.
              resolveOffset: () => undefined,
              seek: (offset) => {
                seeksAsked.set(id, (seeksAsked.get(id) ?? 0) + 1);
                send({ kind: 'seek', topic: m.topic, partition: m.partition, offset });
              },
              // The fetch thread heartbeats after handing each batch over.
              heartbeat: async () => undefined,
            },
          );
        } finally {
          if (!closed) send({ kind: 'done', bytes });
        }
        // Node hands a port's queued messages over in one go (1000 at least) and the fetch thread refills the
        // queue as fast as batches are checked: without a turn of the event loop now and then, the HTTP server
        // (probes, /metrics) and the report timer would wait for seconds (4.5 s seen in the bench).
        if (nowMs() - lastYield >= yieldEveryMs) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          lastYield = nowMs();
        }
        return;
      }
    }
  };

  const call = <T>(m: { kind: 'call'; method: SourceCall; args: unknown[] } | { kind: 'consume'; topics: string[] }): Promise<T> => {
    if (thread === undefined || closed)
      return Promise.reject(new Error('the fetch thread is not running (not connected yet, closed, or it died: see fetch_thread_failed)'));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      send({ ...m, id } as ToFetchThread);
    });
  };

  const fail = (error: Error): void => {
    if (closed) return;
    closed = true;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
    onFailure(error);
  };

  return {
    async connect() {
      thread = start();
      thread.port.on('message', (m) => {
        if (m.kind === 'reply') {
          const p = pending.get(m.id);
          pending.delete(m.id);
          if (p === undefined) return;
          if (m.ok) p.resolve(m.value);
          else p.reject(Object.assign(new Error(m.message), { name: m.name }));
          return;
        }
        queue = queue.then(() => handle(m)).catch((err: unknown) => fail(err instanceof Error ? err : new Error(String(err))));
      });
      thread.onDeath(fail);
      await call({ kind: 'call', method: 'connect', args: [] });
    },
    listTopics: () => call<string[]>({ kind: 'call', method: 'listTopics', args: [] }),
    usesLogAppendTime: (topics) => call<boolean>({ kind: 'call', method: 'usesLogAppendTime', args: [[...topics]] }),
    watermarks: (topic) => call<Map<string, Watermarks>>({ kind: 'call', method: 'watermarks', args: [topic] }),
    async consume(topics, h) {
      handlers = h;
      await call({ kind: 'consume', topics: [...topics] });
    },
    isRebalancing: () => thread !== undefined && Atomics.load(thread.shared, 0) !== told,
    commit: (offsets) => call<void>({ kind: 'call', method: 'commit', args: [offsets.map((o) => ({ ...o }))] }),
    async stopConsuming() {
      // Batches still queued are dropped (and acknowledged, so the fetch thread can stop).
      stopping = true;
      await call({ kind: 'call', method: 'stopConsuming', args: [] });
    },
    async close() {
      if (thread === undefined || closed) return;
      stopping = true;
      await call({ kind: 'call', method: 'close', args: [] }).catch(() => undefined);
      closed = true;
      await thread.terminate();
    },
  };
}
