import { controlEventSchema, type ControlEventInput } from '@mirrorlab/control';
import { controlTopicFaultEvents } from './fault-events';
import { planFault } from './fault-request';

const fault = planFault(
  { scenarioId: 's1', faultId: 's1/f0', kind: 'kill-broker', target: 'source:random', params: {} },
  { source: 3, target: 3 },
);

test('events carry the moment of the effect / of the verified heal, the scenario and the resolved target, and validate', async () => {
  const sent: ControlEventInput[] = [];
  const events = controlTopicFaultEvents({ publish: async (e) => void sent.push(e) }, 'runner-1');
  await events.injected(fault, { atMs: 1234, detail: 'd', effect: {} });
  await events.healed(fault, { atMs: 5678, verified: false, detail: 'source-2 still down' });
  expect(sent[0]).toMatchObject({
    type: 'fault.injected',
    scenarioId: 's1',
    faultId: 's1/f0',
    atMs: 1234,
    source: 'runner-1',
    kind: 'kill-broker',
    target: expect.stringMatching(/^source:[123]$/),
  });
  expect(sent[1]).toMatchObject({ type: 'fault.healed', atMs: 5678, verified: false, detail: 'source-2 still down' });
  for (const e of sent) expect(controlEventSchema.safeParse(e).success).toBe(true);
});

test('a publish is retried; after the last attempt it fails with publish_failed', async () => {
  const attempts: number[] = [];
  const events = controlTopicFaultEvents(
    {
      publish: async () => {
        attempts.push(attempts.length);
        if (attempts.length < 3) throw new Error('leader moved');
      },
    },
    'r',
    { backoffMs: 1 },
  );
  await events.injected(fault, { atMs: 1, detail: '', effect: {} });
  expect(attempts).toHaveLength(3);
  const dead = controlTopicFaultEvents({ publish: () => Promise.reject(new Error('no brokers')) }, 'r', { attempts: 2, backoffMs: 1 });
  await expect(dead.healed(fault, { atMs: 1, verified: true, detail: '' })).rejects.toMatchObject({
    code: 'publish_failed',
    message: expect.stringContaining('no brokers'),
  });
});

test('the heal says when it started and, only when verified, when the component was back; the injection says whether the fault has a duration', async () => {
  const sent: ControlEventInput[] = [];
  const events = controlTopicFaultEvents({ publish: async (e) => void sent.push(e) }, 'runner-1');
  const timed = planFault(
    { scenarioId: 's1', faultId: 's1/f1', kind: 'kill-broker', target: 'source:1', params: {}, durationMs: 20_000 },
    { source: 3, target: 3 },
  );
  await events.injected(timed, { atMs: 10_000, detail: '', effect: {} });
  await events.injected(fault, { atMs: 10_000, detail: '', effect: {} });
  // Heal began at 30 000; the broker served again at 55 000.
  await events.healed(timed, { atMs: 55_000, verified: true, detail: 'source-1 back' }, 30_000);
  await events.healed(timed, { atMs: 90_000, verified: false, detail: 'source-1 still down' }, 30_000);
  await events.healed(timed, { atMs: 91_000, verified: true, detail: '' });
  expect(sent[0]).toMatchObject({ type: 'fault.injected', durationMs: 20_000 });
  expect(sent[1]).toMatchObject({ type: 'fault.injected', durationMs: null });
  expect(sent[2]).toMatchObject({ type: 'fault.healed', atMs: 55_000, healStartedAtMs: 30_000, backAtMs: 55_000 });
  expect(sent[3]).toMatchObject({ type: 'fault.healed', atMs: 90_000, healStartedAtMs: 30_000 });
  expect(sent[3]).not.toHaveProperty('backAtMs');
  expect(sent[4]).not.toHaveProperty('healStartedAtMs');
  for (const e of sent) expect(controlEventSchema.safeParse(e).success).toBe(true);
});
