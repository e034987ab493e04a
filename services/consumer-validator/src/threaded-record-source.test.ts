import { MessageChannel } from 'node:worker_threads';
import { serveFetchThread } from './fetch-thread';
import type { FromFetchThread, ThreadPort, ToFetchThread } from './fetch-thread-protocol';
import type { TargetRecord } from './record-intake';
import type { BatchControl, SourceBatch } from './record-source';
import { FakeRecordSource } from './testing/fake-record-source';
import { threadedRecordSource } from './threaded-record-source';

/**
 * Both ends in this thread, over a real MessageChannel (the same structured clone and transfer a
 * worker thread gets): the fetch thread's side serves a FakeRecordSource playing kafkajs.
 */
const channels: MessageChannel[] = [];
afterEach(() => {
  for (const c of channels.splice(0)) {
    c.port1.close();
    c.port2.close();
  }
});

function rig(opts: { maxInflightBytes?: number; yieldEveryMs?: number } = {}) {
  const channel = new MessageChannel();
  channels.push(channel);
  const shared = new Int32Array(new SharedArrayBuffer(4));
  const kafka = new FakeRecordSource(['t'], new Map([['t\u00000', { low: 0, high: 9 }]]));
  serveFetchThread(channel.port1 as unknown as ThreadPort<ToFetchThread, FromFetchThread>, kafka, shared, {
    maxInflightBytes: opts.maxInflightBytes ?? 1 << 20,
  });
  const failures: Error[] = [];
  let death: ((e: Error) => void) | undefined;
  const source = threadedRecordSource(
    () => ({
      port: channel.port2 as unknown as ThreadPort<FromFetchThread, ToFetchThread>,
      shared,
      terminate: async () => {
        channel.port1.close();
        channel.port2.close();
      },
      onDeath: (l) => {
        death = l;
      },
    }),
    (e) => failures.push(e),
    opts.yieldEveryMs !== undefined ? { yieldEveryMs: opts.yieldEveryMs } : {},
  );
  const seen: Array<{ batch: SourceBatch; current: boolean }> = [];
  const events: string[] = [];
  let onBatch: (batch: SourceBatch, control: BatchControl) => Promise<void> = async (batch, control) => {
    seen.push({ batch, current: control.isCurrent() });
  };
  const handlers = {
    onRebalancing: () => events.push('rebalancing'),
    onAssignment: (a: Record<string, number[]>) => events.push(`assignment ${JSON.stringify(a)}`),
    onEmptyBatch: (topic: string, partition: number, last: number) => events.push(`empty ${topic}-${partition}@${last}`),
    onBatch: (b: SourceBatch, c: BatchControl) => onBatch(b, c),
  };
  return {
    kafka,
    source,
    shared,
    seen,
    events,
    failures,
    die: (e: Error) => death!(e),
    setOnBatch: (f: typeof onBatch) => (onBatch = f),
    async start() {
      await source.connect();
      await source.consume(['t'], handlers);
      return kafka.joined();
    },
  };
}

const rec = (offset: number, value = `v${offset}`): TargetRecord => ({
  topic: 't',
  partition: 0,
  offset,
  key: Buffer.from(`k${offset}`),
  value: Buffer.from(value),
  headers: { ml: Buffer.from(`m${offset}`) },
  timestampMs: 1000 + offset,
});
const settle = async (until: () => boolean) => {
  for (let i = 0; i < 1000 && !until(); i++) await new Promise((r) => setImmediate(r));
  expect(until()).toBe(true);
};

test('calls reach the client on the other side and their answers (a Map of watermarks, errors) come back', async () => {
  const r = rig();
  await r.start();
  expect(r.kafka.calls).toEqual(['connect', 'consume']);
  expect(await r.source.listTopics()).toEqual(['t']);
  expect(await r.source.watermarks('t')).toEqual(new Map([['t\u00000', { low: 0, high: 9 }]]));
  await r.source.commit([{ topic: 't', partition: 0, offset: 5 }]);
  expect(r.kafka.commits).toEqual([[{ topic: 't', partition: 0, offset: 5 }]]);
  r.kafka.listTopics = async () => {
    throw Object.assign(new Error('broker down'), { name: 'KafkaJSConnectionError' });
  };
  await expect(r.source.listTopics()).rejects.toMatchObject({ name: 'KafkaJSConnectionError', message: 'broker down' });
  await r.source.close();
  expect(r.kafka.calls).toEqual(['connect', 'consume', 'close']);
});

test('assignments and batches arrive in the order the client gave them, records intact; the client moves on at once', async () => {
  const r = rig();
  await r.start();
  r.kafka.assign({ t: [0] });
  await r.kafka.deliver([rec(0), rec(1)]);
  await r.kafka.deliver([rec(2)], { lastOffset: 4 });
  await settle(() => r.seen.length === 2);
  expect(r.events).toEqual(['rebalancing', 'assignment {"t":[0]}']);
  expect(r.seen.map((s) => [s.batch.firstOffset, s.batch.lastOffset, s.current])).toEqual([
    [0, 1, true],
    [2, 4, true],
  ]);
  expect(
    r.seen[0].batch.records.map((x) => [x.offset, x.key?.toString(), x.value?.toString(), x.headers?.ml?.toString(), x.timestampMs]),
  ).toEqual([
    [0, 'k0', 'v0', 'm0', 1000],
    [1, 'k1', 'v1', 'm1', 1001],
  ]);
  // The fetch side resolved each batch's last record as it handed it over.
  expect(r.kafka.resolved).toEqual(['t-0@1', 't-0@2']);
  expect(r.source.isRebalancing()).toBe(false);
  await r.source.close();
});

