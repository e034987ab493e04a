import { partitionId } from './drain';
import type { FromFetchThread, SourceCall, ThreadPort, ToFetchThread } from './fetch-thread-protocol';
import { packRecords } from './packed-batch';
import type { BatchControl, RecordSource } from './record-source';

/**
 * The fetch thread's side: runs `source` (the Kafka client, kafka-record-source.ts) and hands each
 * fetched batch, packed, to the checking thread without waiting for it to be checked, so fetching
 * and decoding the next batch overlaps checking this one. At most `maxInflightBytes` of batches
 * wait unchecked; beyond that the fetch thread waits (and the group's heartbeats with it, so the
 * bound must be checkable within the session timeout: 16 MiB is well inside 15 s).
 *
 * Batches are tagged with the group generation (shared[0], bumped at every rebalance and join)
 * and the partition's seek epoch, so the checking thread drops the ones handed over before a
 * rebalance or a seek it asked for. Batches kafkajs calls stale, or that arrive while the group
 * rebalances, are not handed over.
 */
export function serveFetchThread(
  port: ThreadPort<ToFetchThread, FromFetchThread>,
  source: RecordSource,
  shared: Int32Array,
  opts: { maxInflightBytes: number },
): void {
  let inflight = 0;
  let waiting: Array<() => void> = [];
  let rebalancing = false;
  const epochs = new Map<string, number>();
  /** The latest batch control of each partition: its seek works at any time. */
  const controls = new Map<string, BatchControl>();

  const reply = (id: number, work: Promise<unknown>): void => {
    work.then(
      (value) => port.postMessage({ kind: 'reply', id, ok: true, value }),
      (err: unknown) => {
        const e = err instanceof Error ? err : new Error(String(err));
        port.postMessage({ kind: 'reply', id, ok: false, name: e.name, message: e.message });
      },
    );
  };

  port.on('message', (m) => {
    switch (m.kind) {
      case 'call': {
        const method = source[m.method as SourceCall] as (...args: unknown[]) => Promise<unknown>;
        reply(
          m.id,
          Promise.resolve().then(() => method.apply(source, m.args)),
        );
        return;
      }
      case 'consume':
        reply(
          m.id,
          source.consume(m.topics, {
            onRebalancing: () => {
              rebalancing = true;
              Atomics.add(shared, 0, 1);
              port.postMessage({ kind: 'rebalancing' });
            },
            onAssignment: (assignment) => {
              rebalancing = false;
              const generation = Atomics.add(shared, 0, 1) + 1;
              port.postMessage({ kind: 'assignment', generation, assignment });
            },
            onEmptyBatch: (topic, partition, lastOffset) => {
              if (!rebalancing) port.postMessage({ kind: 'empty', generation: Atomics.load(shared, 0), topic, partition, lastOffset });
            },
            onBatch: async (batch, control) => {
              if (rebalancing || !control.isCurrent()) return;
              const id = partitionId(batch.topic, batch.partition);
              controls.set(id, control);
              const { data } = packRecords(batch.records);
              const { topic, partition, firstOffset, lastOffset } = batch;
              const message: FromFetchThread = {
                kind: 'batch',
                generation: Atomics.load(shared, 0),
                epoch: epochs.get(id) ?? 0,
                topic,
                partition,
                firstOffset,
                lastOffset,
                data,
              };
              inflight += data.byteLength;
              port.postMessage(message, [data]);
              if (batch.records.length > 0) control.resolveOffset(batch.records[batch.records.length - 1].offset);
              while (inflight > opts.maxInflightBytes) await new Promise<void>((resolve) => waiting.push(resolve));
              await control.heartbeat();
            },
          }),
        );
        return;
      case 'seek': {
        const id = partitionId(m.topic, m.partition);
        epochs.set(id, (epochs.get(id) ?? 0) + 1);
        try {
          controls.get(id)?.seek(m.offset);
        } catch {
          // The partition is no longer this member's: its next owner reads it from its own start.
        }
        return;
      }
      case 'done': {
        inflight -= m.bytes;
        const woken = waiting;
        waiting = [];
        for (const wake of woken) wake();
        return;
      }
    }
  });
}
