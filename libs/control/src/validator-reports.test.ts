import fc from 'fast-check';
import type { ControlEventInput } from './control-events';
import { controlEventSchema } from './control-events';
import { ValidatorReports, type ValidatorReport } from './validator-reports';

function report(validatorId: string, atMs: number, opts: { incarnation?: string; windows?: number[] } = {}): ValidatorReport {
  const e: ControlEventInput = {
    v: 1,
    type: 'validator.report',
    scenarioId: 's',
    atMs,
    source: validatorId,
    validatorId,
    final: false,
    state: { atMs },
    latency: opts.windows ? { endToEnd: { windows: opts.windows.map((w) => [w, 'h']) } } : {},
    partitions: [],
    drained: false,
    ...(opts.incarnation ? { incarnation: opts.incarnation } : {}),
  };
  return controlEventSchema.parse(e) as ValidatorReport;
}

const fold = (reports: ValidatorReport[]) => {
  const r = new ValidatorReports();
  reports.forEach((e) => r.apply(e));
  return r;
};
const counted = (r: ValidatorReports) => r.counted().map((e) => `${e.validatorId}/${e.incarnation ?? '-'}@${e.atMs}`);

describe('ValidatorReports: which validator reports count', () => {
  it('counts the latest report of each incarnation a validator states, oldest first', () => {
    const r = fold([
      report('v2', 10, { incarnation: 'x' }),
      report('v1', 20, { incarnation: 'a' }),
      report('v1', 30, { incarnation: 'a' }),
      report('v1', 40, { incarnation: 'b' }),
      report('v2', 50, { incarnation: 'x' }),
    ]);
    expect(counted(r)).toEqual(['v1/a@30', 'v1/b@40', 'v2/x@50']);
    expect(r.incarnations('v1').map((i) => [i.id, i.reports])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    expect(r.latest('v1')?.atMs).toBe(40);
    expect(r.validatorIds()).toEqual(['v2', 'v1']);
  });

  it('never lets an older report of an incarnation replace a newer one', () => {
    const r = fold([report('v1', 30, { incarnation: 'a' }), report('v1', 20, { incarnation: 'a' })]);
    expect(counted(r)).toEqual(['v1/a@30']);
    expect(r.incarnations('v1')[0].reports).toBe(2);
  });

  it('breaks ties by validator id, then by the order incarnations were seen', () => {
    const r = fold([
      report('v2', 10, { incarnation: 'x' }),
      report('v1', 10, { incarnation: 'b' }),
      report('v1', 10, { incarnation: 'a' }),
    ]);
    expect(counted(r)).toEqual(['v1/b@10', 'v1/a@10', 'v2/x@10']);
  });

  it('gives the same reports whatever order different incarnations interleave in', () => {
    const reports = [
      report('v1', 1, { incarnation: 'a' }),
      report('v1', 5, { incarnation: 'a' }),
      report('v1', 7, { incarnation: 'b' }),
      report('v2', 3, { incarnation: 'x' }),
      report('v2', 9, { incarnation: 'x' }),
    ];
    const expected = counted(fold(reports));
    // Any interleaving that keeps each incarnation's own reports in order (as one process publishes them).
    fc.assert(
      fc.property(fc.shuffledSubarray([0, 1, 2, 3, 4], { minLength: 5, maxLength: 5 }), (order) => {
        const sorted = order.map((i) => reports[i]);
        const inOrder = sorted.filter((e) => e.incarnation === 'a').every((e, i, a) => i === 0 || a[i - 1].atMs < e.atMs);
        const xInOrder = sorted.filter((e) => e.incarnation === 'x').every((e, i, a) => i === 0 || a[i - 1].atMs < e.atMs);
        fc.pre(inOrder && xInOrder);
        expect(counted(fold(sorted))).toEqual(expected);
      }),
    );
  });

  it('tells restarts of a validator that states no incarnation by its latency windows', () => {
    const r = fold([
      report('old', 10, { windows: [1000, 2000] }),
      report('old', 20, { windows: [1000, 2000, 3000] }),
      // Fewer windows: a new process.
      report('old', 30, { windows: [5000] }),
      report('old', 40, { windows: [5000, 6000] }),
      // Windows that start later: a new process too.
      report('old', 50, { windows: [9000, 10000, 11000] }),
    ]);
    expect(counted(r)).toEqual(['old/-@20', 'old/-@40', 'old/-@50']);
  });
});
