import { forEachPacked, type PackedProduceBatch } from './produce-batch';
import { carried, type FromClientProcess, type ClientPort, type ToClientProcess } from './client-process-protocol';
import type { Delivery, OutgoingRecord } from './producer-run';
import type { ConnectedSink } from './kafka-sink';

/** How long the client process waits before trying again when the client says its queue is full. */
const QUEUE_FULL_RETRY_MS = 2;

/**
 * The client process's work (CLIENT_PROCESS): hands the producer's batches to its Kafka client record by record, in
 * order, and sends the delivery reports back in batches, one message per turn of its event loop. The client's
 * per-record calls and reports (about half the producer's CPU per record) run here, beside the producer's pacing and
 * bookkeeping instead of on the same thread. A full client queue holds the rest of the batch, in order, until there
 * is room (the producer keeps the records in flight below the queue's size, so this is rare).
 */
export function serveClientProcess(port: ClientPort<ToClientProcess, FromClientProcess>, sink: ConnectedSink): void {
  let ids: number[] = [];
  let partitions: number[] = [];
  let offsets: number[] = [];
  let errors: Array<[number, ReturnType<typeof carried>]> = [];
  let posting = false;
  const postReports = (): void => {
    posting = false;
    const message: FromClientProcess = {
      type: 'reports',
      ids: Float64Array.from(ids),
      partitions: Int32Array.from(partitions),
      offsets: Float64Array.from(offsets),
      errors,
    };
    ids = [];
    partitions = [];
    offsets = [];
    errors = [];
    port.postMessage(message, [
      message.ids.buffer as ArrayBuffer,
      message.partitions.buffer as ArrayBuffer,
      message.offsets.buffer as ArrayBuffer,
    ]);
  };
  const reportOf =
    (id: number) =>
    (d: Delivery): void => {
      if (!d.ok) errors.push([ids.length, carried(d.error)]);
      ids.push(id);
      partitions.push(d.ok ? d.partition : -1);
      offsets.push(d.ok ? d.offset : -1);
      if (!posting) {
        posting = true;
        setImmediate(postReports);
      }
    };

  /** Records the client's full queue refused, oldest first: everything after them waits behind them. */
  const waiting: Array<{ id: number; topic: string; r: OutgoingRecord }> = [];
  let retry: NodeJS.Timeout | undefined;
  const drainWaiting = (): void => {
    retry = undefined;
    while (waiting.length > 0) {
      const { id, topic, r } = waiting[0];
      if (!sink.produce(topic, r, reportOf(id))) {
        retry = setTimeout(drainWaiting, QUEUE_FULL_RETRY_MS);
        return;
      }
      waiting.shift();
    }
  };
  const produce = (batch: PackedProduceBatch): void => {
    forEachPacked(batch, (id, topic, r) => {
      if (waiting.length === 0 && sink.produce(topic, r, reportOf(id))) return;
      // Copied out of the batch: the views would otherwise keep its whole buffer alive, and it is reused by nothing.
      waiting.push({
        id,
        topic,
        r: { partition: r.partition, key: Buffer.from(r.key), value: Buffer.from(r.value), headers: copyHeaders(r.headers) },
      });
    });
    if (waiting.length > 0 && retry === undefined) retry = setTimeout(drainWaiting, QUEUE_FULL_RETRY_MS);
  };

  const answer = (id: number, work: Promise<number | void>): void => {
    work.then(
      (value) => port.postMessage({ type: 'answer', id, ok: true, ...(typeof value === 'number' ? { value } : {}) }),
      (err: unknown) => port.postMessage({ type: 'answer', id, ok: false, error: carried(err) }),
    );
  };
  port.on('message', (m: ToClientProcess) => {
    if (m.type === 'produce') return produce(m.batch);
    if (m.op === 'flush') {
      // Records still waiting for room go out first; the flush then covers them too.
      return answer(
        m.id,
        (async () => {
          const deadline = Date.now() + m.timeoutMs;
          while (waiting.length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, QUEUE_FULL_RETRY_MS));
          await sink.flush(Math.max(0, deadline - Date.now()));
        })(),
      );
    }
    if (m.op === 'partitions') return answer(m.id, sink.partitionCount(m.topic));
    if (retry !== undefined) clearTimeout(retry);
    answer(m.id, sink.disconnect());
  });
}

function copyHeaders(headers: Record<string, Buffer>): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const name in headers) out[name] = Buffer.from(headers[name]);
  return out;
}
