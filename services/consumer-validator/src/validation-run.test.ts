import { Registry } from 'prom-client';
import { encodeRecord } from '@mirrorlab/protocol';
import { type ControlEventInput } from '@mirrorlab/control';
import { createLogger } from '@mirrorlab/service-kit';
import { testScenarioSpec } from '@mirrorlab/control/testing';
import { reconcile, ValidatorState, type ValidatorSnapshot } from '@mirrorlab/validation';
import { partitionId } from './drain';
import type { TargetRecord } from './record-intake';
import { FakeRecordSource } from './testing/fake-record-source';
import { ValidationRun } from './validation-run';
import { ValidatorMetrics } from './validator-metrics';

const TOPIC = 'source.orders';

/** Record `seq` of key k0 of producer p1, at `offset` of partition `partition`. */
function record(partition: number, offset: number, seq: number, key = `p1/e0/k${partition}-0`, topic = TOPIC): TargetRecord {
  const enc = encodeRecord({
    meta: { scenarioId: 'sc', producerId: 'p1', keyEpoch: 0, seq, sendTimeUs: 1_000_000 },
    key,
    payload: Buffer.from('payload'),
  });
  return { topic, partition, offset, key: enc.key, value: enc.value, headers: enc.headers, timestampMs: 1_500 };
}

function setup(
  opts: {
    wms?: Record<number, [number, number]>;
    published?: Record<number, ValidatorSnapshot>;
    reportIsolation?: 'read_uncommitted';
    sourceAudit?: boolean;
    reportIntervalMs?: number;
  } = {},
) {
  const topic = opts.sourceAudit ? 'orders' : TOPIC;
  const wms = new Map(
    Object.entries(opts.wms ?? { 0: [0, 3], 1: [0, 2] }).map(([p, [low, high]]) => [partitionId(topic, Number(p)), { low, high }]),
  );
  const source = new FakeRecordSource([topic, 'other'], wms);
  const events: ControlEventInput[] = [];
  const logLines: Array<Record<string, unknown>> = [];
  const run = new ValidationRun({
    started: {
      v: 1,
      type: 'scenario.started',
      scenarioId: 'sc',
      atMs: 1,
      source: 'provisioner',
      spec: testScenarioSpec(),
      targetTopics: { orders: TOPIC },
      startAtMs: 1,
      endAtMs: 2,
    },
    validatorId: 'v1',
    incarnation: 'i1',
    groupId: 'g-sc',
    ...(opts.reportIsolation ? { reportIsolation: opts.reportIsolation } : {}),
    source,
    ...(opts.sourceAudit ? { sourceAudit: true } : {}),
    publish: async (e) => void events.push(e),
    latestPartition: (_topic, partition) => opts.published?.[partition],
    producerReports: () => [],
    isStopping: () => true,
    logger: createLogger({
      service: 'consumer-validator',
      instance: 't',
      write: (line) => void logLines.push(JSON.parse(line) as Record<string, unknown>),
    }),
    metrics: new ValidatorMetrics(new Registry()),
    reportIntervalMs: opts.reportIntervalMs ?? 3_600_000,
    maxExamples: 5,
    nowUs: () => 2_000_000,
  });
  const finalReport = () =>
    events.find((e): e is Extract<ControlEventInput, { type: 'validator.report' }> => e.type === 'validator.report' && e.final)!;
  return { run, source, events, finalReport, logLines };
}

