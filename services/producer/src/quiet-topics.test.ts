import { validateScenario, type ScenarioSpec } from '@mirrorlab/protocol';
import { inRotation, trickleRateFor } from './quiet-topics';

function spec(workload: Record<string, unknown>): ScenarioSpec {
  const r = validateScenario({
    name: 'q',
    topics: [
      { name: 'busy', partitions: 1 },
      { name: 'still', partitions: 1, quiet: { after: '10s', rate: 4 } },
    ],
    workload: { rate: { records: 100 }, duration: '60s', ...workload },
  });
  if (!r.ok) throw r.error;
  return r.spec;
}

describe('quiet topics in the producer', () => {
  const s = spec({});
  const [busy, still] = s.topics;

  it('a quiet topic is in the rotation until `after` past the measured start, a busy one always', () => {
    expect(inRotation(still, 1_000, undefined)).toBe(true);
    expect(inRotation(still, 10_999, 1_000)).toBe(true);
    expect(inRotation(still, 11_000, 1_000)).toBe(false);
    expect(inRotation(busy, 99_000, 1_000)).toBe(true);
  });

  it('the trickle is split over producers like the workload rate', () => {
    expect(trickleRateFor(spec({ producers: 2 }).workload, still)).toBe(2);
    expect(trickleRateFor(spec({ producers: 2, rateSplit: 'per-producer' }).workload, still)).toBe(4);
    expect(trickleRateFor(s.workload, busy)).toBe(0);
  });
});
