import fc from 'fast-check';
import type { ControlEvent } from './control-events';
import { ScenarioView } from './scenario-view';
import { ScenarioViews } from './scenario-views';
import { testScenarioSpec } from './testing/scenario-spec-fixture';

const started = (id: string, endAtMs: number, atMs = 0): ControlEvent => ({
  v: 1,
  type: 'scenario.started',
  scenarioId: id,
  atMs,
  source: 'p',
  spec: testScenarioSpec(),
  targetTopics: {},
  startAtMs: 0,
  endAtMs,
});
const stopping = (id: string, atMs = 5): ControlEvent => ({
  v: 1,
  type: 'scenario.stopping',
  scenarioId: id,
  atMs,
  source: 'p',
  reason: 'done',
});
const drained = (id: string, atMs: number): ControlEvent => ({
  v: 1,
  type: 'scenario.drained',
  scenarioId: id,
  atMs,
  source: 'prov',
  drained: true,
  waitedMs: 50,
});

const foldAll = (events: ControlEvent[], options?: ConstructorParameters<typeof ScenarioViews>[0]) => {
  const views = new ScenarioViews(options);
  events.forEach((e) => views.apply(e));
  return views;
};

describe('ScenarioViews: the lifecycle of every scenario', () => {
  it('lists started scenarios until they stop or end', () => {
    const l = foldAll([started('a', 100), started('b', 100), started('old', 10), stopping('b')]);
    expect(l.active(50).map((s) => s.scenarioId)).toEqual(['a']);
    expect(l.active(100)).toEqual([]);
    expect(l.isStopping('b')).toBe(true);
    expect(l.isStopping('a')).toBe(false);
  });

  it('never runs a scenario whose stop came before its start (the run coordinator ignored such a stop and started it)', () => {
    const l = foldAll([stopping('x'), started('x', 100)]);
    expect(l.active(50)).toEqual([]);
    expect(l.isStopping('x')).toBe(true);
  });

  it('runs no scenario it only saw other events of', () => {
    const l = foldAll([
      stopping('x'),
      { v: 1, type: 'report.ready', scenarioId: 'x', atMs: 1, source: 'r', verdict: 'pass', reasons: [], location: '/r' },
    ]);
    expect([l.active(0), l.unfinished(0, 1000)]).toEqual([[], []]);
    expect(l.get('x')?.started).toBeUndefined();
  });

  it('keeps a stopping scenario unfinished until it is drained, within the grace period', () => {
    const l = foldAll([started('a', 100), started('b', 100), stopping('a'), stopping('b'), drained('b', 150)]);
    expect(l.unfinished(150, 1000).map((s) => s.scenarioId)).toEqual(['a']);
    expect(l.unfinished(1100, 1000)).toEqual([]);
    expect(l.isFinished('b')).toBe(true);
  });

  it('forgets finished scenarios beyond its limit, least recently active first, never a running one', () => {
    const l = foldAll(
      [started('a', 100, 1), drained('a', 10), started('b', 100, 2), drained('b', 5), started('c', 100, 3), started('d', 100, 4)],
      {
        maxScenarios: 2,
      },
    );
    expect(['a', 'b', 'c', 'd'].map((id) => l.get(id) !== undefined)).toEqual([false, false, true, true]);
  });

  it("folds each scenario's events as its own view would, whatever the interleaving", () => {
    const ids = ['a', 'b', 'c'];
    const events = fc.array(
      fc.oneof(
        fc.record({ id: fc.constantFrom(...ids), at: fc.nat(200) }).map(({ id, at }) => started(id, 100, at)),
        fc.record({ id: fc.constantFrom(...ids), at: fc.nat(200) }).map(({ id, at }) => stopping(id, at)),
        fc.record({ id: fc.constantFrom(...ids), at: fc.nat(200) }).map(({ id, at }) => drained(id, at)),
      ),
      { maxLength: 20 },
    );
    fc.assert(
      fc.property(events, (evs) => {
        const views = foldAll(evs);
        for (const id of ids) {
          const own = new ScenarioView(id, 'state');
          evs.forEach((e) => own.apply(e));
          const v = views.get(id);
          expect([v?.started?.atMs, v?.stopping?.atMs, v?.finishedAtMs, v?.size ?? 0]).toEqual(
            own.size === 0 ? [undefined, undefined, undefined, 0] : [own.started?.atMs, own.stopping?.atMs, own.finishedAtMs, own.size],
          );
        }
      }),
    );
  });
});
