import { MessageChannel } from 'node:worker_threads';
import fc from 'fast-check';
import { forEachPacked, ProduceBatchBuilder } from './produce-batch';
import { serveClientProcess } from './client-process';
import type { FromClientProcess, ClientPort, ToClientProcess } from './client-process-protocol';
import type { ConnectedSink } from './kafka-sink';
import type { Delivery, OutgoingRecord } from './producer-run';
import { classifyDeliveryError } from './send-outcome';
import { connectRemoteSink, type ClientProcess } from './remote-sink';

interface Written {
  topic: string;
  r: OutgoingRecord;
  report: (d: Delivery) => void;
}

/** A client on the client process's side: records what it is given; `room` records fit before it says its queue is full. */
function fakeClient(room = Infinity) {
  const written: Written[] = [];
  let refusals = 0;
  const client: ConnectedSink & { written: Written[]; room: number; refusals: () => number } = {
    written,
    room,
    refusals: () => refusals,
    produce(topic, r, report) {
      if (client.room <= 0) {
        refusals += 1;
        return false;
      }
      client.room -= 1;
      // Copies, as librdkafka copies what it is given.
      written.push({ topic, r: { ...r, key: Buffer.from(r.key), value: Buffer.from(r.value), headers: { ...r.headers } }, report });
      return true;
    },
    flush: async () => undefined,
    partitionCount: async (topic) => (topic === 'six' ? 6 : Promise.reject(new Error(`topic ${topic} not found`))),
    disconnect: async () => undefined,
  };
  return client;
}

/** The two sides in one process, over a real MessageChannel (messages cloned, as between processes). */
async function wired(client: ConnectedSink, maxQueued = 1000) {
  const { port1, port2 } = new MessageChannel();
  serveClientProcess(port2 as unknown as ClientPort<ToClientProcess, FromClientProcess>, client);
  let death: ((err: Error) => void) | undefined;
  const client2: ClientProcess = {
    port: port1 as unknown as ClientPort<FromClientProcess, ToClientProcess>,
    terminate: async () => {
      port1.close();
      return 0;
    },
    onDeath: (listener) => (death = listener),
  };
  queueMicrotask(() => port2.postMessage({ type: 'ready' }));
  const sink = await connectRemoteSink(client2, maxQueued);
  return { sink, kill: (err: Error) => death?.(err), close: () => (port1.close(), port2.close()) };
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 2));
  expect(cond()).toBe(true);
};

const record = (i: number): OutgoingRecord => ({
  partition: i % 3,
  key: Buffer.from(`k${i % 5}`),
  value: Buffer.from(`value-${i}`),
  headers: { ml: Buffer.from(`meta-${i}`) },
});

describe('ProduceBatchBuilder', () => {
  test('packs records and forEachPacked gives back the same topics, partitions, keys, values and headers, in order', () => {
    const bytes = fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b));
    const records = fc.array(
      fc.record({
        topic: fc.constantFrom('a', 'b', 'ç'),
        partition: fc.nat(100),
        key: bytes,
        value: bytes,
        headers: fc.dictionary(fc.constantFrom('ml', 'ml-s', 'x'), bytes),
      }),
      { maxLength: 50 },
    );
    fc.assert(
      fc.property(records, (rs) => {
        const b = new ProduceBatchBuilder();
        rs.forEach(({ topic, ...r }, i) => b.add(1000 + i, topic, r));
        const got: Array<{ id: number; topic: string; r: OutgoingRecord }> = [];
        forEachPacked(b.seal(), (id, topic, r) => got.push({ id, topic, r }));
        expect(got.map((g) => g.id)).toEqual(rs.map((_, i) => 1000 + i));
        expect(got.map(({ topic, r }) => ({ topic, ...r }))).toEqual(rs);
        expect(b.count).toBe(0);
      }),
    );
  });
});

