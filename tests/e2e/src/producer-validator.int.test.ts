import { Kafka, logLevel, type Admin, type KafkaMessage } from 'kafkajs';
import type { LabState } from '@mirrorlab/lab';
import { decodeRecord, encodeRecord, KeyPlan, RECORD_HEADERS } from '@mirrorlab/protocol';
import { spawnService, type ServiceProcess } from '@mirrorlab/service-kit/testing';
import { ControlProbe } from './support/control-probe';
import { labServiceEnv, runningLab, serviceBundle } from './support/lab-env';
import { ScenarioHarness } from './support/scenario-harness';
import { testEntryBundle } from './support/test-bundle';

/**
 * The producer and consumer-validator services, as bundles, against the real lab:
 * records go source -> MirrorMaker 2 -> target, and the verdict comes from the
 * reports the services publish on the control topic.
 */
let lab: LabState;
let probe: ControlProbe;
let sourceAdmin: Admin;
let targetAdmin: Admin;
let harness: ScenarioHarness;
const running: ServiceProcess[] = [];

async function startService(
  service: 'producer' | 'consumer-validator',
  env: Record<string, string>,
  bundle = serviceBundle(service),
): Promise<ServiceProcess> {
  const svc = await spawnService(bundle, {
    ...labServiceEnv(lab),
    REPORT_INTERVAL: '2s',
    PROGRESS_INTERVAL: '2s',
    SESSION_TIMEOUT: '10s',
    ...env,
  });
  running.push(svc);
  await svc.waitForEvent((e) => e.event === 'control_topic_caught_up', 60_000);
  return svc;
}

