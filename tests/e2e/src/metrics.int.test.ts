import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { ConfigResourceTypes, Kafka, logLevel, type Admin } from 'kafkajs';
import { findRepoRoot, type LabState } from '@mirrorlab/lab';
import { QUEUE_NAMES, encodeRecord, faultJobId, type FaultJobInput } from '@mirrorlab/protocol';
import { spawnService, type ServiceProcess } from '@mirrorlab/service-kit/testing';
import { ControlProbe } from './support/control-probe';
import { labServiceEnv, runningLab, serviceBundle } from './support/lab-env';
import { parseExposition, type Exposition } from './support/prometheus-text';
import { ScenarioHarness, type HarnessRun } from './support/scenario-harness';

/**
 * grafana/metrics.json is what the dashboards and alerts may query (tools/deploy-check holds
 * them to it); this holds the services to it. The five bundles run against the lab on a
 * control topic of their own (and, for the two that use Redis, a Redis database of their
 * own), so nothing else running on the lab sees them or is seen by them. A 6 s scenario, a few
 * records written straight to the target topic (a gap, a late record, a duplicate, a foreign
 * record), an invalid control event and one harmless fault (add-topic, then healed) make
 * every labelled series exist; then every metric must be exported by each service it is
 * attributed to, with its type and exactly its labels, and by no other service.
 */
jest.setTimeout(240_000);

interface CatalogMetric {
  type: 'counter' | 'gauge' | 'histogram';
  labels: string[];
  services: string[];
}
const catalog = JSON.parse(readFileSync(path.join(findRepoRoot(__dirname) ?? process.cwd(), 'grafana', 'metrics.json'), 'utf8')) as {
  commonLabels: string[];
  metrics: Record<string, CatalogMetric>;
};

const SERVICES = ['producer', 'consumer-validator', 'fault-runner', 'provisioner', 'report-aggregator'] as const;
type Service = (typeof SERVICES)[number];

/**
 * Series that exist only while something happens that no short run can make happen on
 * purpose: a labelled `nodejs_active_requests` only while a libuv request is pending at the
 * scrape, a redelivery only when the target hands an offset already read back again
 * (a consumer restart or rebalance at the wrong moment). Their type is still checked.
 */
const EVENT_DRIVEN = new Set(['nodejs_active_requests', 'mirrorlab_validator_redelivery_total']);

/** A Redis database no stack on the lab uses: the fault-runner heals what its database records. */
const REDIS_DB = 12;

let lab: LabState;
let probe: ControlProbe;
let controlTopic: string;
let sourceAdmin: Admin;
let targetAdmin: Admin;
let redis: Redis;
let faults: Queue;
let harness: ScenarioHarness;
let reportsDir: string;
let run: HarnessRun | undefined;
let addedTopic: string | undefined;
const running = new Map<Service, ServiceProcess>();

function seriesOf(name: string, metric: CatalogMetric): string[] {
  return metric.type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name];
}

async function scrapeAll(): Promise<Record<Service, Exposition>> {
  const entries = await Promise.all(
    SERVICES.map(async (s) => [s, parseExposition(await (await fetch(`${running.get(s)!.baseUrl}/metrics`)).text())] as const),
  );
  return Object.fromEntries(entries) as Record<Service, Exposition>;
}

/** `service: series` for every catalog series a service must export and has no sample of yet. */
function missingSeries(scrapes: Record<Service, Exposition>): string[] {
  const missing: string[] = [];
  for (const [name, metric] of Object.entries(catalog.metrics)) {
    if (EVENT_DRIVEN.has(name)) continue;
    for (const service of metric.services as Service[]) {
      const names = new Set(scrapes[service].samples.map((s) => s.name));
      for (const series of seriesOf(name, metric)) if (!names.has(series)) missing.push(`${service}: ${series}`);
    }
  }
  return missing;
}

async function startServices(): Promise<void> {
  // force-gc.cjs: prom-client's GC histogram gets its first series at the first GC, which an idle service may not need for minutes.
  const base = {
    ...labServiceEnv(lab),
    CONTROL_TOPIC: controlTopic,
    NODE_OPTIONS: `--require ${JSON.stringify(path.join(__dirname, 'support', 'force-gc.cjs'))}`,
  };
  const redisUrl = `${lab.redis.url}/${REDIS_DB}`;
  const passthrough = Object.fromEntries(
    ['MIRRORLAB_CACHE_DIR', 'JAVA_HOME', 'HOME'].filter((k) => process.env[k]).map((k) => [k, process.env[k] as string]),
  );
  const envs: Record<Service, Record<string, string>> = {
    producer: { ...base, SCENARIO_ID: run!.scenarioId, PRODUCER_ID: 'metrics-p1', PROGRESS_INTERVAL: '1s' },
    'consumer-validator': {
      ...base,
      SCENARIO_ID: run!.scenarioId,
      VALIDATOR_ID: 'metrics-v1',
      REPORT_INTERVAL: '1s',
      SESSION_TIMEOUT: '10s',
    },
    'fault-runner': { ...base, ...passthrough, REDIS_URL: redisUrl, LAB_DIR: lab.dir },
    provisioner: { ...base, REDIS_URL: redisUrl },
    'report-aggregator': { ...base, REPORTS_DIR: reportsDir, REPORT_WAIT: '5s' },
  };
  await Promise.all(
    SERVICES.map(async (service) => {
      const svc = await spawnService(serviceBundle(service), envs[service], { startTimeoutMs: 60_000 });
      running.set(service, svc);
    }),
  );
  await Promise.all([
    running.get('producer')!.waitForEvent((e) => e.event === 'control_topic_caught_up', 60_000),
    running.get('consumer-validator')!.waitForEvent((e) => e.event === 'control_topic_caught_up', 60_000),
    running.get('fault-runner')!.waitForEvent((e) => e.event === 'faults_worker_started', 120_000),
  ]);
}

