/**
 * Replicator mode `connect` on the real lab (issue 14): MirrorMaker 2's connectors on a Kafka
 * Connect cluster of two real workers (distributed mode), configured through the Connect REST
 * API, and the local backend's replicator faults against those workers: kill-replicator and
 * pause-replicator hit one worker (the other keeps running), add-replicator-worker starts a
 * third worker that joins the Connect group. Switches the shared lab to connect mode and back to
 * the mode it found.
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import {
  connectorStatuses,
  findLab,
  isWorkerId,
  labStatus,
  labUp,
  mirroredTopicName,
  mm2ConnectorConfigs,
  mm2WorkerId,
  processRunState,
  replicatorModeOf,
  type LabState,
  type ReplicatorModeName,
} from '@mirrorlab/lab';
import { KafkaAdmins } from '../src/kafka-admin';
import { LocalFaultBackend } from '../src/local/local-backend';
import { faultOf } from '../src/testing/fault-of';
import { memoryLogger } from '../src/testing/fakes';

jest.setTimeout(240_000);

const log = (line: string): void => void process.stderr.write(`[connect-mode] ${line}\n`);
let lab: LabState;
let modeBefore: ReplicatorModeName;

function backend(): LocalFaultBackend {
  const { logger } = memoryLogger();
  const admins = new KafkaAdmins(
    { source: { brokers: lab.source.bootstrap.split(',') }, target: { brokers: lab.target.bootstrap.split(',') } },
    logger,
    10_000,
  );
  return new LocalFaultBackend({ labDir: lab.dir, admins, healTimeoutMs: 120_000, verifyTimeoutMs: 30_000, logger });
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s${last ? ` (${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const workersOf = (state: LabState) => state.processes.filter((p) => p.role === 'mirrormaker2');
const restOf = (state: LabState) => `http://${workersOf(state)[0].host}:${workersOf(state)[0].ports.rest}`;

beforeAll(async () => {
  const found = findLab();
  modeBefore = replicatorModeOf(found);
  const started = Date.now();
  lab = (await labUp({ dir: found.dir, replicatorMode: 'connect', log })).state;
  log(`lab in replicator mode connect in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, 300_000);

afterAll(async () => {
  const started = Date.now();
  await labUp({ dir: lab.dir, replicatorMode: modeBefore, log });
  log(`lab back in replicator mode ${modeBefore} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, 300_000);

test('two Connect workers run the three MirrorMaker 2 connectors, configured through the REST API, both with work', async () => {
  const report = labStatus(lab.dir);
  expect(replicatorModeOf(report.lab)).toBe('connect');
  expect(report.processes.filter((p) => p.process.role === 'mirrormaker2').map((p) => [p.process.name, p.state])).toEqual([
    ['mm2', 'alive'],
    ['mm2-2', 'alive'],
  ]);
  // What the lab PUT is what each connector runs with (Connect adds only `name`).
  const wanted = mm2ConnectorConfigs(lab);
  for (const [name, config] of Object.entries(wanted)) {
    const stored = (await (await fetch(`${restOf(lab)}/connectors/${name}/config`)).json()) as Record<string, string>;
    expect(stored).toEqual({ ...config, name });
  }
  const ids = workersOf(lab).map(mm2WorkerId);
  // The group balances connectors and tasks over both workers (the second may join a moment after the first).
  const statuses = await until('connectors RUNNING on both workers', 90_000, async () => {
    const s = await connectorStatuses(restOf(lab));
    const all = s.flatMap((c) => [{ state: c.state, workerId: c.workerId }, ...c.tasks]);
    const used = new Set(all.map((e) => ids.find((id) => isWorkerId(e.workerId, id))));
    return s.length === 3 && all.every((e) => e.state === 'RUNNING') && used.size === 2 && !used.has(undefined) ? s : undefined;
  });
  expect(statuses.map((c) => c.name)).toEqual(['MirrorCheckpointConnector', 'MirrorHeartbeatConnector', 'MirrorSourceConnector']);
});

test('a record crosses the Connect cluster with key, value, headers and timestamp intact', async () => {
  const topic = `connect-itest-${randomBytes(4).toString('hex')}`;
  const source = new Kafka({ clientId: 'connect-itest', brokers: lab.source.brokers, logLevel: logLevel.NOTHING });
  const target = new Kafka({ clientId: 'connect-itest', brokers: lab.target.brokers, logLevel: logLevel.NOTHING });
  const admin = source.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 3 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = source.producer();
  await producer.connect();
  const timestamp = String(Date.now() - 3_600_000);
  await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'v', timestamp, headers: { id: 'p-1', seq: '42' } }] });
  await producer.disconnect();
  const consumer = target.consumer({ groupId: `connect-itest-${randomBytes(4).toString('hex')}` });
  const received: KafkaMessage[] = [];
  try {
    const mirrored = mirroredTopicName(lab.mm2.replicationPolicy, topic);
    const targetAdmin = target.admin();
    await targetAdmin.connect();
    await until(`${mirrored} on the target`, 60_000, async () => ((await targetAdmin.listTopics()).includes(mirrored) ? true : undefined));
    await targetAdmin.disconnect();
    await consumer.connect();
    await consumer.subscribe({ topics: [mirrored], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void received.push(message) });
    const record = await until('the record mirrored', 60_000, async () => received[0]);
    expect([record.key?.toString(), record.value?.toString(), record.timestamp]).toEqual(['k', 'v', timestamp]);
    // Bytes as written: Connect's default header converter would have rewritten them.
    expect(Object.fromEntries(Object.entries(record.headers ?? {}).map(([k, v]) => [k, String(v)]))).toEqual({ id: 'p-1', seq: '42' });
  } finally {
    await consumer.disconnect();
  }
});

test('kill-replicator kills one Connect worker (the other runs on); the heal restarts it and sees it serving', async () => {
  const b = backend();
  const fault = faultOf('kill-replicator', { target: 'replicator', faultId: `connect-${randomBytes(3).toString('hex')}/kill` });
  try {
    const injection = await b.inject(fault);
    expect(await b.verifyInjected(fault)).toMatchObject({ ok: true });
    const now = findLab(lab.dir);
    expect(workersOf(now).map((p) => [p.name, processRunState(p)])).toEqual([
      ['mm2', 'dead'],
      ['mm2-2', 'running'],
    ]);
    const healed = await b.heal(fault, { others: [], effect: injection.effect });
    expect(healed).toMatchObject({ verified: true, detail: expect.stringMatching(/runs its connectors; \d+ new heartbeats/) });
    expect(workersOf(findLab(lab.dir)).map((p) => processRunState(p))).toEqual(['running', 'running']);
  } finally {
    await b.heal(fault, { others: [] }).catch(() => undefined);
    await b.close();
  }
});

test('pause-replicator stops one Connect worker (state T); the heal resumes it', async () => {
  const b = backend();
  const fault = faultOf('pause-replicator', { target: 'replicator', faultId: `connect-${randomBytes(3).toString('hex')}/pause` });
  try {
    const injection = await b.inject(fault);
    expect(workersOf(findLab(lab.dir)).map((p) => processRunState(p))).toEqual(['stopped', 'running']);
    expect(await b.heal(fault, { others: [], effect: injection.effect })).toMatchObject({ verified: true });
    expect(workersOf(findLab(lab.dir)).map((p) => processRunState(p))).toEqual(['running', 'running']);
  } finally {
    await b.heal(fault, { others: [] }).catch(() => undefined);
    await b.close();
  }
});

test('add-replicator-worker starts a third Connect worker that takes work; the heal removes it and the two run everything', async () => {
  const b = backend();
  const fault = faultOf('add-replicator-worker', { target: 'replicator', faultId: `connect-${randomBytes(3).toString('hex')}/add` });
  try {
    const injection = await b.inject(fault);
    const added = findLab(lab.dir).processes.filter((p) => p.addedBy === fault.faultId);
    expect(added.map((p) => [p.name, p.role, processRunState(p)])).toEqual([['mm2-3', 'mirrormaker2', 'running']]);
    expect(injection.detail).toMatch(/^mm2-3 .* runs /);
    const healed = await b.heal(fault, { others: [], effect: injection.effect });
    expect(healed).toMatchObject({ verified: true, detail: expect.stringContaining('removed from the lab') });
    expect(findLab(lab.dir).processes.filter((p) => p.addedBy !== undefined)).toEqual([]);
  } finally {
    await b.heal(fault, { others: [] }).catch(() => undefined);
    await b.close();
  }
});
