import { ProduceBatchBuilder } from './produce-batch';
import { revived, type FromClientProcess, type ClientPort, type ToClientProcess } from './client-process-protocol';
import type { ConnectedSink } from './kafka-sink';
import type { Delivery, OutgoingRecord } from './producer-run';

/** A call to the client process before it gets its id. */
type CallWithoutId = Extract<ToClientProcess, { type: 'call' }> extends infer C ? (C extends unknown ? Omit<C, 'id'> : never) : never;

/** A started client process, as the producer sees it. */
export interface ClientProcess {
  port: ClientPort<FromClientProcess, ToClientProcess>;
  terminate(): Promise<number>;
  /** Called if the process dies (an error or an exit). */
  onDeath(listener: (err: Error) => void): void;
}

/**
 * The producer's RecordSink when its Kafka client runs in a client process (CLIENT_PROCESS; see
 * client-process.ts). Each turn's records go over as one packed batch (at the end of the turn: a microtask), and
 * each record still gets its own delivery report, by id. Backpressure stays synchronous: `produce` says the queue
 * is full once `maxQueuedRecords` records are in flight (handed over, not yet reported). If the process dies, every
 * record in flight is reported failed with that reason (indeterminate: it may have been written), and so is every
 * record handed over after.
 */
export async function connectRemoteSink(client: ClientProcess, maxQueuedRecords: number): Promise<ConnectedSink> {
  const callbacks = new Map<number, (d: Delivery) => void>();
  const calls = new Map<number, { resolve: (value: number | undefined) => void; reject: (err: Error) => void }>();
  let nextId = 1;
  const builder = new ProduceBatchBuilder();
  let posting = false;
  let death: Error | undefined;
  let settleReady: { resolve: () => void; reject: (err: Error) => void } | undefined;
  const ready = new Promise<void>((resolve, reject) => (settleReady = { resolve, reject }));

  const die = (err: Error): void => {
    if (death !== undefined) return;
    death = err;
    settleReady?.reject(err);
    for (const [, cb] of callbacks) cb({ ok: false, error: err });
    callbacks.clear();
    for (const [, c] of calls) c.reject(err);
    calls.clear();
  };
  client.onDeath(die);

  client.port.on('message', (m: FromClientProcess) => {
    if (m.type === 'ready') return settleReady?.resolve();
    if (m.type === 'failed') return die(revived(m.error));
    if (m.type === 'answer') {
      const c = calls.get(m.id);
      calls.delete(m.id);
      if (m.ok) c?.resolve(m.value);
      else c?.reject(revived(m.error));
      return;
    }
    let e = 0;
    for (let i = 0; i < m.ids.length; i++) {
      const cb = callbacks.get(m.ids[i]);
      callbacks.delete(m.ids[i]);
      let d: Delivery;
      if (e < m.errors.length && m.errors[e][0] === i) d = { ok: false, error: revived(m.errors[e++][1]) };
      else d = { ok: true, partition: m.partitions[i], offset: m.offsets[i] };
      cb?.(d);
    }
  });

  const post = (): void => {
    posting = false;
    if (builder.count === 0 || death !== undefined) return;
    const batch = builder.seal();
    client.port.postMessage({ type: 'produce', batch }, [batch.meta.buffer as ArrayBuffer, batch.data.buffer as ArrayBuffer]);
  };
  const call = (message: CallWithoutId): Promise<number | undefined> => {
    if (death !== undefined) return Promise.reject(death);
    post();
    const id = nextId++;
    return new Promise((resolve, reject) => {
      calls.set(id, { resolve, reject });
      client.port.postMessage({ ...message, id } as ToClientProcess);
    });
  };

  await ready;
  return {
    produce(topic: string, r: OutgoingRecord, onDelivery: (d: Delivery) => void): boolean {
      if (death !== undefined) {
        const err = death;
        queueMicrotask(() => onDelivery({ ok: false, error: err }));
        return true;
      }
      if (callbacks.size >= maxQueuedRecords) return false;
      const id = nextId++;
      callbacks.set(id, onDelivery);
      builder.add(id, topic, r);
      if (!posting) {
        posting = true;
        queueMicrotask(post);
      }
      return true;
    },
    flush: async (timeoutMs: number) => {
      await call({ type: 'call', op: 'flush', timeoutMs }).catch(() => undefined);
    },
    partitionCount: async (topic: string) => (await call({ type: 'call', op: 'partitions', topic }))!,
    disconnect: async () => {
      await call({ type: 'call', op: 'disconnect' }).catch(() => undefined);
      await client.terminate();
    },
  };
}