describe('ValidationRun', () => {
  it('as the source audit consumer reads the source topics and marks its reports; a target validator does not', async () => {
    const { run, source, finalReport } = setup({ sourceAudit: true });
    const done = run.start();
    await source.joined();
    source.assign({ orders: [0, 1] });
    await source.deliver([
      record(0, 0, 0, undefined, 'orders'),
      record(0, 1, 1, undefined, 'orders'),
      record(0, 2, 2, undefined, 'orders'),
    ]);
    await source.deliver([record(1, 0, 0, undefined, 'orders'), record(1, 1, 1, undefined, 'orders')]);
    await run.requestStop('test');
    await done;
    expect(finalReport()).toMatchObject({ sourceAudit: true, final: true, drained: true });
    expect(finalReport().partitions.map((p) => `${p.topic}-${p.partition}@${p.nextOffset}`)).toEqual(['orders-0@3', 'orders-1@2']);

    const target = setup();
    const targetDone = target.run.start();
    await target.source.joined();
    target.source.assign({ [TOPIC]: [0] });
    await target.run.requestStop('test');
    await targetDone;
    expect('sourceAudit' in target.finalReport()).toBe(false);
  });

  it('checks every record of the partitions it owns and publishes a final report, drained once read to the high watermarks', async () => {
    const { run, source, finalReport } = setup();
    const done = run.start();
    await source.joined();
    source.assign({ [TOPIC]: [0, 1] });
    await source.deliver([record(0, 0, 0), record(0, 1, 1), record(0, 2, 2)]);
    await source.deliver([record(1, 0, 0), record(1, 1, 1)]);
    await run.requestStop('test');
    await done;

    const report = finalReport();
    expect(report).toMatchObject({ validatorId: 'v1', incarnation: 'i1', final: true, drained: true });
    expect(report.partitions).toEqual([
      { topic: TOPIC, partition: 0, nextOffset: 3, highWatermark: 3 },
      { topic: TOPIC, partition: 1, nextOffset: 2, highWatermark: 2 },
    ]);
    const state = ValidatorState.fromSnapshot(report.state);
    expect(state.positions()).toEqual([
      { topic: TOPIC, partition: 0, nextOffset: 3 },
      { topic: TOPIC, partition: 1, nextOffset: 2 },
    ]);
    // Each batch resolves once, at the last record it checked.
    expect(source.resolved).toEqual([`${TOPIC}-0@2`, `${TOPIC}-1@1`]);
    expect(source.calls).toEqual(['connect', 'consume', 'stopConsuming', 'close']);
  });

  it.each([
    [undefined, undefined],
    ['read_uncommitted' as const, 'read_uncommitted'],
  ])('marks its reports with isolation %s when it is an added read_uncommitted validator (else no mark)', async (reportIsolation, mark) => {
    const { run, source, finalReport } = setup({ reportIsolation });
    const done = run.start();
    await source.joined();
    source.assign({ [TOPIC]: [0] });
    await source.deliver([record(0, 0, 0)]);
    await run.requestStop('test');
    await done;
    expect(finalReport().isolation).toBe(mark);
    expect('isolation' in finalReport()).toBe(mark !== undefined);
  });

  it('publishes no periodic report while its source says the group is rebalancing, and does again once it is not', async () => {
    const { run, source, events } = setup({ reportIntervalMs: 5 });
    const done = run.start();
    await source.joined();
    source.assign({ [TOPIC]: [0] });
    await source.deliver([record(0, 0, 0)]);
    const reports = () => events.filter((e) => e.type === 'validator.report').length;
    while (reports() === 0) await new Promise((r) => setTimeout(r, 5));
    source.rebalancingUntold = true;
    await new Promise((r) => setTimeout(r, 20)); // a report being published when it was set may still land
    const during = reports();
    await new Promise((r) => setTimeout(r, 60));
    expect(reports()).toBe(during);
    source.rebalancingUntold = false;
    while (reports() === during) await new Promise((r) => setTimeout(r, 5));
    await run.requestStop('test');
    await done;
  });

  it('is not drained while a partition is short of its high watermark', async () => {
    const { run, source, finalReport } = setup();
    const done = run.start();
    await source.joined();
    source.assign({ [TOPIC]: [0, 1] });
    await source.deliver([record(0, 0, 0), record(0, 1, 1), record(0, 2, 2)]);
    await source.deliver([record(1, 0, 0)]);
    await run.requestStop('test');
    await done;
    expect(finalReport()).toMatchObject({ drained: false });
    expect(finalReport().partitions[1]).toEqual({ topic: TOPIC, partition: 1, nextOffset: 1, highWatermark: 2 });
  });

  it('takes a partition over from its published state: re-reads of what it covers are redeliveries, not duplicates', async () => {
    const earlier = new ValidatorState();
    earlier.observe({
      topic: TOPIC,
      partition: 0,
      offset: 0,
      producerId: 'p1',
      keyEpoch: 0,
      key: 'p1/e0/k0-0',
      seq: 0,
      sendTimeUs: 1_000_000,
      arrivalUs: 1_500_000,
    });
    earlier.observe({
      topic: TOPIC,
      partition: 0,
      offset: 1,
      producerId: 'p1',
      keyEpoch: 0,
      key: 'p1/e0/k0-0',
      seq: 1,
      sendTimeUs: 1_000_000,
      arrivalUs: 1_500_000,
    });
    const { run, source, finalReport } = setup({ wms: { 0: [0, 3] }, published: { 0: earlier.releasePartitions(TOPIC, [0]) } });
    const done = run.start();
    await source.joined();
    source.assign({ [TOPIC]: [0] });
    // The group's committed offset is older than the published state: offset 1 is read again.
    await source.deliver([record(0, 1, 1), record(0, 2, 2)]);
    expect(source.seeks).toEqual([]);
    await run.requestStop('test');
    await done;
    const acc = reconcile(ValidatorState.fromSnapshot(finalReport().state), []);
    expect(finalReport().partitions).toEqual([{ topic: TOPIC, partition: 0, nextOffset: 3, highWatermark: 3 }]);
    expect((finalReport().state as ValidatorSnapshot).partitions[0].redelivered).toEqual([[1, 1]]);
    expect(acc.duplicate.count).toBe(0);
  });

  it('sends the consumer back to where reading must start when the first batch starts later', async () => {
    const earlier = new ValidatorState();
    earlier.observe({
      topic: TOPIC,
      partition: 0,
      offset: 0,
      producerId: 'p1',
      keyEpoch: 0,
      key: 'p1/e0/k0-0',
      seq: 0,
      sendTimeUs: 1_000_000,
      arrivalUs: 1_500_000,
    });
    const { run, source, finalReport } = setup({ wms: { 0: [0, 3], 1: [1, 2] }, published: { 0: earlier.releasePartitions(TOPIC, [0]) } });
    const done = run.start();
    await source.joined();
    source.assign({ [TOPIC]: [0, 1] });
    // Partition 0 was read to offset 1 by the last owner; partition 1 has no published state: read from its low watermark, 1.
    await source.deliver([record(0, 2, 2)]);
    await source.deliver([record(1, 1, 1)], { firstOffset: 1 });
    expect(source.seeks).toEqual([{ topic: TOPIC, partition: 0, offset: 1 }]);
    expect(source.resolved).toEqual([`${TOPIC}-1@1`]);
    // Back at offset 1, every record is read once.
    await source.deliver([record(0, 1, 1), record(0, 2, 2)]);
    await run.requestStop('test');
    await done;
    expect(finalReport().partitions).toEqual([
      { topic: TOPIC, partition: 0, nextOffset: 3, highWatermark: 3 },
      { topic: TOPIC, partition: 1, nextOffset: 2, highWatermark: 2 },
    ]);
    const acc = reconcile(ValidatorState.fromSnapshot(finalReport().state), []);
    expect(acc.duplicate.count).toBe(0);
    expect(acc.totals.keysSeen).toBe(2);
  });

  it('reads a partition it keeps through a rebalance on from the first offset it has not checked, wherever the client resumes', async () => {
    // The lab, 2026-12-07 (add-partitions): a batch handed over before a rebalance was dropped unchecked, and the
    // client resumed the kept partition past it. Here: offset 1 is such a batch; the client resumes at 2.
    const { run, source, finalReport } = setup({ wms: { 0: [0, 3] } });
    const done = run.start();
    await source.joined();
    source.assign({ [TOPIC]: [0] });
    await source.deliver([record(0, 0, 0)]);
    source.assign({ [TOPIC]: [0] });
    await source.deliver([record(0, 2, 2)]);
    expect(source.seeks).toEqual([{ topic: TOPIC, partition: 0, offset: 1 }]);
    await source.deliver([record(0, 1, 1), record(0, 2, 2)]);
    await run.requestStop('test');
    await done;
    const acc = reconcile(ValidatorState.fromSnapshot(finalReport().state), []);
    expect(acc.order.gaps.count).toBe(0);
    expect(acc.totals.keysSeen).toBe(1);
    expect(finalReport().partitions).toEqual([{ topic: TOPIC, partition: 0, nextOffset: 3, highWatermark: 3 }]);
  });

  it('sends nothing back when the client resumes a kept partition where its checker stopped, or before', async () => {
    const { run, source, finalReport } = setup({ wms: { 0: [0, 3] } });
    const done = run.start();
    await source.joined();
    source.assign({ [TOPIC]: [0] });
    await source.deliver([record(0, 0, 0), record(0, 1, 1)]);
    source.assign({ [TOPIC]: [0] });
    // Resumed from an older committed offset: offset 1 again, a redelivery.
    await source.deliver([record(0, 1, 1), record(0, 2, 2)]);
    expect(source.seeks).toEqual([]);
    await run.requestStop('test');
    await done;
    expect((finalReport().state as ValidatorSnapshot).partitions[0].redelivered).toEqual([[1, 1]]);
    expect(reconcile(ValidatorState.fromSnapshot(finalReport().state), []).order.gaps.count).toBe(0);
  });

  it('lets go of a partition it lost: its reads leave the report', async () => {
    const { run, source, finalReport } = setup();
    const done = run.start();
    await source.joined();
    source.assign({ [TOPIC]: [0, 1] });
    await source.deliver([record(0, 0, 0)]);
    await source.deliver([record(1, 0, 0)]);
    source.assign({ [TOPIC]: [1] });
    await run.requestStop('test');
    await done;
    expect(finalReport().partitions.map((p) => p.partition)).toEqual([1]);
    expect(ValidatorState.fromSnapshot(finalReport().state).positions()).toEqual([{ topic: TOPIC, partition: 1, nextOffset: 1 }]);
  });

  it('stops reading a batch whose partition was taken away mid-batch', async () => {
    const { run, source, finalReport } = setup();
    const done = run.start();
    await source.joined();
    source.assign({ [TOPIC]: [0] });
    source.stale.add(partitionId(TOPIC, 0));
    await source.deliver([record(0, 0, 0), record(0, 1, 1)]);
    expect(source.resolved).toEqual([]);
    await run.requestStop('test');
    await done;
    expect(finalReport().partitions).toEqual([{ topic: TOPIC, partition: 0, nextOffset: 0, highWatermark: 3 }]);
  });

  it('counts offsets with no record (transaction markers) as read through, so a partition ending in one drains', async () => {
    const { run, source, finalReport } = setup({ wms: { 0: [0, 4], 1: [0, 2] } });
    const done = run.start();
    await source.joined();
    source.assign({ [TOPIC]: [0, 1] });
    // Partition 0: records at 0-2, a commit marker at 3 (the batch covers it).
    await source.deliver([record(0, 0, 0), record(0, 1, 1), record(0, 2, 2)], { lastOffset: 3 });
    await source.deliver([record(1, 0, 0)]);
    // Partition 1: a batch of only a marker at offset 1.
    source.handlers!.onEmptyBatch(TOPIC, 1, 1);
    await run.requestStop('test');
    await done;
    expect(finalReport()).toMatchObject({ drained: true });
    expect(finalReport().partitions).toEqual([
      { topic: TOPIC, partition: 0, nextOffset: 4, highWatermark: 4 },
      { topic: TOPIC, partition: 1, nextOffset: 2, highWatermark: 2 },
    ]);
  });

  it('waits for the target topics, stops cleanly when asked before they exist', async () => {
    const { run, source, events } = setup();
    (source as unknown as { listTopics: () => Promise<string[]> }).listTopics = async () => ['other'];
    const done = run.start();
    await new Promise((r) => setTimeout(r, 20));
    await run.requestStop('test');
    await done;
    expect(source.calls).toEqual(['connect', 'close']);
    expect(events).toEqual([]);
  });
});
