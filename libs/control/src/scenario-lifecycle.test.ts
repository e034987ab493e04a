import type { ControlEvent } from './control-events';
import { ScenarioLifecycle } from './scenario-lifecycle';
import { testScenarioSpec } from './testing/scenario-spec-fixture';

const started = (id: string, endAtMs: number): ControlEvent => ({
  v: 1,
  type: 'scenario.started',
  scenarioId: id,
  atMs: 0,
  source: 'p',
  spec: testScenarioSpec(),
  targetTopics: {},
  startAtMs: 0,
  endAtMs,
});
const stopping = (id: string): ControlEvent => ({ v: 1, type: 'scenario.stopping', scenarioId: id, atMs: 5, source: 'p', reason: 'done' });

describe('ScenarioLifecycle', () => {
  it('lists started scenarios until they stop or end', () => {
    const l = new ScenarioLifecycle();
    [started('a', 100), started('b', 100), started('old', 10), stopping('b')].forEach((e) => l.apply(e));
    expect(l.active(50).map((s) => s.scenarioId)).toEqual(['a']);
    expect(l.active(100)).toEqual([]);
    expect(l.isStopping('b')).toBe(true);
    expect(l.isStopping('a')).toBe(false);
  });

  it('ignores a stop for an unknown scenario and other event types', () => {
    const l = new ScenarioLifecycle();
    l.apply(stopping('x'));
    l.apply({ v: 1, type: 'report.ready', scenarioId: 'x', atMs: 1, source: 'r', verdict: 'pass', reasons: [], location: '/r' });
    expect(l.get('x')).toBeUndefined();
  });

  it('keeps a stopping scenario unfinished until it is drained, within the grace period', () => {
    const l = new ScenarioLifecycle();
    [started('a', 100), started('b', 100), stopping('a'), stopping('b')].forEach((e) => l.apply(e));
    l.apply({ v: 1, type: 'scenario.drained', scenarioId: 'b', atMs: 150, source: 'prov', drained: true, waitedMs: 50 });
    expect(l.unfinished(150, 1000).map((s) => s.scenarioId)).toEqual(['a']);
    expect(l.unfinished(1100, 1000)).toEqual([]);
    expect(l.isFinished('b')).toBe(true);
  });
});
