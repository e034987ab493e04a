import { decodeControlEvent, encodeControlEvent } from './control-codec';
import type { ControlEventInput } from './control-events';

const stopping: ControlEventInput = {
  v: 1,
  type: 'scenario.stopping',
  scenarioId: 's-1',
  atMs: 1_700_000_000_000,
  source: 'provisioner-0',
  reason: 'duration reached',
};

describe('control events', () => {
  it('round-trips an event, keyed by scenario id', () => {
    const rec = encodeControlEvent(stopping);
    expect(rec.key).toBe('s-1');
    expect(decodeControlEvent(Buffer.from(rec.value))).toEqual({ ok: true, event: stopping });
  });

  it('refuses to publish an invalid event', () => {
    expect(() => encodeControlEvent({ ...stopping, atMs: -1 })).toThrow();
  });

  it.each([
    [null, 'not_json'],
    ['{not json', 'not_json'],
    [JSON.stringify({ ...stopping, type: 'scenario.exploded' }), 'unknown_type'],
    [JSON.stringify({ ...stopping, v: 2 }), 'unsupported_version'],
    [JSON.stringify({ ...stopping, reason: 42 }), 'invalid'],
    ['[]', 'unknown_type'],
    ['null', 'unknown_type'],
  ])('decodes %j as a typed failure (%s), never throwing', (value, reason) => {
    const r = decodeControlEvent(value);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe(reason);
      expect(r.problems.length).toBeGreaterThan(0);
    }
  });

  it('names the field at fault', () => {
    const r = decodeControlEvent(JSON.stringify({ ...stopping, reason: 42 }));
    expect(!r.ok && r.problems).toEqual(['reason: expected string, received number']);
  });
});

describe('consumer.commit', () => {
  const commit: ControlEventInput = {
    v: 1,
    type: 'consumer.commit',
    scenarioId: 's-1',
    atMs: 1_700_000_000_000,
    source: 'cg-0',
    group: 'keeps-up',
    groupId: 'mirrorlab-s-1-keeps-up',
    consumerId: 'cg-0',
    final: false,
    commits: [{ topic: 'a', partition: 0, offset: 12, processed: [{ producerId: 'p0', keyEpoch: 0, key: '3', ranges: [[0, 5]] }] }],
  };

  it('round-trips', () => {
    expect(decodeControlEvent(Buffer.from(encodeControlEvent(commit).value))).toEqual({ ok: true, event: commit });
  });

  it('names a bad range', () => {
    const bad = {
      ...commit,
      commits: [{ topic: 'a', partition: 0, offset: 12, processed: [{ producerId: 'p0', keyEpoch: 0, key: '3', ranges: [[-1, 5]] }] }],
    };
    const r = decodeControlEvent(JSON.stringify(bad));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems[0]).toMatch(/^commits\[0\]\.processed\[0\]\.ranges\[0\]\[0\]: /);
  });
});

describe('consumer.translations', () => {
  const event: ControlEventInput = {
    v: 1,
    type: 'consumer.translations',
    scenarioId: 's-1',
    atMs: 1_700_000_000_000,
    source: 'cg-0',
    translations: [
      {
        group: 'mirrorlab-s-1-g',
        topic: 'source.a',
        partition: 0,
        atMs: 1_700_000_000_000,
        offset: 40,
        upstreamOffset: 41,
        via: 'checkpoint',
      },
      { group: 'mirrorlab-s-1-g', topic: 'source.a', partition: 0, atMs: 1_700_000_000_000, offset: 40, via: 'group-offset' },
    ],
  };

  it('round-trips, with and without an upstream offset', () => {
    expect(decodeControlEvent(Buffer.from(encodeControlEvent(event).value))).toEqual({ ok: true, event });
  });

  it('names an unknown way', () => {
    const r = decodeControlEvent(
      JSON.stringify({ ...event, translations: [{ ...(event as { translations: object[] }).translations[0], via: 'guess' }] }),
    );
    expect(!r.ok && r.problems[0]).toMatch(/^translations\[0\]\.via: /);
  });
});
