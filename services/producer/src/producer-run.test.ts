import { decodeRecord, KeyPlan, validateScenario, type CompactHeader, type ScenarioSpec } from '@mirrorlab/protocol';
import { type ControlEventInput } from '@mirrorlab/control';
import { createLogger, type Clock } from '@mirrorlab/service-kit';
import { Registry } from 'prom-client';
import { ProducerMetrics } from './producer-metrics';
import { ProducerRun, type DeliveryListener, type OutgoingRecord, type RecordSink } from './producer-run';
import { losingSink } from './testing/losing-sink';

function spec(overrides: Record<string, unknown> = {}): ScenarioSpec {
  const r = validateScenario({
    name: 't',
    topics: [{ name: 'orders', partitions: 3 }],
    workload: { rate: { records: 100 }, duration: '10s', keysPerPartition: 2, recordSize: 16 },
    ...overrides,
  });
  if (!r.ok) throw r.error;
  return r.spec;
}

/** A clock that moves only when the code under test sleeps: runs are deterministic and instant. */
function fakeClock(startMs = 1_000_000): Clock & { advance(ms: number): void } {
  let now = startMs;
  return {
    nowMs: () => now,
    nowUs: () => now * 1000,
    sleep: async (ms) => {
      now += Math.max(ms, 1);
      await new Promise((r) => setImmediate(r));
    },
    advance: (ms) => (now += ms),
  };
}

/**
 * A client with per-partition queues: records of a stalled partition get no delivery report
 * until released; the others are acknowledged on the next turn of the event loop.
 */
class FakeSink implements RecordSink {
  produced: Array<OutgoingRecord & { topic: string }> = [];
  partitions = 3;
  failWith: unknown;
  stalled = new Set<number>();
  /** Records held by the client at most (queued, not yet reported); beyond it `produce` refuses. */
  queueLimit = Infinity;
  private held: Array<{ partition: number; deliver: () => void }> = [];
  private offsets = new Map<string, number>();
  produce(topic: string, record: OutgoingRecord, listener: DeliveryListener): boolean {
    if (this.held.length >= this.queueLimit) return false;
    this.produced.push({ topic, ...record });
    const id = `${topic}-${record.partition}`;
    const deliver = () => {
      if (this.failWith) return listener.onReport({ ok: false, error: this.failWith });
      const offset = this.offsets.get(id) ?? 0;
      this.offsets.set(id, offset + 1);
      listener.onReport({ ok: true, partition: record.partition, offset });
    };
    if (this.stalled.has(record.partition)) this.held.push({ partition: record.partition, deliver });
    else setImmediate(deliver);
    return true;
  }
  release(partition: number) {
    this.stalled.delete(partition);
    const now = this.held.filter((h) => h.partition === partition);
    this.held = this.held.filter((h) => h.partition !== partition);
    now.forEach((h) => h.deliver());
  }
  async flush() {
    await new Promise((r) => setImmediate(r));
  }
  async partitionCount() {
    return this.partitions;
  }
  records() {
    return this.produced;
  }
}

/** A sink that packs batches as the real one does: compact records come through produceWithHeader, their header written by the encoder. */
class HeaderWritingSink extends FakeSink {
  viaHeader = 0;
  produceWithHeader(
    topic: string,
    partition: number,
    key: Buffer,
    value: Buffer,
    header: CompactHeader,
    listener: DeliveryListener,
  ): boolean {
    const bytes = Buffer.alloc(header.length);
    header.writeInto(bytes, 0);
    const taken = this.produce(topic, { partition, key, value, headers: { [header.name]: bytes } }, listener);
    if (taken) this.viaHeader += 1;
    return taken;
  }
}

