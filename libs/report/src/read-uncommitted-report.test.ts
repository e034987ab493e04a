import { ScenarioView, type ControlEvent, type ControlEventOf } from '@mirrorlab/control';
import { ValidatorState, type ValidatorSnapshot } from '@mirrorlab/validation';
import { buildReport } from './build-report';
import { renderHtml } from './render/render-html';
import { renderJson } from './render/render-json';
import { renderMarkdown } from './render/render-markdown';
import { scenarioReportSchema } from './report-schema';
import { syntheticScenario } from './testing';

const ABORTED = 10;

/**
 * A clean transactional run: the first producer's first key also wrote `ABORTED` records in aborted
 * transactions (seqs far above its acked ones), which the own validators never read. With
 * `uncommitted`, a read_uncommitted validator added beside them read everything they read plus those.
 */
function run(options: { uncommitted: boolean; asked?: number }): ControlEvent[] {
  let aborted: { producerId: string; key: string; from: number } | undefined;
  const events = syntheticScenario({ durationS: 20, rate: 40, partitions: 2, validators: 1 }).map((e) => {
    if (e.type === 'scenario.started') {
      const spec = e.spec as { workload: Record<string, unknown>; validators: Record<string, unknown> };
      return {
        ...e,
        spec: {
          ...spec,
          workload: { ...spec.workload, transactions: { size: 10, abortEvery: 2 } },
          validators: { ...spec.validators, ...(options.asked ? { readUncommitted: options.asked } : {}) },
        },
      } as ControlEvent;
    }
    if (e.type !== 'producer.progress' || !e.final || e.keys === undefined) return e;
    const [first, ...rest] = e.keys;
    const from = first.acked[first.acked.length - 1][1] + 1000;
    aborted ??= { producerId: e.producerId, key: first.key, from };
    const range: [number, number] = [from, from + ABORTED - 1];
    return { ...e, keys: [{ ...first, aborted: e.producerId === aborted.producerId ? [range] : [] }, ...rest] };
  });
  if (!options.uncommitted) return events;
  const own = events.filter((e): e is ControlEventOf<'validator.report'> => e.type === 'validator.report' && e.final);
  return [
    ...events,
    ...own.map((r, i) => {
      const state = ValidatorState.fromSnapshot(JSON.parse(JSON.stringify(r.state)) as ValidatorSnapshot);
      if (i === 0) {
        const [at] = state.positions();
        for (let k = 0; k < ABORTED; k++)
          state.observe({
            topic: at.topic,
            partition: at.partition,
            offset: at.nextOffset + k,
            producerId: aborted!.producerId,
            keyEpoch: 0,
            key: aborted!.key,
            seq: aborted!.from + k,
            sendTimeUs: 0,
            arrivalUs: 0,
          });
      }
      return { ...r, validatorId: `u${i}`, source: `u${i}`, isolation: 'read_uncommitted' as const, state: state.toSnapshot() };
    }),
  ];
}

function report(events: readonly ControlEvent[]) {
  const view = new ScenarioView('fixture-1');
  events.forEach((e) => view.apply(e));
  return buildReport(view);
}

describe('report: read_uncommitted validators beside the own ones', () => {
  it('shows their aborted reads next to the own validators’ counts, and the verdict stays the own validators’', () => {
    const without = report(run({ uncommitted: false }));
    const r = report(run({ uncommitted: true, asked: 1 }));
    expect(without.verdict).toBe('pass');
    expect(r.readUncommitted).toEqual({
      validators: ['u0'],
      readCommitted: { consumed: r.totals.consumedDistinct, abortedReads: 0, duplicates: 0, lost: 0, unexpected: 0 },
      readUncommitted: { consumed: r.totals.consumedDistinct + ABORTED, abortedReads: ABORTED, duplicates: 0, lost: 0, unexpected: 0 },
      problem: null,
    });
    // Nothing the own validators decide moved: verdict, expectations, totals, anomalies.
    expect([r.verdict, r.expectations, r.totals, r.anomalies, r.basis.validators]).toEqual([
      without.verdict,
      without.expectations,
      without.totals,
      without.anomalies,
      without.basis.validators,
    ]);
    expect(scenarioReportSchema.parse(JSON.parse(renderJson(r))).readUncommitted).toEqual(r.readUncommitted);
    const markdown = renderMarkdown(r);
    expect(markdown).toContain('## read_uncommitted validators');
    expect(markdown).toContain(`| aborted reads | 0 | ${ABORTED} |`);
    const page = renderHtml(r);
    expect(page).toContain('<section id="read-uncommitted">');
    expect(page).toMatch(new RegExp(`aborted reads</td><td class="num">0</td><td class="num">${ABORTED}</td>`));
  });

  it('is absent when the scenario added none: no section in JSON, Markdown or HTML', () => {
    const r = report(run({ uncommitted: false }));
    expect(r.readUncommitted).toBeNull();
    expect(renderMarkdown(r)).not.toContain('read_uncommitted validators');
    expect(renderHtml(r)).not.toContain('id="read-uncommitted"');
    expect(JSON.parse(renderJson(r)).readUncommitted).toBeNull();
  });

  it('says so when the scenario added some and none reported, without changing the verdict', () => {
    const r = report(run({ uncommitted: false, asked: 2 }));
    expect(r.readUncommitted).toMatchObject({
      validators: [],
      readUncommitted: null,
      problem: expect.stringContaining('added 2 read_uncommitted validators, and none reported'),
    });
    expect(r.verdict).toBe('pass');
    expect(renderMarkdown(r)).toContain('none reported');
  });

  it('names a read_uncommitted state that cannot be read, and still decides by the own validators', () => {
    const events = run({ uncommitted: true, asked: 1 }).map((e) =>
      e.type === 'validator.report' && e.isolation === 'read_uncommitted' ? { ...e, state: { nonsense: true } } : e,
    );
    const r = report(events);
    expect(r.readUncommitted).toMatchObject({ readUncommitted: null, problem: expect.stringContaining('cannot be reconciled') });
    expect(r.verdict).toBe('pass');
  });
});
