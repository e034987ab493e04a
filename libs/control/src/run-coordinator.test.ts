import { createLogger } from '@mirrorlab/service-kit';
import type { ControlEvent } from './control-events';
import { producerPolicy, RunCoordinator, validatorPolicy, type Run, type RunPolicy } from './run-coordinator';
import { testScenarioSpec } from './testing/scenario-spec-fixture';

const started = (id: string, endAtMs = 10_000): ControlEvent => ({
  v: 1,
  type: 'scenario.started',
  scenarioId: id,
  atMs: 0,
  source: 'prov',
  spec: testScenarioSpec(),
  targetTopics: {},
  startAtMs: 0,
  endAtMs,
});
const stopping = (id: string): ControlEvent => ({
  v: 1,
  type: 'scenario.stopping',
  scenarioId: id,
  atMs: 1,
  source: 'prov',
  reason: 'done',
});

function setup(policy: RunPolicy = producerPolicy) {
  const log: string[] = [];
  const finishers = new Map<string, () => void>();
  const coordinator = new RunCoordinator({
    policy,
    nowMs: () => 5_000,
    logger: createLogger({ service: 't', instance: 't', write: () => undefined }),
    createRun: (info) => {
      const run: Run = {
        start: () => {
          log.push(`start ${info.scenarioId}`);
          return new Promise<void>((resolve) => finishers.set(info.scenarioId, resolve));
        },
        requestStop: async (reason) => {
          log.push(`stop ${info.scenarioId} (${reason})`);
          finishers.get(info.scenarioId)?.();
        },
      };
      return run;
    },
  });
  return { coordinator, log, finish: (id: string) => finishers.get(id)?.() };
}

describe('RunCoordinator', () => {
  it('starts nothing before the control topic is caught up, then only what is still active', () => {
    const { coordinator, log } = setup();
    coordinator.onEvent(started('a'));
    coordinator.onEvent(started('b'));
    coordinator.onEvent(stopping('b'));
    coordinator.onEvent(started('ended', 1_000));
    expect(log).toEqual([]);
    expect(coordinator.ready).toBe(false);
    coordinator.onCaughtUp();
    expect(coordinator.ready).toBe(true);
    expect(log).toEqual(['start a']);
  });

  it('starts new scenarios live and stops them on scenario.stopping', () => {
    const { coordinator, log } = setup();
    coordinator.onCaughtUp();
    coordinator.onEvent(started('c'));
    coordinator.onEvent(stopping('c'));
    expect(log).toEqual(['start c', 'stop c (scenario.stopping)']);
  });

  it('never restarts a finished run', async () => {
    const { coordinator, log, finish } = setup();
    coordinator.onCaughtUp();
    coordinator.onEvent(started('d'));
    finish('d');
    await new Promise((r) => setImmediate(r));
    coordinator.onEvent(started('e'));
    expect(log).toEqual(['start d', 'start e']);
  });

  it('with the validator policy, keeps reading a stopping scenario until it is drained', () => {
    const { coordinator, log } = setup(validatorPolicy(60_000));
    coordinator.onEvent(started('v'));
    coordinator.onEvent(stopping('v'));
    coordinator.onCaughtUp();
    expect(log).toEqual(['start v']);
    coordinator.onEvent({ v: 1, type: 'scenario.drained', scenarioId: 'v', atMs: 2, source: 'prov', drained: true, waitedMs: 1 });
    expect(log).toEqual(['start v', 'stop v (scenario.stopping)']);
  });

  it('runs only its own scenario when started for one', () => {
    const log: string[] = [];
    const coordinator = new RunCoordinator({
      policy: producerPolicy,
      onlyScenario: 'mine',
      nowMs: () => 5_000,
      logger: createLogger({ service: 't', instance: 't', write: () => undefined }),
      createRun: (info) => ({
        start: () => (log.push(info.scenarioId), new Promise<void>(() => undefined)),
        requestStop: async () => undefined,
      }),
    });
    coordinator.onEvent(started('other'));
    coordinator.onEvent(started('mine'));
    coordinator.onCaughtUp();
    expect(log).toEqual(['mine']);
  });

  it('logs a run that fails while stopping instead of crashing', async () => {
    const lines: string[] = [];
    const coordinator = new RunCoordinator({
      policy: producerPolicy,
      nowMs: () => 5_000,
      logger: createLogger({ service: 't', instance: 't', write: (l) => lines.push(l) }),
      createRun: () => ({ start: () => new Promise<void>(() => undefined), requestStop: () => Promise.reject(new Error('broker gone')) }),
    });
    coordinator.onCaughtUp();
    coordinator.onEvent(started('a'));
    coordinator.onEvent(stopping('a'));
    await coordinator.stopAll('shutdown');
    await new Promise((r) => setImmediate(r));
    expect(lines.filter((l) => l.includes('run_stop_failed')).length).toBe(2);
  });
});