/** Re-runs `check` (a check, not a sleep) until it holds, at most `timeoutMs`. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The validator measures replication latency only on target topics stamped with LogAppendTime; MM2 does not sync that setting. */
async function stampAppendTime(topic: string): Promise<void> {
  const resource = { type: ConfigResourceTypes.TOPIC, name: topic };
  await targetAdmin.alterConfigs({
    validateOnly: false,
    resources: [{ ...resource, configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] }],
  });
  await until(
    `${topic} to use LogAppendTime`,
    async () => {
      const res = await targetAdmin.describeConfigs({
        includeSynonyms: false,
        resources: [{ ...resource, configNames: ['message.timestamp.type'] }],
      });
      return res.resources[0].configEntries[0]?.configValue === 'LogAppendTime';
    },
    30_000,
  );
}

/**
 * Records of a producer nobody runs, straight into the target topic: seq 0, 2 (a gap), 1 (late), 1 again (a duplicate),
 * seq 3 with a damaged payload (corrupt), and one foreign record.
 */
async function writeCraftedRecords(topic: string, scenarioId: string): Promise<void> {
  const producer = new Kafka({
    clientId: 'e2e-metrics-crafted',
    brokers: lab.target.bootstrap.split(','),
    logLevel: logLevel.NOTHING,
  }).producer();
  await producer.connect();
  const record = (seq: number) =>
    encodeRecord({
      meta: { scenarioId, producerId: 'crafted', keyEpoch: 0, seq, sendTimeUs: Date.now() * 1000 },
      key: 'crafted/e0/k0-0',
      payload: Buffer.from('m'),
    });
  await producer.send({ topic, acks: -1, messages: [0, 2, 1, 1].map((seq) => ({ ...record(seq), partition: 0 })) });
  await producer.send({ topic, acks: -1, messages: [{ ...record(3), value: Buffer.from('M'), partition: 0 }] });
  await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'not a mirrorlab record', partition: 1 }] });
  await producer.disconnect();
}

/** add-topic on the target cluster, kept active until healed: fault_active, faults_injected and faults_healed all get series. */
async function injectAndHealOneFault(scenarioId: string): Promise<void> {
  const faultId = `${scenarioId}/f0`;
  addedTopic = `ml.${scenarioId}.added`;
  const fault = {
    scenarioId,
    faultId,
    kind: 'add-topic',
    target: 'target',
    params: { name: addedTopic, partitions: 1 },
    durationMs: 600_000,
  } as const;
  await faults.add('inject', { ...fault, action: 'inject' } as FaultJobInput, { jobId: faultJobId(faultId, 'inject') });
  await probe.waitFor(
    `fault.injected of ${faultId}`,
    () => probe.of(scenarioId, 'fault.injected').some((e) => e.faultId === faultId),
    60_000,
  );
  await faults.add('heal', { ...fault, action: 'heal' } as FaultJobInput, { jobId: faultJobId(faultId, 'heal') });
  await probe.waitFor(`fault.healed of ${faultId}`, () => probe.of(scenarioId, 'fault.healed').some((e) => e.faultId === faultId), 60_000);
}

