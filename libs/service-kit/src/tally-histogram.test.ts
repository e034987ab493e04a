import fc from 'fast-check';
import { Histogram, Registry } from 'prom-client';
import { TallyHistogram } from './tally-histogram';

const BUCKETS = [0.001, 0.01, 0.1, 1, 10];

/** An exposition's sample lines as a map from series (name and sorted labels) to value, so label order does not matter. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unexpected line ${line}`);
    const labels = (m[2] ?? '').split(',').filter(Boolean).sort().join(',');
    out.set(`${m[1]}{${labels}}`, Number(m[3]));
  }
  return out;
}

describe('TallyHistogram', () => {
  test("exposes the same buckets, sum and count as prom-client's Histogram for the same observations", async () => {
    await fc.assert(
      fc.asyncProperty(
        // Values on the bounds too: a bound belongs to its own bucket (le).
        fc.array(
          fc.tuple(fc.constantFrom('a', 'b'), fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.constantFrom(0, ...BUCKETS))),
          {
            maxLength: 200,
          },
        ),
        async (observations) => {
          const theirs = new Registry();
          const ours = new Registry();
          const opts = { name: 'x_seconds', help: 'h', labelNames: ['scenario'] as const, buckets: BUCKETS };
          const reference = new Histogram({ ...opts, labelNames: ['scenario'], registers: [theirs] });
          const tally = new TallyHistogram({ ...opts, registers: [ours] });
          for (const s of ['a', 'b']) reference.zero({ scenario: s });
          const series = { a: tally.labels({ scenario: 'a' }), b: tally.labels({ scenario: 'b' }) };
          for (const [s, v] of observations) {
            reference.observe({ scenario: s }, v);
            series[s as 'a' | 'b'].observe(v);
          }
          const expected = samples(await theirs.metrics());
          const got = samples(await ours.metrics());
          expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
          for (const [k, v] of expected) expect(got.get(k)).toBeCloseTo(v, 9);
        },
      ),
      { numRuns: 100 },
    );
  });

  test('a series is exposed at zero from the moment it is bound', async () => {
    const registry = new Registry();
    new TallyHistogram({ name: 'y_seconds', help: 'h', labelNames: ['p'], buckets: BUCKETS, registers: [registry] }).labels({ p: 'x' });
    const text = await registry.metrics();
    expect(text).toContain('# TYPE y_seconds histogram');
    expect(text).toContain('y_seconds_count{p="x"} 0');
    expect(text).toContain('y_seconds_bucket{p="x",le="+Inf"} 0');
  });

  test('refuses a value that is not a number, an unknown label and unsorted buckets', () => {
    const h = new TallyHistogram({ name: 'z', help: 'h', labelNames: ['p'], buckets: BUCKETS, registers: [] });
    expect(() => h.labels({ p: 'x' }).observe(Number.NaN)).toThrow(TypeError);
    expect(() => h.labels({ q: 'x' } as never)).toThrow(/unknown label q/);
    expect(() => new TallyHistogram({ name: 'w', help: 'h', labelNames: [], buckets: [1, 1], registers: [] })).toThrow(/ascend/);
  });

  test('reset forgets every series', async () => {
    const registry = new Registry();
    const h = new TallyHistogram({ name: 'r', help: 'h', labelNames: ['p'], buckets: BUCKETS, registers: [registry] });
    h.labels({ p: 'x' }).observe(1);
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('r_count');
  });
});
