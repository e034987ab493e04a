import { validateScenario } from '@mirrorlab/protocol';
import { exitCodeForVerdicts, specsPerMode } from './replicator-runs';

const spec = (extra: Record<string, unknown>) => {
  const r = validateScenario({
    name: 's',
    topics: [{ name: 't', partitions: 1 }],
    workload: { rate: { records: 10 }, duration: '10s' },
    ...extra,
  });
  if (!r.ok) throw r.error;
  return r.spec;
};

describe('specsPerMode', () => {
  it('runs a scenario once per listed mode, each with replicator.mode set', () => {
    const runs = specsPerMode(spec({ replicators: ['dedicated-eos', 'dedicated'], replicator: { sourceAlias: 'src' } }));
    expect(runs.map((r) => [r.mode, r.spec.replicator.mode, r.spec.replicator.sourceAlias])).toEqual([
      ['dedicated-eos', 'dedicated-eos', 'src'],
      ['dedicated', 'dedicated', 'src'],
    ]);
  });

  it('runs a scenario without replicators once, in its replicator.mode', () => {
    expect(specsPerMode(spec({ replicator: { mode: 'dedicated-eos' } })).map((r) => r.mode)).toEqual(['dedicated-eos']);
  });
});

describe('exitCodeForVerdicts', () => {
  it('fail wins, then error, then inconclusive; all pass is 0', () => {
    expect(exitCodeForVerdicts(['pass', 'pass'])).toBe(0);
    expect(exitCodeForVerdicts(['pass', 'inconclusive'])).toBe(3);
    expect(exitCodeForVerdicts(['error', 'inconclusive'])).toBe(2);
    expect(exitCodeForVerdicts(['error', 'fail', 'pass'])).toBe(1);
  });
});
