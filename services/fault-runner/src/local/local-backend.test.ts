import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planLab, writeLabState, type LabState } from '@mirrorlab/lab';
import { planFault } from '../fault-request';
import { KafkaAdmins } from '../kafka-admin';
import { memoryLogger } from '../testing/fakes';
import { LocalFaultBackend, mm2TopicRefusal } from './local-backend';
import { linkTag } from './network-faults';

let dir: string;
let lab: LabState;
let backend: LocalFaultBackend;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fr-lab-'));
  lab = planLab({
    dir,
    id: 'abc123',
    mode: 'loopback',
    basePort: 21008,
    subnetIndex: null,
    clusterIds: { source: 'a', target: 'b' },
    replicationPolicy: 'default',
    topics: 'orders.*|payments',
    kafkaVersion: '4.3.1',
    now: new Date(0),
  });
  writeLabState(lab);
  const { logger } = memoryLogger();
  const admins = new KafkaAdmins({ source: { brokers: ['127.0.0.1:1'] }, target: { brokers: ['127.0.0.1:1'] } }, logger, 1000);
  backend = new LocalFaultBackend({ labDir: dir, admins, healTimeoutMs: 1000, logger });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const plan = (kind: string, params: Record<string, string | number> = {}, target?: string) =>
  planFault({ scenarioId: 's', faultId: 's/f0', kind: kind as never, params, ...(target ? { target } : {}) }, { source: 3, target: 3 });

test('cluster sizes come from the planned brokers of the lab', async () => {
  expect(await backend.clusterSizes()).toEqual({ source: 3, target: 3 });
});

test('on a loopback lab network faults fail with faults_unavailable, and their heal has nothing to undo', async () => {
  for (const [kind, params] of [
    ['packet-loss', { probability: 0.1 }],
    ['network-partition', {}],
    ['bandwidth-cap', { rate: '1mbit' }],
  ] as const) {
    await expect(backend.inject(plan(kind, params))).rejects.toMatchObject({
      code: 'faults_unavailable',
      message: expect.stringContaining('loopback mode'),
    });
    await expect(backend.heal(plan(kind, params), { others: [] })).resolves.toMatchObject({
      verified: true,
      detail: expect.stringContaining('loopback lab'),
    });
  }
});

test('a process fault on a process that is not running fails clearly and is not retried', async () => {
  await expect(backend.inject(plan('kill-broker', {}, 'source:2'))).rejects.toMatchObject({
    code: 'inject_failed',
    retriable: false,
    message: expect.stringContaining('source-2 is not running'),
  });
});

test('new topics must be ones MirrorMaker 2 would replicate', () => {
  expect(mm2TopicRefusal(lab, 'orders.eu')).toBeNull();
  expect(mm2TopicRefusal(lab, 'payments')).toBeNull();
  expect(mm2TopicRefusal(lab, 'payments2')).toMatch(/does not match MirrorMaker 2's topics pattern/);
  expect(mm2TopicRefusal({ mm2: { ...lab.mm2, topics: '.*' } }, 'x.internal')).toMatch(/topics.exclude/);
  expect(mm2TopicRefusal({ mm2: { ...lab.mm2, topics: '.*' } }, '__consumer_offsets')).toMatch(/topics.exclude/);
});

test('link rule tags derive from the fault id alone', () => {
  expect(linkTag('s/f0')).toBe(linkTag('s/f0'));
  expect(linkTag('s/f0')).not.toBe(linkTag('s/f1'));
  expect(linkTag('a scenario with spaces/f12')).toMatch(/^f[0-9a-f]{16}$/);
});
