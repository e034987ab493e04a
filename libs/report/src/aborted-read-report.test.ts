import type { ControlEvent } from '@mirrorlab/control';
import { buildReport } from './build-report';
import { renderMarkdown } from './render/render-markdown';
import { ScenarioView } from '@mirrorlab/control';
import { syntheticScenario } from './testing';

function report(events: readonly ControlEvent[]) {
  const folded = new ScenarioView('fixture-1');
  events.forEach((e) => folded.apply(e));
  return buildReport(folded);
}

/** A clean run made transactional: each producer's final report moves `moved` acked sequences of its first key to `aborted`, and adds `extra` aborted ranges never sent. */
function transactional(options: { moved: number; extra: Array<[number, number]>; mode?: string }): ControlEvent[] {
  return syntheticScenario({ durationS: 30, rate: 40, partitions: 2, validators: 1 }).map((e) => {
    if (e.type === 'scenario.started') {
      const spec = e.spec as { workload: Record<string, unknown>; replicator?: unknown };
      return {
        ...e,
        spec: {
          ...spec,
          workload: { ...spec.workload, transactions: { size: 10, abortEvery: 2 } },
          replicator: { ...(spec.replicator as object), mode: options.mode ?? 'dedicated' },
        },
      } as ControlEvent;
    }
    if (e.type !== 'producer.progress' || !e.final || e.keys === undefined) return e;
    const [first, ...rest] = e.keys;
    const [lo, hi] = first.acked[0];
    const cut = Math.min(hi, lo + options.moved - 1);
    const acked: Array<[number, number]> = [...(cut < hi ? [[cut + 1, hi] as [number, number]] : []), ...first.acked.slice(1)];
    const aborted: Array<[number, number]> = [
      ...(options.moved > 0 ? [[lo, cut] as [number, number]] : []),
      ...options.extra.map(([a, b]) => [hi + 1000 + a, hi + 1000 + b] as [number, number]),
    ];
    return { ...e, keys: [{ ...first, acked: options.moved > 0 ? acked : first.acked, aborted }, ...rest] };
  });
}

describe('report: aborted reads of a transactional workload', () => {
  it('fails on records of aborted transactions read on the target, with a row, examples and the abortedReads expectation', () => {
    const r = report(transactional({ moved: 3, extra: [] }));
    const producers = r.basis.producers.length;
    expect(r.verdict).toBe('fail');
    const row = r.anomalies.find((a) => a.class === 'aborted-read');
    expect(row).toMatchObject({ kind: 'correctness', label: 'Aborted read', count: 3 * producers });
    expect(row!.examples.length).toBeGreaterThan(0);
    expect(r.expectations.find((e) => e.name === 'abortedReads')).toMatchObject({
      status: 'failed',
      measured: 3 * producers,
      max: 0,
      source: 'default',
    });
    expect(r.reasons).toContain(`abortedReads: ${3 * producers} > max 0 (default)`);
    // Reported by their producer as aborted: never also unexpected.
    expect(r.anomalies.some((a) => a.class === 'unexpected')).toBe(false);
    expect(renderMarkdown(r)).toContain('Aborted read');
  });

  it('passes when aborted transactions never reach the target, and checks abortedReads at 0', () => {
    const r = report(
      transactional({
        moved: 0,
        extra: [
          [0, 9],
          [20, 29],
        ],
      }),
    );
    expect(r.anomalies.some((a) => a.class === 'aborted-read')).toBe(false);
    expect(r.expectations.find((e) => e.name === 'abortedReads')).toMatchObject({ status: 'met', measured: 0 });
    expect(r.verdict).toBe('pass');
  });

  it('checks duplicates at 0 when the replicator ran exactly-once, and not in dedicated mode', () => {
    const eos = report(transactional({ moved: 0, extra: [], mode: 'dedicated-eos' }));
    expect(eos.expectations.find((e) => e.name === 'duplicates')).toMatchObject({ max: 0, source: 'default', status: 'met' });
    const alo = report(transactional({ moved: 0, extra: [] }));
    expect(alo.expectations.some((e) => e.name === 'duplicates')).toBe(false);
  });

  it('warns that a read_uncommitted run shows what such a reader sees', () => {
    const events = transactional({ moved: 0, extra: [] }).map((e) =>
      e.type === 'scenario.started'
        ? ({ ...e, spec: { ...e.spec, validators: { count: 1, isolation: 'read_uncommitted' } } } as ControlEvent)
        : e,
    );
    expect(report(events).warnings.some((w) => w.startsWith('validators read at read_uncommitted'))).toBe(true);
    expect(report(transactional({ moved: 0, extra: [] })).warnings.some((w) => w.includes('read_uncommitted'))).toBe(false);
  });

  it('does not check abortedReads for a workload without transactions', () => {
    const r = report(syntheticScenario({ durationS: 30, rate: 40, partitions: 2, validators: 1 }));
    expect(r.expectations.some((e) => e.name === 'abortedReads')).toBe(false);
  });
});
