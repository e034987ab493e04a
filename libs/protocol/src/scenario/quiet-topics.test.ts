import { validateScenario } from './parse-scenario';

const base = {
  name: 'quiet',
  topics: [
    { name: 'busy', partitions: 3 },
    { name: 'still', partitions: 3, quiet: { after: '10s' } },
  ],
  workload: { rate: { records: 100 }, duration: '60s' },
};

describe('quiet topics', () => {
  it('fills the defaults (quiet from the start, no trickle) and validates again to itself', () => {
    const r = validateScenario({
      ...base,
      topics: [
        { name: 'busy', partitions: 3 },
        { name: 'still', partitions: 3, quiet: {} },
      ],
    });
    if (!r.ok) throw r.error;
    expect(r.spec.topics[0].quiet).toBeUndefined();
    expect(r.spec.topics[1].quiet).toEqual({ after: 0, rate: 0 });
    const again = validateScenario(JSON.parse(JSON.stringify(r.spec)));
    if (!again.ok) throw again.error;
    expect(again.spec).toEqual(r.spec);
  });

  it('takes the moment it goes quiet and a trickle rate', () => {
    const r = validateScenario({ ...base, topics: [base.topics[0], { name: 'still', partitions: 3, quiet: { after: '10s', rate: 0.5 } }] });
    if (!r.ok) throw r.error;
    expect(r.spec.topics[1].quiet).toEqual({ after: 10_000, rate: 0.5 });
  });

  it('names the field of every bad value', () => {
    const r = validateScenario({
      ...base,
      topics: [
        base.topics[0],
        { name: 'a', partitions: 1, quiet: { after: 'soon' } },
        { name: 'b', partitions: 1, quiet: { rate: -1 } },
        { name: 'c', partitions: 1, quiet: { rate: 'slow' } },
        { name: 'd', partitions: 1, quiet: { when: '5s' } },
        { name: 'e', partitions: 1, quiet: true },
      ],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.problems).toEqual([
      'topics[1].quiet.after: expected a duration like 30s',
      'topics[2].quiet.rate: expected records per second >= 0 (0: none)',
      'topics[3].quiet.rate: expected records per second (0: none)',
      'topics[4].quiet: unknown field when',
      expect.stringMatching(/^topics\[5\]\.quiet: /),
    ]);
  });

  it('refuses a scenario whose every topic is quiet', () => {
    const r = validateScenario({ ...base, topics: [{ name: 'still', partitions: 3, quiet: { after: '10s' } }] });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.problems).toEqual([
      'topics[0].quiet: every topic is quiet: at least one topic must take the workload rate (leave quiet off it)',
    ]);
  });

  it('refuses a topic that would go quiet only after the workload', () => {
    const r = validateScenario({ ...base, topics: [base.topics[0], { name: 'still', partitions: 3, quiet: { after: '60s' } }] });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.problems).toEqual([
      'topics[1].quiet.after: the topic would go quiet only after the workload ends (workload.duration is 60s)',
    ]);
  });

  it('refuses a trickle with transactions, but not a silent quiet topic', () => {
    const tx = { ...base.workload, transactions: { size: 100, abortEvery: 0 } };
    const trickle = validateScenario({
      ...base,
      workload: tx,
      topics: [base.topics[0], { name: 'still', partitions: 3, quiet: { after: '10s', rate: 1 } }],
    });
    expect(trickle.ok).toBe(false);
    if (trickle.ok) return;
    expect(trickle.error.problems).toEqual([
      'topics[1].quiet.rate: a quiet topic cannot trickle records with workload.transactions (use rate 0)',
    ]);
    expect(validateScenario({ ...base, workload: tx }).ok).toBe(true);
  });
});
