import { randomBytes } from 'node:crypto';
import type { LabState } from '@mirrorlab/lab';
import { ControlProbe } from './support/control-probe';
import { runningLab } from './support/lab-env';

/**
 * The control topic is the services' event log: a follower that restarts under the
 * same name (a provisioner, a validator) must rebuild its view from the beginning,
 * whatever an earlier instance of it read.
 */
let lab: LabState;
beforeAll(() => {
  lab = runningLab();
});

test('a follower restarted under the same name reads every event again and says it caught up', async () => {
  const scenarioId = `ct-${randomBytes(3).toString('hex')}`;
  const first = await ControlProbe.start(lab.target.bootstrap);
  for (let i = 0; i < 3; i++) {
    await first.publish({ v: 1, type: 'scenario.stopping', scenarioId, atMs: Date.now(), source: 'e2e', reason: `r${i}` });
  }
  await first.waitFor('the three events', () => first.of(scenarioId, 'scenario.stopping').length === 3, 30_000);
  await first.close();

  // Same group name as the first: it starts from the beginning, and is caught up once it has read
  // everything published before it started (start() resolves only then).
  const second = await ControlProbe.start(lab.target.bootstrap);
  try {
    expect(second.of(scenarioId, 'scenario.stopping').map((e) => e.reason)).toEqual(['r0', 'r1', 'r2']);
  } finally {
    await second.close();
  }
}, 120_000);
