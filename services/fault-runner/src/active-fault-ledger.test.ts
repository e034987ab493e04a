import { RedisActiveFaultLedger, type ActiveFault } from './active-fault-ledger';
import { startTestRedis, type TestRedis } from './testing/redis-server';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});
beforeEach(async () => {
  await redis.client.flushall();
});

const fault = (faultId: string, recordedAtMs: number, extra: Partial<ActiveFault> = {}): ActiveFault => ({
  v: 1,
  scenarioId: faultId.split('/')[0],
  faultId,
  kind: 'kill-broker',
  target: 'source:2',
  requestedTarget: 'source:random',
  params: {},
  durationMs: 10_000,
  phase: 'injecting',
  recordedAtMs,
  injectedAtMs: null,
  effect: {},
  ...extra,
});

test('records, updates, lists oldest first and removes active faults in one Redis hash', async () => {
  const ledger = new RedisActiveFaultLedger(redis.client, 'test');
  await ledger.record(fault('s1/f1', 200));
  await ledger.record(fault('s1/f0', 100));
  await ledger.record(fault('s1/f1', 200, { phase: 'active', injectedAtMs: 210, effect: { pid: 42 } }));
  expect(await ledger.get('s1/f1')).toMatchObject({ phase: 'active', effect: { pid: 42 } });
  expect((await ledger.list()).faults.map((f) => f.faultId)).toEqual(['s1/f0', 's1/f1']);
  expect(await redis.client.hlen('test:active')).toBe(2);
  await ledger.remove('s1/f0');
  expect(await ledger.get('s1/f0')).toBeUndefined();
  expect((await ledger.list()).faults.map((f) => f.faultId)).toEqual(['s1/f1']);
});

test('a second ledger on the same Redis (the next runner) sees what the first recorded', async () => {
  await new RedisActiveFaultLedger(redis.client).record(fault('s1/f0', 1));
  expect((await new RedisActiveFaultLedger(redis.client).list()).faults).toHaveLength(1);
});

test('corrupt entries are listed apart with what is wrong, never dropped silently', async () => {
  const ledger = new RedisActiveFaultLedger(redis.client, 'test');
  await ledger.record(fault('s1/f0', 1));
  await redis.client.hset('test:active', 's1/f9', '{oops', 's1/f8', JSON.stringify({ ...fault('s1/f8', 2), kind: 'explode' }));
  const { faults, corrupt } = await ledger.list();
  expect(faults.map((f) => f.faultId)).toEqual(['s1/f0']);
  expect(corrupt).toEqual(
    expect.arrayContaining([
      { faultId: 's1/f9', problem: 'not JSON' },
      { faultId: 's1/f8', problem: expect.stringMatching(/^kind: /) },
    ]),
  );
  await expect(ledger.get('s1/f9')).rejects.toThrow('HDEL test:active s1/f9');
});

test('finished faults and closed scenarios are remembered, with an expiry', async () => {
  const ledger = new RedisActiveFaultLedger(redis.client, 'test');
  expect(await ledger.isFinished('s1/f0')).toBe(false);
  await ledger.markFinished('s1/f0');
  expect(await ledger.isFinished('s1/f0')).toBe(true);
  expect(await redis.client.ttl('test:finished:s1/f0')).toBeGreaterThan(24 * 3600);
  expect(await ledger.isClosed('s1')).toBe(false);
  await ledger.closeScenario('s1');
  expect(await ledger.isClosed('s1')).toBe(true);
  expect(await ledger.isClosed('s2')).toBe(false);
});