beforeAll(async () => {
  lab = runningLab();
  controlTopic = `mirrorlab.control.e2e-metrics-${randomBytes(3).toString('hex')}`;
  reportsDir = mkdtempSync(path.join(tmpdir(), 'e2e-metrics-reports-'));
  probe = await ControlProbe.start(lab.target.bootstrap, controlTopic);
  await probe.publishRaw('this is not json');
  const kafka = (brokers: string) => new Kafka({ clientId: 'e2e-metrics', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  sourceAdmin = kafka(lab.source.bootstrap).admin();
  targetAdmin = kafka(lab.target.bootstrap).admin();
  await Promise.all([sourceAdmin.connect(), targetAdmin.connect()]);
  harness = new ScenarioHarness(lab, probe, sourceAdmin, targetAdmin);
  redis = new Redis(`${lab.redis.url}/${REDIS_DB}`, { maxRetriesPerRequest: null });
  await redis.flushdb();
  faults = new Queue(QUEUE_NAMES.faults, { connection: redis });
});

afterAll(async () => {
  const codes = Object.fromEntries(
    await Promise.all([...running].map(async ([service, svc]) => [service, await svc.stop('SIGTERM')] as const)),
  );
  running.clear();
  await faults?.close();
  await redis?.flushdb().catch(() => undefined);
  redis?.disconnect();
  if (run !== undefined) await sourceAdmin.deleteTopics({ topics: [run.sourceTopic] }).catch(() => undefined);
  const targetTopics = [controlTopic, ...(run ? [run.targetTopic] : []), ...(addedTopic ? [addedTopic] : [])];
  await targetAdmin?.deleteTopics({ topics: targetTopics }).catch(() => undefined);
  await Promise.allSettled([probe?.close(), sourceAdmin?.disconnect(), targetAdmin?.disconnect()]);
  rmSync(reportsDir, { recursive: true, force: true });
  expect(codes).toEqual(Object.fromEntries(Object.keys(codes).map((service) => [service, 0])));
});

test('every metric of grafana/metrics.json is exported by each service it is attributed to, with its type and labels', async () => {
  const spec = {
    name: 'metrics',
    partitions: 2,
    workload: { producers: 1, rate: { records: 50 }, duration: '6s', recordSize: 64, keysPerPartition: 2 },
  };
  const t0 = Date.now();
  const took: string[] = [];
  const lap = (what: string) => took.push(`${what} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  run = await harness.prepare(spec);
  lap('topics mirrored');
  await Promise.all([stampAppendTime(run.targetTopic), startServices()]);
  lap('services up');
  await harness.start(run);
  await Promise.all([writeCraftedRecords(run.targetTopic, run.scenarioId), injectAndHealOneFault(run.scenarioId)]);
  lap('fault injected and healed');

  // Polls (a check, not a sleep) until every series is there; the final scrape is what is judged.
  let scrapes = await scrapeAll();
  const deadline = Date.now() + 60_000;
  while (missingSeries(scrapes).length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1000));
    scrapes = await scrapeAll();
  }
  lap('every series there');
  console.log(`metrics e2e on this machine: ${took.join(', ')}`);

  const problems = missingSeries(scrapes).map((m) => `${m}: no sample`);
  for (const [name, metric] of Object.entries(catalog.metrics)) {
    for (const service of SERVICES) {
      const { types, samples } = scrapes[service];
      const attributed = metric.services.includes(service);
      if (!attributed) {
        // Samples, not the TYPE line: the fault-runner registers the control-topic counter but, publishing only, never counts.
        if (samples.some((s) => seriesOf(name, metric).includes(s.name)))
          problems.push(`${service} exports ${name}, which metrics.json attributes to ${metric.services.join(', ')} only`);
        continue;
      }
      if (types.get(name) !== metric.type)
        problems.push(`${service}: ${name} is a ${types.get(name) ?? 'missing metric'}, metrics.json says ${metric.type}`);
      const expected = [...metric.labels, ...catalog.commonLabels].sort().join(',');
      for (const sample of samples.filter((s) => seriesOf(name, metric).includes(s.name))) {
        const labels = Object.keys(sample.labels).filter((l) => !(l === 'le' && sample.name.endsWith('_bucket')));
        if (labels.sort().join(',') !== expected)
          problems.push(`${service}: ${sample.name} has labels {${labels.join(',')}}, metrics.json says {${expected}}`);
        if (sample.labels.service !== service) problems.push(`${service}: ${sample.name} has service="${sample.labels.service}"`);
      }
    }
  }
  expect(problems).toEqual([]);

  // And they are this run's: the labels name its scenario, its foreign record and its fault.
  const ours = (service: Service, name: string) =>
    scrapes[service].samples.filter((s) => s.name === name && s.labels.scenario === run!.scenarioId);
  expect(ours('producer', 'mirrorlab_producer_records_sent_total').length).toBeGreaterThan(0);
  // A foreign record is a class of its own, never corrupt; the damaged payload is corrupt by its reason.
  // Every reason's series exists from the run's start (at 0); only that one counted.
  expect(ours('consumer-validator', 'mirrorlab_validator_foreign_total')).toEqual([expect.objectContaining({ value: 1 })]);
  const corrupt = ours('consumer-validator', 'mirrorlab_validator_corrupt_total');
  expect(corrupt.filter((c) => c.value !== 0)).toEqual([
    expect.objectContaining({ labels: expect.objectContaining({ reason: 'payload_mismatch' }), value: 1 }),
  ]);
  expect(new Set(corrupt.map((c) => c.labels.reason)).size).toBe(8); // every RecordDecodeReason but foreign
  expect(ours('fault-runner', 'mirrorlab_fault_active')).toEqual([
    expect.objectContaining({ labels: expect.objectContaining({ kind: 'add-topic', target: 'target' }), value: 0 }),
  ]);
});