function makeRun(opts: {
  sink: RecordSink;
  clock: ReturnType<typeof fakeClock>;
  durationMs: number;
  scenario?: ScenarioSpec;
  startInMs?: number;
  measuringAtMs?: () => number | undefined;
  acksAll?: boolean;
}) {
  const events: ControlEventInput[] = [];
  const run = new ProducerRun({
    scenarioId: 'sc-1',
    spec: opts.scenario ?? spec(),
    producerId: 'prod-a',
    recordsPerSecond: 100,
    meanRecordBytes: 16,
    startAtMs: opts.clock.nowMs() + (opts.startInMs ?? 0),
    endAtMs: opts.clock.nowMs() + (opts.startInMs ?? 0) + opts.durationMs,
    payload: { next: () => Buffer.alloc(16, 7) },
    sink: opts.sink,
    publish: async (e) => void events.push(e),
    clock: opts.clock,
    logger: createLogger({ service: 'producer', instance: 't', write: () => undefined }),
    metrics: new ProducerMetrics(new Registry()),
    maxBatchRecords: 50,
    flushTimeoutMs: 1000,
    progressIntervalMs: 60_000,
    partitionCheckIntervalMs: 60_000,
    ...(opts.measuringAtMs ? { measuringAtMs: opts.measuringAtMs } : {}),
    ...(opts.acksAll !== undefined ? { acksAll: opts.acksAll } : {}),
  });
  return {
    run,
    events,
    final: () => events.find((e) => e.type === 'producer.progress' && e.final) as Extract<ControlEventInput, { type: 'producer.progress' }>,
  };
}

