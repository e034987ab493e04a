import fc from 'fast-check';
import { clockSkewReport, clockSkewWarning, OffsetBounds, skewBetween, worstSkewMs } from './clock-skew';

/** A service whose clock is `offset` ms off the reference, exchanging events with it over delays >= 0. */
const service = fc.record({
  offset: fc.integer({ min: -60_000, max: 60_000 }),
  published: fc.array(fc.record({ t: fc.integer({ min: 0, max: 1e9 }), delay: fc.integer({ min: 0, max: 5_000 }) }), {
    minLength: 1,
    maxLength: 20,
  }),
  read: fc.array(fc.record({ t: fc.integer({ min: 0, max: 1e9 }), delay: fc.integer({ min: 0, max: 5_000 }) }), {
    minLength: 1,
    maxLength: 20,
  }),
});

function boundsOf(s: { offset: number; published: Array<{ t: number; delay: number }>; read: Array<{ t: number; delay: number }> }) {
  const b = new OffsetBounds();
  // Published: stamped at true time t on the service's clock, appended `delay` later on the reference's.
  for (const p of s.published) b.published(p.t + s.offset, p.t + p.delay);
  // Read: appended at true time t, read `delay` later; the service reports its smallest delay.
  b.read(Math.min(...s.read.map((r) => r.t + r.delay + s.offset - r.t)));
  return b.bound;
}

describe('clock skew against a reference clock', () => {
  it('the true skew between two services is always within estimate +- bound', () => {
    fc.assert(
      fc.property(service, service, (a, b) => {
        const skew = skewBetween(boundsOf(a), boundsOf(b))!;
        const truth = a.offset - b.offset;
        expect(skew.boundMs).toBeGreaterThanOrEqual(0);
        expect(truth).toBeGreaterThanOrEqual(skew.estimateMs - skew.boundMs);
        expect(truth).toBeLessThanOrEqual(skew.estimateMs + skew.boundMs);
        expect(worstSkewMs(skew)).toBeGreaterThanOrEqual(Math.abs(truth));
      }),
    );
  });

  it('the bound is half the fastest delays of each kind: exact when a message of each kind took 0 ms', () => {
    fc.assert(
      fc.property(service, service, (a, b) => {
        const minDelay = (s: typeof a, k: 'published' | 'read') => Math.min(...s[k].map((x) => x.delay));
        const skew = skewBetween(boundsOf(a), boundsOf(b))!;
        expect(skew.boundMs).toBe((minDelay(a, 'published') + minDelay(a, 'read') + minDelay(b, 'published') + minDelay(b, 'read')) / 2);
        const instant = (s: typeof a) => ({ ...s, published: [{ t: 5, delay: 0 }], read: [{ t: 7, delay: 0 }] });
        expect(skewBetween(boundsOf(instant(a)), boundsOf(instant(b)))).toEqual({ estimateMs: a.offset - b.offset, boundMs: 0 });
      }),
    );
  });

  it('one-way observations bound nothing: no estimate without both kinds on both sides', () => {
    const onlyPublished = new OffsetBounds();
    onlyPublished.published(1000, 990);
    const both = new OffsetBounds();
    both.published(1000, 990);
    both.read(15);
    expect(onlyPublished.bound).toEqual({ lowMs: 10, highMs: null });
    expect(skewBetween(onlyPublished.bound, both.bound)).toBeNull();
    expect(skewBetween(both.bound, onlyPublished.bound)).toBeNull();
    expect(skewBetween(both.bound, new OffsetBounds().bound)).toBeNull();
    expect(skewBetween(both.bound, both.bound)).toEqual({ estimateMs: 0, boundMs: 5 });
  });

  it('crossed bounds (a clock stepped mid-run) give their crossing point, not a negative width', () => {
    expect(skewBetween({ lowMs: 30, highMs: 10 }, { lowMs: 0, highMs: 0 })).toEqual({ estimateMs: 20, boundMs: 0 });
  });
});

describe('clock skew in the report', () => {
  const clock = (source: string, role: 'producer' | 'validator', lowMs: number | null, highMs: number | null) => ({
    source,
    role,
    bound: { lowMs, highMs },
  });

  it('names the producer-validator pair that may differ most, and warns past the threshold', () => {
    const r = clockSkewReport([clock('v0', 'validator', 190, 210), clock('p0', 'producer', -5, 5), clock('p1', 'producer', 0, 2)])!;
    expect(r.worstPair).toEqual({ producer: 'p0', validator: 'v0', estimateMs: 200, boundMs: 15, worstMs: 215 });
    expect(r.services.map((s) => s.source)).toEqual(['p0', 'p1', 'v0']);
    expect(r.exceeds).toBe(true);
    expect(clockSkewWarning(r)).toMatch(
      /^clock skew: validator v0's clock may differ from producer p0's by up to 215 ms \(estimate 200 \+- 15 ms/,
    );
  });

  it('does not warn when the clocks agree within the threshold (one host), nor when nothing bounds the skew', () => {
    const same = clockSkewReport([clock('p0', 'producer', -3, 4), clock('v0', 'validator', -2, 6)])!;
    expect(same).toMatchObject({ exceeds: false, worstPair: { estimateMs: 1.5, boundMs: 7.5 } });
    expect(clockSkewWarning(same)).toBeNull();
    const oneWay = clockSkewReport([clock('p0', 'producer', -3, null), clock('v0', 'validator', 500, null)])!;
    expect(oneWay).toMatchObject({ exceeds: false, worstPair: null });
    expect(clockSkewWarning(oneWay)).toBeNull();
    expect(clockSkewReport([])).toBeNull();
  });
});