test('a batch fetched before a rebalance is dropped unchecked, and the run hears of the rebalance before the thread tells it', async () => {
  const r = rig();
  await r.start();
  r.kafka.assign({ t: [0] });
  await settle(() => r.events.length === 2);
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const currentAfter: boolean[] = [];
  r.setOnBatch(async (batch, control) => {
    r.seen.push({ batch, current: control.isCurrent() });
    await held; // the run is checking this batch while the group rebalances
    currentAfter.push(control.isCurrent());
  });
  await r.kafka.deliver([rec(0)]);
  await r.kafka.deliver([rec(1)]);
  await settle(() => r.seen.length === 1);
  r.kafka.handlers!.onRebalancing();
  // The run holds batch 0 and has not read the 'rebalancing' message yet: the shared generation already says so.
  expect(r.source.isRebalancing()).toBe(true);
  r.kafka.handlers!.onAssignment({ t: [0] });
  release();
  await settle(() => r.events.length === 4);
  expect(currentAfter).toEqual([false]);
  // Batch 1 was handed over before the rebalance: dropped.
  expect(r.seen.map((s) => s.batch.firstOffset)).toEqual([0]);
  expect(r.source.isRebalancing()).toBe(false);
  await r.kafka.deliver([rec(1)]);
  await settle(() => r.seen.length === 2);
  expect(r.seen[1]).toMatchObject({ batch: { firstOffset: 1 }, current: true });
  await r.source.close();
});

test('batches handed over before a seek the run asked for are dropped; the client seeks; what comes after is checked', async () => {
  const r = rig();
  await r.start();
  r.kafka.assign({ t: [0] });
  let sought = false;
  r.setOnBatch(async (batch, control) => {
    r.seen.push({ batch, current: control.isCurrent() });
    if (!sought) {
      sought = true;
      control.seek(0);
      expect(control.isCurrent()).toBe(false);
    }
  });
  await r.kafka.deliver([rec(5)]);
  await r.kafka.deliver([rec(6)]);
  await settle(() => r.kafka.seeks.length === 1);
  expect(r.kafka.seeks).toEqual([{ topic: 't', partition: 0, offset: 0 }]);
  await r.kafka.deliver([rec(0)]);
  await settle(() => r.seen.length === 2);
  expect(r.seen.map((s) => s.batch.firstOffset)).toEqual([5, 0]);
  await r.source.close();
});

test('the fetch side waits once more than maxInflightBytes are unchecked, and goes on as the run checks them', async () => {
  const r = rig({ maxInflightBytes: 1024 });
  await r.start();
  r.kafka.assign({ t: [0] });
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  r.setOnBatch(async (batch) => {
    r.seen.push({ batch, current: true });
    await held;
  });
  let handedOver = 0;
  const big = (o: number) => rec(o, 'x'.repeat(2000));
  const first = r.kafka.deliver([big(0)]).then(() => handedOver++);
  await settle(() => r.seen.length === 1);
  for (let i = 0; i < 20; i++) await new Promise((res) => setImmediate(res));
  expect(handedOver).toBe(0);
  release();
  await first;
  await r.kafka.deliver([rec(1)]);
  await settle(() => r.seen.length === 2);
  await r.source.close();
});

test('the empty batches of a current assignment pass; once the run stops consuming, queued batches are dropped', async () => {
  const r = rig();
  await r.start();
  r.kafka.assign({ t: [0] });
  r.kafka.handlers!.onEmptyBatch('t', 0, 3);
  await settle(() => r.events.length === 3);
  expect(r.events[2]).toBe('empty t-0@3');
  await r.source.stopConsuming();
  await r.kafka.deliver([rec(4)]);
  for (let i = 0; i < 20; i++) await new Promise((res) => setImmediate(res));
  expect(r.seen).toEqual([]);
  expect(r.kafka.calls).toContain('stopConsuming');
  await r.source.close();
});

test("a thread that dies fails the calls waiting on it and tells the run's owner once", async () => {
  const r = rig();
  await r.start();
  r.kafka.listTopics = () => new Promise<string[]>(() => undefined);
  const waiting = r.source.listTopics();
  r.die(new Error('the fetch thread exited with code 1'));
  r.die(new Error('again'));
  await expect(waiting).rejects.toThrow('the fetch thread exited with code 1');
  expect(r.failures.map((e) => e.message)).toEqual(['the fetch thread exited with code 1']);
  await expect(r.source.listTopics()).rejects.toThrow('the fetch thread is not running');
});

test('while batches keep coming, the checking thread lets the event loop turn (HTTP probes, the report timer) every yieldEveryMs', async () => {
  const r = rig({ yieldEveryMs: 10 });
  await r.start();
  r.kafka.assign({ t: [0] });
  let checked = 0;
  let timerRanAfter: number | undefined;
  r.setOnBatch(async () => {
    if (checked === 0) setTimeout(() => (timerRanAfter = checked), 0);
    const until = performance.now() + 3;
    while (performance.now() < until); // a batch's checks: 3 ms of CPU
    checked++;
  });
  for (let i = 0; i < 40; i++) await r.kafka.deliver([rec(i)]);
  await settle(() => checked === 40);
  // Without the turns, the timer would run only after all 40 (120 ms of checks in one go).
  expect(timerRanAfter).toBeDefined();
  expect(timerRanAfter!).toBeLessThan(40);
  await r.source.close();
});
