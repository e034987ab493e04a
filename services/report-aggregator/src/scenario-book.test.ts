import type { ControlEvent } from '@mirrorlab/control';
import { syntheticScenario } from '@mirrorlab/report/testing';
import { ScenarioBook } from './scenario-book';

const WAIT = 30_000;
const events = syntheticScenario({ durationS: 20, rate: 40, partitions: 2, validators: 2 });
const drained = events.find((e) => e.type === 'scenario.drained')!;
const ready = (verdict: 'pass' | 'fail', atMs: number): ControlEvent => ({
  v: 1,
  type: 'report.ready',
  scenarioId: 'fixture-1',
  atMs,
  source: 'agg',
  verdict,
  reasons: [],
  location: '/r',
});

function feed(book: ScenarioBook, list: readonly ControlEvent[]) {
  return list.map((e) => book.apply(e)).filter((c) => c !== undefined);
}

describe('ScenarioBook', () => {
  it('cuts a scenario at the event that completes it (drained + every final report), and ignores later ones', () => {
    const book = new ScenarioBook(WAIT);
    const cuts = feed(book, events);
    expect(cuts).toHaveLength(1);
    expect(cuts[0].kind).toBe('complete');
    expect(cuts[0].events.size).toBe(events.length);
    expect(feed(book, [events[events.length - 1]])).toEqual([]);
    expect(book.lateEvents('fixture-1')).toBe(1);
    expect(book.list()).toEqual([{ scenarioId: 'fixture-1', phase: 'drained', cutoff: 'complete', deadlineMs: undefined }]);
  });

  it('tracks the phase from the lifecycle events', () => {
    const book = new ScenarioBook(WAIT);
    const phases: string[] = [];
    for (const e of events) {
      book.apply(e);
      phases.push(book.list()[0].phase);
    }
    expect([...new Set(phases)]).toEqual(['running', 'stopping', 'drained']);
  });

  it('cuts before the first event past REPORT_WAIT after the drain, by event time', () => {
    const missing = syntheticScenario({ durationS: 20, rate: 40, partitions: 2, validators: 2, withoutFinal: ['v2'] });
    const book = new ScenarioBook(WAIT);
    expect(feed(book, missing)).toEqual([]);
    expect(book.list()[0].deadlineMs).toBe(drained.atMs + WAIT);
    const straggler = missing.filter((e) => e.type === 'validator.report').pop()!;
    expect(feed(book, [{ ...straggler, atMs: drained.atMs + WAIT }])).toEqual([]);
    const [cut] = feed(book, [{ ...straggler, atMs: drained.atMs + WAIT + 1, validatorId: 'v2', final: true }]);
    expect(cut.kind).toBe('deadline');
    expect(cut.events.size).toBe(missing.length + 1);
    expect(cut.events.readiness().awaitingFinal).toEqual(['v2']);
  });

  it('cuts on the live clock only when asked (after catching up), at the deadline', () => {
    const book = new ScenarioBook(WAIT);
    feed(book, syntheticScenario({ durationS: 20, rate: 40, partitions: 2, validators: 2, withoutFinal: ['v2'] }));
    expect(book.due(drained.atMs + WAIT - 1)).toEqual([]);
    const [cut] = book.due(drained.atMs + WAIT);
    expect(cut.kind).toBe('timer');
    expect(book.due(drained.atMs + WAIT + 10_000)).toEqual([]);
  });

  it('takes a report.ready as the cut when nothing else cut before it, and remembers published verdicts', () => {
    const book = new ScenarioBook(WAIT);
    feed(book, syntheticScenario({ durationS: 20, rate: 40, partitions: 2, validators: 2, withoutFinal: ['v2'] }));
    const [cut] = feed(book, [ready('fail', drained.atMs + 5_000)]);
    expect(cut.kind).toBe('report-ready');
    expect(book.wasPublished('fixture-1', 'fail')).toBe(true);
    expect(book.wasPublished('fixture-1', 'pass')).toBe(false);
  });

  it('gives up on a scenario never drained after its end + drain timeout + REPORT_WAIT', () => {
    const book = new ScenarioBook(WAIT);
    const started = events[0] as Extract<ControlEvent, { type: 'scenario.started' }>;
    feed(book, [started]);
    expect(book.list()[0].deadlineMs).toBe(started.endAtMs + 120_000 + WAIT);
    expect(book.list()[0]).toMatchObject({ phase: 'running', cutoff: undefined });
  });
});