describe('ProducerRun', () => {
  it('sends at the target rate with KeyPlan keys and per-key sequences, and reports every key acked', async () => {
    const sink = new FakeSink();
    const clock = fakeClock();
    const { run, final } = makeRun({ sink, clock, durationMs: 2000 });
    await run.start();

    const records = sink.records();
    expect(records.length).toBeGreaterThanOrEqual(199);
    expect(records.length).toBeLessThanOrEqual(200);
    const plan = KeyPlan.build({ producerId: 'prod-a', partitions: 3, keysPerPartition: 2, epoch: 0 });
    records.forEach((r, i) => {
      const decoded = decodeRecord({ key: r.key, value: r.value, headers: r.headers });
      if (!decoded.ok) throw new Error(decoded.error.message);
      const slot = plan.slotForRecord(i);
      expect(decoded.record.key).toBe(slot.key);
      expect(decoded.record.meta).toMatchObject({ scenarioId: 'sc-1', producerId: 'prod-a', keyEpoch: 0, seq: slot.seq });
    });

    const report = final();
    expect(report.counts).toMatchObject({ sent: records.length, acked: records.length, failed: 0, indeterminate: 0 });
    expect(report.keys).toHaveLength(6);
    const ackedTotal = report.keys!.reduce((s, k) => s + k.acked.reduce((a, [lo, hi]) => a + hi - lo + 1, 0), 0);
    expect(ackedTotal).toBe(records.length);
    expect(report.keys!.every((k) => k.acked.length === 1 && k.acked[0][0] === 0)).toBe(true);
  });

  it("publishes every acknowledged record's source offset (its delivery report's), before the final progress", async () => {
    const sink = new FakeSink();
    const clock = fakeClock();
    const { run, events } = makeRun({ sink, clock, durationMs: 2000 });
    await run.start();
    const offsets = events.filter((e): e is Extract<ControlEventInput, { type: 'producer.offsets' }> => e.type === 'producer.offsets');
    expect(offsets.length).toBeGreaterThan(0);
    expect(events.findIndex((e) => e.type === 'producer.offsets')).toBeLessThan(
      events.findIndex((e) => e.type === 'producer.progress' && e.final),
    );
    // The fake gives offsets 0, 1, 2... per partition in send order; records of a partition rotate over its 2 keys.
    const byPartition = new Map<number, number[]>();
    for (const e of offsets) {
      for (const k of e.keys) {
        for (const [firstSeq, count, firstOffset, stride] of k.runs) {
          for (let i = 0; i < count; i++)
            (byPartition.get(k.partition) ?? byPartition.set(k.partition, []).get(k.partition)!).push(firstOffset + i * stride);
          expect(firstSeq).toBeGreaterThanOrEqual(0);
        }
      }
    }
    for (const p of [0, 1, 2]) {
      const list = (byPartition.get(p) ?? []).sort((a, b) => a - b);
      expect(list).toEqual(Array.from({ length: sink.records().filter((r) => r.partition === p).length }, (_, i) => i));
    }
    // Two keys per partition written in turn: one run per key.
    expect(offsets.flatMap((e) => e.keys).every((k) => k.runs.length === 1 && k.runs[0][3] === 2)).toBe(true);
  });

  it('under acks=all each run carries when its last record was acknowledged; under other acks none does', async () => {
    for (const acksAll of [true, false]) {
      const clock = fakeClock();
      const started = clock.nowMs();
      const { run, events } = makeRun({ sink: new FakeSink(), clock, durationMs: 2000, acksAll });
      await run.start();
      const keys = events.flatMap((e) => (e.type === 'producer.offsets' ? e.keys : []));
      expect(keys.length).toBeGreaterThan(0);
      if (!acksAll) expect(keys.every((k) => k.runsAckedByMs === undefined)).toBe(true);
      else
        for (const k of keys) {
          expect(k.runsAckedByMs).toHaveLength(k.runs.length);
          for (const t of k.runsAckedByMs!) expect(t >= started && t <= clock.nowMs()).toBe(true);
        }
    }
  });

  it('a delivery report without an offset (-1) books the record acknowledged but gives no source offset, and the final report still goes out', async () => {
    const inner = new FakeSink();
    // As the test-only losing sink and acks=0 report: acknowledged, offset unknown.
    const sink: RecordSink = {
      produce: (topic, record, listener) =>
        inner.produce(topic, record, { onReport: (d) => listener.onReport(d.ok ? { ...d, offset: -1 } : d) }),
      flush: () => inner.flush(),
      partitionCount: () => inner.partitionCount(),
    };
    const { run, events, final } = makeRun({ sink, clock: fakeClock(), durationMs: 1000 });
    await run.start();
    expect(final().counts).toMatchObject({ acked: 100, failed: 0, indeterminate: 0 });
    const runs = events.flatMap((e) => (e.type === 'producer.offsets' ? e.keys.flatMap((k) => k.runs) : []));
    expect(runs).toEqual([]);
  });

  it('books a record refused by the broker as failed and a timed-out one as indeterminate, by its own report', async () => {
    for (const [err, field] of [
      [{ code: 10, message: 'Broker: Message size too large' }, 'failed'],
      [{ code: -192, message: 'Local: Message timed out' }, 'indeterminate'],
    ] as const) {
      const sink = new FakeSink();
      sink.failWith = err;
      const { run, final } = makeRun({ sink, clock: fakeClock(), durationMs: 500 });
      await run.start();
      const counts = final().counts;
      expect(counts.acked).toBe(0);
      expect(counts[field]).toBe(counts.sent);
      expect(counts.sent).toBeGreaterThan(0);
      expect(final().keys!.every((k) => k[field].length === 1 && k.acked.length === 0)).toBe(true);
    }
  });

  it('books the records a losing sink (test only) drops after their ack as acknowledged: the checker must find them lost', async () => {
    const sink = new FakeSink();
    const { run, final } = makeRun({ sink: losingSink(sink, new Set([7])), clock: fakeClock(), durationMs: 1000 });
    await run.start();
    const plan = KeyPlan.build({ producerId: 'prod-a', partitions: 3, keysPerPartition: 2, epoch: 0 });
    const skipped = plan.slotForRecord(7);
    const sentKeys = sink.records().map((r) => {
      const d = decodeRecord({ key: r.key, value: r.value, headers: r.headers });
      return d.ok ? `${d.record.key}#${d.record.meta.seq}` : 'bad';
    });
    expect(sentKeys).not.toContain(`${skipped.key}#${skipped.seq}`);
    const key = final().keys!.find((k) => k.key === skipped.key)!;
    expect(key.acked[0][0]).toBe(0);
    // The producer believes it sent the lost record: it is acknowledged, and never reached the cluster.
    expect(final().counts.acked).toBe(sink.records().length + 1);
    expect(final().counts).toMatchObject({ sent: sink.records().length + 1, failed: 0, indeterminate: 0 });
  });

  it('stops early on request and still publishes the final report', async () => {
    const sink = new FakeSink();
    const clock = fakeClock();
    const { run, final } = makeRun({ sink, clock, durationMs: 3_600_000 });
    const done = run.start();
    await new Promise((r) => setImmediate(r));
    await run.requestStop('test');
    await done;
    expect(final()).toBeDefined();
    expect(final().counts.sent).toBeLessThan(360_000);
  });
});

