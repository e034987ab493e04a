import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { ControlTopic } from '@mirrorlab/control';
import type { LabState } from '@mirrorlab/lab';
import { OffsetBounds } from '@mirrorlab/report';
import { createLogger } from '@mirrorlab/service-kit';
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

/**
 * Clock skew (issue 12): the control topic is created stamping LogAppendTime, so every record carries
 * the broker's clock; a follower measures its smallest read delay and stamps it on what it publishes.
 * On one host the bounds on a service's clock offset must hold 0.
 */
test('a new control topic stamps the broker append time; published events carry the read delay; the bounds hold 0 on one host', async () => {
  const topic = `mirrorlab.control.skew-${randomBytes(3).toString('hex')}`;
  const kafka = new Kafka({ clientId: 'e2e-skew', brokers: lab.target.bootstrap.split(','), logLevel: logLevel.NOTHING });
  const control = new ControlTopic({ kafka, topic, logger: createLogger({ service: 'e2e', instance: 'skew', level: 'error' }) });
  const seen: Array<{ event: { atMs: number; controlReadDelayMs?: number; type: string }; appendTimeMs?: number }> = [];
  let caughtUp!: () => void;
  const ready = new Promise<void>((r) => (caughtUp = r));
  try {
    await control.follow((event, position) => void seen.push({ event, appendTimeMs: position.appendTimeMs }), {
      groupId: 'e2e-skew',
      onCaughtUp: () => caughtUp(),
    });
    await ready;
    const stop = (reason: string) => ({
      v: 1 as const,
      type: 'scenario.stopping' as const,
      scenarioId: 'skew',
      atMs: Date.now(),
      source: 'e2e',
      reason,
    });
    await control.publish(stop('first'));
    const deadline = Date.now() + 30_000;
    while (seen.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await control.publish(stop('second'));
    while (seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(seen).toHaveLength(2);
    // Read the first before publishing the second: the second carries the read delay, the first could not.
    expect(seen[0].event.controlReadDelayMs).toBeUndefined();
    expect(seen[1].event.controlReadDelayMs).toEqual(expect.any(Number));
    const bounds = new OffsetBounds();
    for (const s of seen) {
      expect(s.appendTimeMs).toEqual(expect.any(Number));
      bounds.published(s.event.atMs, s.appendTimeMs!);
    }
    bounds.read(seen[1].event.controlReadDelayMs!);
    const { lowMs, highMs } = bounds.bound;
    console.log(`control topic clock bounds on one host: [${lowMs}, ${highMs}] ms`);
    expect(lowMs!).toBeLessThanOrEqual(0);
    expect(highMs!).toBeGreaterThanOrEqual(0);
  } finally {
    await control.close();
  }
}, 120_000);