describe('connectRemoteSink and serveClientProcess', () => {
  test('every record reaches the client in order, byte for byte, and gets its own report back', async () => {
    const client = fakeClient();
    const { sink, close } = await wired(client);
    const reports: Array<[number, Delivery]> = [];
    for (let i = 0; i < 250; i++) expect(sink.produce(i % 2 ? 'odd' : 'even', record(i), (d) => reports.push([i, d]))).toBe(true);
    await until(() => client.written.length === 250);
    client.written.forEach((w, i) => {
      expect(w.topic).toBe(i % 2 ? 'odd' : 'even');
      expect(w.r).toEqual(record(i));
    });
    // Reports in another order than the records: each still reaches its own record.
    client.written.forEach((w, i) => (i % 7 === 3 ? undefined : w.report({ ok: true, partition: w.r.partition, offset: i })));
    client.written.forEach((w, i) =>
      i % 7 === 3 ? w.report({ ok: false, error: Object.assign(new Error('Broker: Message size too large'), { code: 10 }) }) : undefined,
    );
    await until(() => reports.length === 250);
    for (const [i, d] of reports) {
      if (i % 7 === 3) {
        expect(d.ok).toBe(false);
        if (!d.ok) expect(classifyDeliveryError(d.error)).toBe('failed');
      } else expect(d).toEqual({ ok: true, partition: i % 3, offset: i });
    }
    close();
  });

  test('says its queue is full once maxQueuedRecords are in flight, and has room again as reports come back', async () => {
    const client = fakeClient();
    const { sink, close } = await wired(client, 10);
    let reported = 0;
    for (let i = 0; i < 10; i++) expect(sink.produce('t', record(i), () => (reported += 1))).toBe(true);
    expect(sink.produce('t', record(10), () => undefined)).toBe(false);
    await until(() => client.written.length === 10);
    client.written.slice(0, 4).forEach((w) => w.report({ ok: true, partition: w.r.partition, offset: 1 }));
    await until(() => reported === 4);
    expect(sink.produce('t', record(10), () => undefined)).toBe(true);
    close();
  });

  test('a full client queue in the client process holds the rest of the batch, in order, until there is room', async () => {
    const client = fakeClient(30);
    const { sink, close } = await wired(client);
    for (let i = 0; i < 100; i++) sink.produce('t', record(i), () => undefined);
    await until(() => client.written.length === 30 && client.refusals() > 0);
    client.room = 70;
    await until(() => client.written.length === 100);
    expect(client.written.map((w) => w.r.value.toString())).toEqual(Array.from({ length: 100 }, (_, i) => `value-${i}`));
    close();
  });

  test('a client process that dies fails every record in flight and every record after it (indeterminate), and every call', async () => {
    const client = fakeClient();
    const { sink, kill, close } = await wired(client);
    const reports: Delivery[] = [];
    for (let i = 0; i < 5; i++) sink.produce('t', record(i), (d) => reports.push(d));
    kill(new Error('the client process exited with code 1'));
    expect(sink.produce('t', record(5), (d) => reports.push(d))).toBe(true);
    await until(() => reports.length === 6);
    for (const d of reports) {
      expect(d.ok).toBe(false);
      if (!d.ok) expect(classifyDeliveryError(d.error)).toBe('indeterminate');
    }
    await expect(sink.partitionCount('six')).rejects.toThrow(/exited with code 1/);
    close();
  });

  test('partition counts, flush and disconnect are answered by the client process, errors included', async () => {
    const client = fakeClient();
    const { sink, close } = await wired(client);
    await expect(sink.partitionCount('six')).resolves.toBe(6);
    await expect(sink.partitionCount('nope')).rejects.toThrow('topic nope not found');
    sink.produce('t', record(0), () => undefined);
    await sink.flush(1000);
    // The flush came after the record: the record was handed over first.
    expect(client.written).toHaveLength(1);
    await sink.disconnect();
    close();
  });
});