test('with several topics, no key string is used in two topics', async () => {
  const sink = new FakeSink();
  const scenario = spec({
    topics: [
      { name: 'a', partitions: 3 },
      { name: 'b', partitions: 3 },
    ],
  });
  const { run } = makeRun({ sink, clock: fakeClock(), durationMs: 500, scenario });
  await run.start();
  const topicsByKey = new Map<string, Set<string>>();
  for (const r of sink.records()) {
    const key = r.key.toString();
    if (!topicsByKey.has(key)) topicsByKey.set(key, new Set());
    topicsByKey.get(key)!.add(r.topic);
  }
  expect(topicsByKey.size).toBe(12);
  expect([...topicsByKey.values()].every((t) => t.size === 1)).toBe(true);
});

test('waits for the announced start before sending', async () => {
  const sink = new FakeSink();
  const clock = fakeClock(1_000_000);
  const { run } = makeRun({ sink, clock, durationMs: 1000, startInMs: 5000 });
  await run.start();
  const first = decodeRecord(sink.records()[0]);
  expect(first.ok && first.record.meta.sendTimeUs).toBeGreaterThanOrEqual(1_005_000 * 1000);
  expect(sink.records().length).toBeGreaterThanOrEqual(99);
});

describe('per-partition independence, schedule and requested vs achieved', () => {
  const decode = (r: OutgoingRecord) => {
    const d = decodeRecord(r);
    if (!d.ok) throw new Error(d.error.message);
    return d.record;
  };

  it('a partition without acknowledgements does not slow the others; its records are booked by their own late reports', async () => {
    const sink = new FakeSink();
    sink.stalled.add(0);
    const clock = fakeClock();
    const { run, final, events } = makeRun({ sink, clock, durationMs: 3000 });
    const done = run.start();
    // Release partition 0 only after the run has ended its sending.
    while (clock.nowMs() < 1_000_000 + 3000) await new Promise((r) => setImmediate(r));
    sink.release(0);
    await done;
    const byPartition = [0, 1, 2].map((p) => sink.records().filter((r) => r.partition === p).length);
    // Acknowledged per partition per second: partitions 1 and 2 every second of the run, partition 0 only after its release.
    const acks = events.flatMap((e) => (e.type === 'producer.progress' ? (e.partitionAcks ?? []) : []));
    const ackedIn = (partition: number, fromMs: number, toMs: number) =>
      acks.filter(([t, , p]) => p === partition && t >= fromMs && t < toMs).reduce((s, a) => s + a[3], 0);
    expect(ackedIn(0, 1_000_000, 1_003_000)).toBe(0);
    // Two thirds of the run in: partitions 1 and 2 have two thirds of their 100 (one may still be in flight).
    [1, 2].forEach((p) => expect(ackedIn(p, 1_000_000, 1_002_000)).toBeGreaterThanOrEqual(66));
    expect([0, 1, 2].map((p) => ackedIn(p, 1_000_000, 1_010_000))).toEqual([100, 100, 100]);
    // 300 records scheduled, keys spread evenly: every partition got its 100, the stalled one included.
    expect(byPartition).toEqual([100, 100, 100]);
    expect(final().counts).toMatchObject({ sent: 300, acked: 300, failed: 0, indeterminate: 0 });
    // Publish delay (schedule to acknowledgement): every acknowledged record once; the held partition's
    // first records, due in the run's first second and acknowledged after its end, waited 2 s or more.
    const delays = events.flatMap((e) => (e.type === 'producer.progress' ? (e.publishDelay ?? []) : []));
    expect(delays.reduce((s, w) => s + w[1], 0)).toBe(300);
    expect(Math.max(...delays.map((w) => w[3]))).toBeGreaterThanOrEqual(2_000_000);
    expect(delays.filter(([t]) => t < 1_003_000).every(([, , p99]) => p99 < 1_000_000)).toBe(true);
  });

  it('reports that arrive after the client says it has flushed still book their records', async () => {
    const sink = new FakeSink();
    sink.stalled.add(1);
    const clock = fakeClock();
    // flush() resolves at once; partition 1's reports come 200 ms (of the fake clock) later.
    const releaseAt = 1_000_000 + 1000 + 200;
    const origSleep = clock.sleep;
    clock.sleep = async (ms, signal) => {
      await origSleep(ms, signal);
      if (sink.stalled.has(1) && clock.nowMs() >= releaseAt) sink.release(1);
    };
    const { run, final } = makeRun({ sink, clock, durationMs: 1000 });
    await run.start();
    expect(final().counts).toMatchObject({ sent: 100, acked: 100, indeterminate: 0 });
  });

  it('records with no delivery report by the end are indeterminate, the rest acknowledged', async () => {
    const sink = new FakeSink();
    sink.stalled.add(2);
    const { run, final } = makeRun({ sink, clock: fakeClock(), durationMs: 3000 });
    await run.start();
    expect(final().counts).toMatchObject({ sent: 300, acked: 200, indeterminate: 100, failed: 0 });
    const stalledKeys = final().keys!.filter((k) => k.indeterminate.length > 0);
    expect(stalledKeys).toHaveLength(2);
    expect(stalledKeys.every((k) => k.acked.length === 0)).toBe(true);
  });

  it('every record carries its scheduled send time: 100 records/s are due every 10 ms from the start', async () => {
    const sink = new FakeSink();
    const clock = fakeClock(2_000_000);
    const { run } = makeRun({ sink, clock, durationMs: 1000 });
    await run.start();
    const scheduled = sink.records().map((r) => decode(r).meta.scheduledTimeUs);
    expect(scheduled).toEqual(Array.from({ length: 100 }, (_, i) => (2_000_000 + i * 10) * 1000));
    sink.records().forEach((r) => expect(decode(r).meta.sendTimeUs).toBeGreaterThanOrEqual(decode(r).meta.scheduledTimeUs!));
  });

  it('writes the same compact records into a sink that packs batches (the header written into it) as through produce', async () => {
    const plain = new FakeSink();
    const packing = new HeaderWritingSink();
    for (const sink of [plain, packing]) {
      const { run, final } = makeRun({ sink, clock: fakeClock(3_000_000), durationMs: 1000 });
      await run.start();
      expect(final().counts).toMatchObject({ sent: 100, acked: 100, bytesSent: 1600 });
    }
    expect(packing.viaHeader).toBe(100);
    expect(packing.records()).toEqual(plain.records());
    expect(packing.records().every((r) => decodeRecord(r).ok)).toBe(true);
  });

  it('reports heard in one task share one reading of the clock; a later task reads it again', async () => {
    // Partitions 0 and 1 are stalled; the end of the run releases them one second apart, in two tasks.
    const clock = fakeClock(6_000_000);
    const sink = new FakeSink();
    sink.stalled = new Set([0, 1]);
    sink.flush = async () => {
      clock.advance(1000);
      sink.release(0);
      await new Promise((r) => setImmediate(r));
      clock.advance(1000);
      sink.release(1);
    };
    const { run, final } = makeRun({ sink, clock, durationMs: 300 });
    await run.start();
    const releasedAt = (partition: number) =>
      final()
        .partitionAcks!.filter(([, , p]) => p === partition)
        .map(([second]) => second);
    const end = Math.floor(clock.nowMs() / 1000) * 1000;
    expect(releasedAt(1)).toEqual([end]);
    expect(releasedAt(0)).toEqual([end - 1000]);
    expect(final().counts).toMatchObject({ sent: 30, acked: 30 });
  });

  it('progress carries requested and achieved records and bytes for every second of the run', async () => {
    const sink = new FakeSink();
    const clock = fakeClock(5_000_000);
    const { run, events } = makeRun({ sink, clock, durationMs: 3000 });
    await run.start();
    const rates = events.flatMap((e) => (e.type === 'producer.progress' ? (e.rates ?? []) : []));
    expect(rates).toEqual([
      [5_000_000, 100, 100, 1600, 1600],
      [5_001_000, 100, 100, 1600, 1600],
      [5_002_000, 100, 100, 1600, 1600],
    ]);
  });

  it('a full client queue holds the producer back: achieved falls below requested and the late records are shed, not burst', async () => {
    const sink = new FakeSink();
    sink.stalled.add(0);
    sink.stalled.add(1);
    sink.stalled.add(2);
    sink.queueLimit = 50;
    const clock = fakeClock(7_000_000);
    const { run, events, final } = makeRun({ sink, clock, durationMs: 3000 });
    await run.start();
    const rates = events.flatMap((e) => (e.type === 'producer.progress' ? (e.rates ?? []) : []));
    expect(rates.reduce((s, r) => s + r[1], 0)).toBe(300);
    expect(rates.reduce((s, r) => s + r[2], 0)).toBe(50);
    expect(final().counts).toMatchObject({ sent: 50, indeterminate: 50, acked: 0 });
  });
});

