import { controlEventSchema, type ControlEvent, type ControlEventInput, type ControlEventOf } from '@mirrorlab/control';
import type { ScenarioSpec } from '@mirrorlab/protocol';
import { buildReport } from './build-report';
import { renderHtml } from './render/render-html';
import { renderMarkdown } from './render/render-markdown';
import { ScenarioView } from '@mirrorlab/control';
import { syntheticScenario } from './testing';

const T0 = 1_700_000_000_000;
const base = syntheticScenario({ startAtMs: T0, durationS: 30, rate: 40, partitions: 2, validators: 1, anomalies: {} });
const started = base.find((e) => e.type === 'scenario.started') as ControlEventOf<'scenario.started'>;
const topic = Object.keys(started.targetTopics)[0];
const target = started.targetTopics[topic];

const ev = (e: Record<string, unknown>): ControlEvent =>
  controlEventSchema.parse({ v: 1, scenarioId: 'fixture-1', source: 'cg', ...e } as ControlEventInput);
const commit = (atMs: number, offsets: number[], final = false) =>
  ev({
    type: 'consumer.commit',
    atMs,
    group: 'g',
    groupId: 'mirrorlab-fixture-1-g',
    consumerId: 'cg',
    final,
    commits: offsets.map((offset, partition) => ({ topic, partition, offset, processed: [] })),
  });
const checkpoint = (atMs: number, partition: number, upstreamOffset: number) => ({
  group: 'mirrorlab-fixture-1-g',
  topic: target,
  partition,
  atMs,
  offset: upstreamOffset,
  upstreamOffset,
  via: 'checkpoint',
});
const drill = (skipped: number, reread: number) =>
  ev({
    type: 'consumer.failover',
    atMs: T0 + 21_000,
    faultId: 'fixture-1/f0',
    group: 'g',
    groupId: 'mirrorlab-fixture-1-g',
    waitedMs: 2_000,
    current: skipped === 0,
    partitions: [
      {
        topic: target,
        partition: 0,
        startOffset: 100 + skipped,
        via: 'group-offset',
        committedOffset: 100,
        endOffset: 300,
        skipped,
        reread,
      },
    ],
    skipped,
    reread,
    translations: {
      observations: 4,
      unsafeTranslations: skipped > 0 ? 1 : 0,
      skippedRecords: skipped,
      rereadOverBound: 0,
      maxReread: reread,
      regressions: 0,
      maxAgeMs: 3_000,
    },
  });

function withFailover(extra: ControlEvent[], expectations: ScenarioSpec['expectations'] = {}) {
  const spec: ScenarioSpec = {
    ...started.spec,
    consumers: [{ group: 'g', topic, commitInterval: 1_000 }],
    faults: [{ at: 20_000, kind: 'consumer-failover', target: 'g', params: {} }],
    expectations,
  };
  const events = new ScenarioView('fixture-1');
  for (const e of base) events.apply(e.type === 'scenario.started' ? { ...e, spec } : e);
  events.apply(
    ev({
      type: 'fault.injected',
      atMs: T0 + 20_000,
      faultId: 'fixture-1/f0',
      kind: 'consumer-failover',
      target: 'g',
      params: {},
      durationMs: null,
    }),
  );
  // Commits at 1 s steps; checkpoints: partition 0 current, partition 1 stuck at 50 from 5 s on.
  for (let s = 1; s <= 8; s++) events.apply(commit(T0 + s * 1_000, [s * 20, 50 + s]));
  events.apply(
    ev({ type: 'consumer.translations', atMs: T0 + 9_000, translations: [checkpoint(T0 + 4_500, 0, 80), checkpoint(T0 + 9_000, 1, 50)] }),
  );
  extra.forEach((e) => events.apply(e));
  return buildReport(events);
}

const result = (r: ReturnType<typeof buildReport>, name: string) => r.expectations.find((e) => e.name === name);

describe('consumer failover in the report', () => {
  it('checkpoint age, every second: a stale translation ages from the commit that passed it (also with no new checkpoint); a current one is 0', () => {
    const r = withFailover([drill(0, 3)]);
    expect(r.consumerFailover?.groups).toEqual([
      {
        group: 'g',
        groupId: 'mirrorlab-fixture-1-g',
        commits: 8,
        stopped: false,
        // partition 0 at 4.5 s translates 80 (the commit at 4 s), passed by the commit at 5 s and never checkpointed again;
        // partition 1 at 9 s translates 50, passed by the commit at 1 s (51).
        checkpointAge: {
          maxSeconds: 8,
          series: [
            [T0 + 4_000, 0],
            [T0 + 5_000, 0],
            [T0 + 6_000, 1],
            [T0 + 7_000, 2],
            [T0 + 8_000, 3],
            [T0 + 9_000, 8],
          ],
        },
      },
    ]);
    expect(r.consumerFailover?.checkpoints).toBe(2);
  });

  it('a drill that skipped nothing meets failover.skipped (checked at 0 by default)', () => {
    const r = withFailover([drill(0, 3)], { failover: { reread: { max: 100 } } });
    expect(result(r, 'failover.skipped')).toMatchObject({ status: 'met', measured: 0, source: 'default' });
    expect(result(r, 'failover.reread')).toMatchObject({ status: 'met', measured: 3 });
    expect(r.consumerFailover?.totals).toMatchObject({ skipped: 0, maxReread: 3, unsafeTranslations: 0 });
  });

  it('a drill that skipped records fails the run, with the count', () => {
    const r = withFailover([drill(7, 0)]);
    expect(result(r, 'failover.skipped')).toMatchObject({
      status: 'failed',
      measured: 7,
      detail: 'skipped at failover: 7 > max 0 (default)',
    });
    expect(r.verdict).toBe('fail');
    expect(renderMarkdown(r)).toContain('## Consumer failover');
    expect(renderMarkdown(r)).toContain('| fixture-1/f0 | g |');
    const page = renderHtml(r);
    expect(page).toContain('<section id="consumer-failover">');
    expect(page).toContain('Checkpoint age');
  });

  it('an injected failover with no outcome is unknown, never met', () => {
    const r = withFailover([]);
    expect(r.consumerFailover?.missingDrills).toEqual(['fixture-1/f0']);
    expect(result(r, 'failover.skipped')).toMatchObject({ status: 'unknown', measured: null });
    expect(r.verdict).not.toBe('pass');
  });

  it('checkpointAgeSeconds is judged when stated', () => {
    expect(result(withFailover([drill(0, 0)], { checkpointAgeSeconds: { max: 5 } }), 'checkpointAgeSeconds')).toMatchObject({
      status: 'failed',
      measured: 8,
    });
    expect(result(withFailover([drill(0, 0)], { checkpointAgeSeconds: { max: 10 } }), 'checkpointAgeSeconds')).toMatchObject({
      status: 'met',
      measured: 8,
    });
  });

  it('a scenario without consumer groups has no section', () => {
    const events = new ScenarioView('fixture-1');
    base.forEach((e) => events.apply(e));
    expect(buildReport(events).consumerFailover).toBeNull();
  });
});