/** The first record of `topic` on the target cluster, as a client reads it. */
async function firstTargetRecord(topic: string): Promise<KafkaMessage> {
  const consumer = new Kafka({
    clientId: 'e2e-first-record',
    brokers: lab.target.bootstrap.split(','),
    logLevel: logLevel.NOTHING,
  }).consumer({
    groupId: `e2e-first-record-${topic}`,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    return await new Promise<KafkaMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no record read from ${topic} within 60 s`)), 60_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          clearTimeout(timer);
          resolve(message);
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
}

beforeAll(async () => {
  lab = runningLab();
  probe = await ControlProbe.start(lab.target.bootstrap);
  const kafka = (brokers: string) => new Kafka({ clientId: 'e2e-admin', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  sourceAdmin = kafka(lab.source.bootstrap).admin();
  targetAdmin = kafka(lab.target.bootstrap).admin();
  await Promise.all([sourceAdmin.connect(), targetAdmin.connect()]);
  harness = new ScenarioHarness(lab, probe, sourceAdmin, targetAdmin);
});

afterEach(async () => {
  const stopping = running.splice(0).map(async (svc) => ({ svc, code: await svc.stop('SIGTERM') }));
  for (const { svc, code } of await Promise.all(stopping)) {
    if (svc.child.signalCode !== 'SIGKILL') expect(code).toBe(0);
  }
});

afterAll(async () => {
  await Promise.allSettled([probe?.close(), sourceAdmin?.disconnect(), targetAdmin?.disconnect()]);
});

test('2 producers x 2 validators for 30 s: nothing lost or unexpected, latency measured, rate on target', async () => {
  const run = await harness.prepare({
    name: 'pv-baseline',
    partitions: 6,
    workload: { producers: 2, rate: { records: 200 }, rateSplit: 'total', duration: '30s', recordSize: 128, encoding: 'headers' },
  });
  await Promise.all([
    startService('consumer-validator', { VALIDATOR_ID: 'v1' }),
    startService('consumer-validator', { VALIDATOR_ID: 'v2' }),
  ]);
  await Promise.all([startService('producer', {}), startService('producer', {})]);
  await harness.start(run);
  await harness.finish(run, 2, ['v1', 'v2']);

  const acc = harness.accounting(run);
  expect({
    lost: acc.lost.count,
    unseen: acc.unseen.count,
    unexpected: acc.unexpected.count,
    duplicate: acc.duplicate.count,
    corrupt: acc.corrupt.count,
  }).toEqual({
    lost: 0,
    unseen: 0,
    unexpected: 0,
    duplicate: 0,
    corrupt: 0,
  });
  expect(acc.totals.acked).toBeGreaterThan(200 * 30 * 0.95);
  // Every acknowledged record arrived; so did any send whose answer was lost (indeterminate) or an error.
  expect({ seen: acc.totals.seenDistinct, failed: acc.totals.failed, indeterminate: acc.totals.indeterminate }).toEqual({
    seen: acc.totals.acked + acc.indeterminateSeen.count + acc.failedButSeen.count,
    failed: 0,
    indeterminate: 0,
  });
  for (const p of harness.finalProducerReports(run)) {
    expect(p.counts.targetRate).toBe(100);
    expect(Math.abs(p.counts.achievedRate - 100) / 100).toBeLessThan(0.05);
  }
  const latency = harness.latency(run);
  // Exact but for one documented race (ARCHITECTURE.md, exact handover): a report published just
  // before a rebalance and not yet read by the adopter; at most one report interval (2 s) of records.
  expect(latency.count).toBeGreaterThanOrEqual(acc.totals.seenRecords);
  expect(latency.count - acc.totals.seenRecords).toBeLessThanOrEqual(200 * 2);
  const [p50, p99, max] = latency.percentiles([50, 99, 100]);
  expect(p50).toBeGreaterThan(0);
  expect(p50).toBeLessThanOrEqual(p99);
  expect(p99).toBeLessThanOrEqual(max);
  expect(max).toBeLessThan(60_000_000);

  // The headers encoding (compact is the default, used by the other tests here) survives MirrorMaker 2,
  // which copies headers as they are: a mirrored record carries the 9 ml-* headers and decodes as headers.
  const mirrored = await firstTargetRecord(run.targetTopic);
  expect(Object.keys(mirrored.headers ?? {}).sort()).toEqual(Object.values(RECORD_HEADERS).sort());
  const decoded = decodeRecord({ key: mirrored.key, value: mirrored.value, headers: mirrored.headers });
  expect(
    decoded.ok && {
      encoding: decoded.record.encoding,
      scenarioId: decoded.record.meta.scenarioId,
      payloadLength: decoded.record.payloadLength,
    },
  ).toEqual({
    encoding: 'headers',
    scenarioId: run.scenarioId,
    payloadLength: 128,
  });
});

test('a validator killed with SIGKILL and replaced mid-run: no false anomaly', async () => {
  const run = await harness.prepare({
    name: 'pv-kill-validator',
    partitions: 6,
    workload: { producers: 1, rate: { records: 150 }, duration: '20s', recordSize: 100 },
  });
  const [victim, survivor] = await Promise.all([
    startService('consumer-validator', { VALIDATOR_ID: 'k1' }),
    startService('consumer-validator', { VALIDATOR_ID: 'k2' }),
  ]);
  await startService('producer', {});
  await harness.start(run);
  await probe.waitFor(
    'a report from k1 with records read',
    () => harness.latestValidatorReports(run).some((r) => r.validatorId === 'k1' && r.partitions.some((p) => p.nextOffset > 0)),
    30_000,
  );
  expect(await victim.stop('SIGKILL')).toBe('SIGKILL');
  const replacement = await startService('consumer-validator', { VALIDATOR_ID: 'k3' });
  await harness.finish(run, 1, ['k2', 'k3']);

  const acc = harness.accounting(run);
  expect({ lost: acc.lost.count, unseen: acc.unseen.count, unexpected: acc.unexpected.count, duplicate: acc.duplicate.count }).toEqual({
    lost: 0,
    unseen: 0,
    unexpected: 0,
    duplicate: 0,
  });
  expect(acc.totals.seenDistinct).toBe(acc.totals.acked);
  // The handover really happened: someone adopted published state of k1's partitions.
  const adoptions = [...survivor.events, ...replacement.events].filter(
    (e) => e.event === 'partitions_assigned' && Array.isArray(e.adopted) && e.adopted.length > 0,
  );
  expect(adoptions.length).toBeGreaterThan(0);
});

test('producers scaled from 1 to 3 mid-run are validated with no config change', async () => {
  const run = await harness.prepare({
    name: 'pv-scale-out',
    partitions: 6,
    workload: { producers: 3, rate: { records: 50 }, rateSplit: 'per-producer', duration: '20s', recordSize: 100 },
  });
  await startService('consumer-validator', { VALIDATOR_ID: 's1' });
  await startService('producer', {});
  await harness.start(run);
  await probe.waitFor(
    'first producer progress',
    () => harness.finalProducerReports(run).length === 0 && probe.of(run.scenarioId, 'producer.progress').length > 0,
    20_000,
  );
  await Promise.all([startService('producer', {}), startService('producer', {})]);
  await harness.finish(run, 3, ['s1']);

  const finals = harness.finalProducerReports(run);
  expect(new Set(finals.map((f) => f.producerId)).size).toBe(3);
  const acc = harness.accounting(run);
  expect({ lost: acc.lost.count, unseen: acc.unseen.count, unexpected: acc.unexpected.count, duplicate: acc.duplicate.count }).toEqual({
    lost: 0,
    unseen: 0,
    unexpected: 0,
    duplicate: 0,
  });
  expect(acc.totals.keysSeen).toBe(3 * 6 * 4);
  expect(acc.unreportedProducers).toEqual([]);
});

test('an injected record is unexpected, a skipped one is lost, foreign records and bad control events are counted and survived', async () => {
  const run = await harness.prepare({
    name: 'pv-anomalies',
    partitions: 3,
    workload: { producers: 1, rate: { records: 100 }, duration: '10s', recordSize: 64, keysPerPartition: 2 },
  });
  const validator = await startService('consumer-validator', { VALIDATOR_ID: 'a1' });
  // The producer with a sink that loses record 5 after its ack (test-only entry, not the shipped bundle).
  const producer = await startService(
    'producer',
    { PRODUCER_ID: 'skipper', LOSE_RECORD_INDEXES: '5' },
    await testEntryBundle('producer', 'losing-producer'),
  );
  await probe.publishRaw('this is not json');
  await probe.publishRaw(JSON.stringify({ v: 1, type: 'scenario.exploded', scenarioId: run.scenarioId }));
  await harness.start(run);

  const targetProducer = new Kafka({
    clientId: 'e2e-intruder',
    brokers: lab.target.bootstrap.split(','),
    logLevel: logLevel.NOTHING,
  }).producer();
  await targetProducer.connect();
  const intruder = encodeRecord({
    meta: { scenarioId: run.scenarioId, producerId: 'intruder', keyEpoch: 0, seq: 0, sendTimeUs: Date.now() * 1000 },
    key: 'intruder/e0/k0-0',
    payload: Buffer.from('x'),
  });
  await targetProducer.send({ topic: run.targetTopic, messages: [intruder, { key: 'k', value: 'someone else’s record' }] });
  // Once the workload is over, partitions end in offsets the checker never sees (issue 11 item 8):
  // partition 1 in another scenario's record, partition 2 in a transaction's commit marker.
  await probe.waitFor('the final producer report', () => harness.finalProducerReports(run).length >= 1, 60_000);
  const other = (seq: number) =>
    encodeRecord({
      meta: { scenarioId: 'another-scenario', producerId: 'p', keyEpoch: 0, seq, sendTimeUs: Date.now() * 1000 },
      key: 'p/e0/k0-0',
      payload: Buffer.from('x'),
    });
  await targetProducer.send({ topic: run.targetTopic, messages: [{ ...other(0), partition: 1 }] });
  await targetProducer.disconnect();
  const txProducer = new Kafka({ clientId: 'e2e-tx', brokers: lab.target.bootstrap.split(','), logLevel: logLevel.NOTHING }).producer({
    transactionalId: `e2e-${run.scenarioId}`,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await txProducer.connect();
  const tx = await txProducer.transaction();
  await tx.send({ topic: run.targetTopic, messages: [{ ...other(1), partition: 2 }] });
  await tx.commit();
  await txProducer.disconnect();
  await harness.finish(run, 1, ['a1']);
  // Drained means every partition was read to its high watermark, markers and foreign-scenario records included.
  const final = harness.latestValidatorReports(run).find((r) => r.validatorId === 'a1' && r.final)!;
  expect(final.partitions.map((p) => p.highWatermark - p.nextOffset)).toEqual([0, 0, 0]);

  const acc = harness.accounting(run);
  const skipped = KeyPlan.build({ producerId: 'skipper', partitions: 3, keysPerPartition: 2, epoch: 0 }).slotForRecord(5);
  expect(acc.lost.count).toBe(1);
  expect(acc.lost.examples[0]).toMatchObject({ producerId: 'skipper', key: skipped.key, seq: skipped.seq, keyEpoch: 0 });
  expect(acc.unexpected.count).toBe(1);
  expect(acc.unexpected.examples[0]).toMatchObject({ producerId: 'intruder', seq: 0 });
  expect(acc.foreign.count).toBe(1);
  expect(acc.foreign.examples[0]).toMatchObject({ topic: run.targetTopic });
  expect(acc.corrupt.count).toBe(0);
  expect(acc.duplicate.count).toBe(0);
  for (const svc of [validator, producer]) {
    expect(svc.events.filter((e) => e.event === 'control_event_skipped').length).toBeGreaterThanOrEqual(2);
    expect((await fetch(`${svc.baseUrl}/healthz`)).status).toBe(200);
  }
  const metrics = await (await fetch(`${validator.baseUrl}/metrics`)).text();
  expect(metrics).toMatch(/mirrorlab_control_events_invalid_total\{reason="not_json"[^}]*\} [1-9]/);
  expect(metrics).toMatch(/mirrorlab_validator_foreign_total\{[^}]*\} 1/);
});