describe('transactional workload', () => {
  /** A FakeSink whose records are written in transactions; the scripted errors fail the next commits. */
  class FakeTxSink extends FakeSink {
    calls: string[] = [];
    override async flush() {
      this.calls.push('flush');
      await super.flush();
    }
    commitErrors: unknown[] = [];
    /** Records produced in each transaction, by its position. */
    sizes: number[] = [];
    private open = 0;
    override produce(topic: string, record: OutgoingRecord, listener: DeliveryListener): boolean {
      this.open += 1;
      return super.produce(topic, record, listener);
    }
    transactions = {
      begin: async () => {
        this.calls.push('begin');
        this.open = 0;
      },
      commit: async () => {
        this.calls.push('commit');
        this.sizes.push(this.open);
        const e = this.commitErrors.shift();
        if (e) throw e;
      },
      abort: async () => {
        this.calls.push('abort');
        this.sizes.push(this.open);
      },
    };
  }

  const seqCount = (ranges: Array<[number, number]> | undefined) => (ranges ?? []).reduce((a, [lo, hi]) => a + hi - lo + 1, 0);

  it('writes transactions of `size` records, aborts every abortEvery-th, and reports committed and aborted ranges per key', async () => {
    const sink = new FakeTxSink();
    const scenario = spec({
      workload: { rate: { records: 100 }, duration: '10s', keysPerPartition: 2, recordSize: 16, transactions: { size: 10, abortEvery: 3 } },
    });
    const { run, final } = makeRun({ sink, clock: fakeClock(), durationMs: 2000, scenario });
    await run.start();
    const sent = sink.records().length;
    expect(sent).toBeGreaterThanOrEqual(199);
    // Every transaction but maybe the last holds exactly 10 records.
    expect(sink.sizes.slice(0, -1).every((n) => n === 10)).toBe(true);
    const endings = sink.calls.filter((c) => c !== 'begin' && c !== 'flush');
    // Every abort waits for the transaction's records to be written first.
    sink.calls.forEach((c, i) => c === 'abort' && expect(sink.calls[i - 1]).toBe('flush'));
    expect(endings.slice(0, 6)).toEqual(['commit', 'commit', 'abort', 'commit', 'commit', 'abort']);
    const abortedTx = endings.filter((c) => c === 'abort').length;
    const abortedRecords = sink.sizes.filter((_, i) => endings[i] === 'abort').reduce((a, b) => a + b, 0);
    expect(abortedTx).toBeGreaterThan(0);

    const report = final();
    expect(report.counts).toMatchObject({ sent, acked: sent - abortedRecords, aborted: abortedRecords, failed: 0, indeterminate: 0 });
    const keys = report.keys!;
    expect(keys.reduce((a, k) => a + seqCount(k.aborted), 0)).toBe(abortedRecords);
    expect(keys.reduce((a, k) => a + seqCount(k.acked), 0)).toBe(sent - abortedRecords);
    // The first aborted transaction is records 20-29: with 6 keys round-robin, every key has seqs 3 or 4 (records 20..29 / 6) aborted.
    expect(keys.every((k) => (k.aborted ?? []).some(([lo, hi]) => lo <= 4 && hi >= 3))).toBe(true);
  });

  it('aborts a commit that requires it, booking its records aborted, not committed', async () => {
    const sink = new FakeTxSink();
    sink.commitErrors = [Object.assign(new Error('fenced epoch bump'), { isTxnRequiresAbort: true })];
    const scenario = spec({
      workload: { rate: { records: 100 }, duration: '10s', keysPerPartition: 2, recordSize: 16, transactions: { size: 10, abortEvery: 0 } },
    });
    const { run, final } = makeRun({ sink, clock: fakeClock(), durationMs: 500, scenario });
    await run.start();
    expect(sink.calls.filter((c) => c !== 'flush').slice(0, 4)).toEqual(['begin', 'commit', 'abort', 'begin']);
    expect(final().counts).toMatchObject({ aborted: 10, acked: sink.records().length - 10 });
  });

  it('stops the run on a fatal commit error, booking that transaction indeterminate', async () => {
    const sink = new FakeTxSink();
    sink.commitErrors = [undefined, Object.assign(new Error('fatal'), { isFatal: true })];
    const scenario = spec({
      workload: { rate: { records: 100 }, duration: '10s', keysPerPartition: 2, recordSize: 16, transactions: { size: 10, abortEvery: 0 } },
    });
    const { run, final } = makeRun({ sink, clock: fakeClock(), durationMs: 5000, scenario });
    await run.start();
    expect(sink.records().length).toBe(20);
    expect(final().counts).toMatchObject({ sent: 20, acked: 10, indeterminate: 10, aborted: 0 });
  });

  it('refuses a transactional scenario on a sink without transactions', () => {
    const scenario = spec({ workload: { rate: { records: 100 }, duration: '10s', transactions: {} } });
    expect(() => makeRun({ sink: new FakeSink(), clock: fakeClock(), durationMs: 500, scenario })).toThrow(/transactional/);
  });
});

describe('quiet topics (issue 13)', () => {
  const twoTopics = (quiet: Record<string, unknown>) =>
    spec({
      topics: [
        { name: 'busy', partitions: 3 },
        { name: 'still', partitions: 3, quiet },
      ],
      workload: { rate: { records: 100 }, duration: '10s', keysPerPartition: 2, recordSize: 16 },
    });
  const scheduledOf = (r: OutgoingRecord) => {
    const d = decodeRecord(r);
    if (!d.ok) throw new Error(d.error.message);
    return d.record.meta.scheduledTimeUs! / 1000;
  };

  it('a quiet topic takes its turn until `after` into the measured workload, then gets nothing; the busy topic gets the whole rate', async () => {
    const sink = new FakeSink();
    const clock = fakeClock(3_000_000);
    const { run } = makeRun({ sink, clock, durationMs: 3000, scenario: twoTopics({ after: '1s' }), measuringAtMs: () => 3_000_500 });
    await run.start();
    const still = sink.records().filter((r) => r.topic === 'still');
    const busy = sink.records().filter((r) => r.topic === 'busy');
    // 100 records/s from 3_000_000: the 150 due before 3_001_500 alternate, the 150 after go to busy.
    expect(still).toHaveLength(75);
    expect(busy).toHaveLength(225);
    expect(Math.max(...still.map(scheduledOf))).toBeLessThan(3_001_500);
    expect(busy.filter((r) => scheduledOf(r) >= 3_001_500)).toHaveLength(150);
  });

  it('stays in the rotation while the measured workload has not started (no scenario.measuring yet)', async () => {
    const sink = new FakeSink();
    const { run } = makeRun({
      sink,
      clock: fakeClock(),
      durationMs: 3000,
      scenario: twoTopics({ after: '1s' }),
      measuringAtMs: () => undefined,
    });
    await run.start();
    expect(sink.records().filter((r) => r.topic === 'still')).toHaveLength(150);
    expect(sink.records().filter((r) => r.topic === 'busy')).toHaveLength(150);
  });

  it('a trickle: `quiet.rate` records/s of its own once quiet, counted in the requested load', async () => {
    const sink = new FakeSink();
    const clock = fakeClock(4_000_000);
    const { run, events } = makeRun({
      sink,
      clock,
      durationMs: 3000,
      scenario: twoTopics({ after: '1s', rate: 10 }),
      measuringAtMs: () => 4_000_000,
    });
    await run.start();
    const still = sink.records().filter((r) => r.topic === 'still');
    // 50 in the rotation during the first second, then one every 100 ms for 2 s.
    expect(still).toHaveLength(70);
    expect(still.slice(50).map(scheduledOf)).toEqual(Array.from({ length: 20 }, (_, k) => 4_001_000 + k * 100));
    expect(sink.records().filter((r) => r.topic === 'busy')).toHaveLength(250);
    const rates = events.flatMap((e) => (e.type === 'producer.progress' ? (e.rates ?? []) : []));
    expect(rates.map(([second, requested, achieved]) => [second, requested, achieved])).toEqual([
      [4_000_000, 100, 100],
      [4_001_000, 110, 110],
      [4_002_000, 110, 110],
    ]);
  });
});
