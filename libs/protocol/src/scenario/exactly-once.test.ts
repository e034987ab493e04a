import { effectiveExpectations, expectationContext } from './expectations';
import { parseScenarioYaml } from './parse-scenario';

const parse = (extra: string, workloadExtra = '') =>
  parseScenarioYaml(`
name: e
topics: [{ name: t, partitions: 1 }]
workload: { rate: { records: 10 }, duration: 10s${workloadExtra} }
${extra}
`);

const spec = (extra: string, workloadExtra = '') => {
  const r = parse(extra, workloadExtra);
  if (!r.ok) throw r.error;
  return r.spec;
};

const effective = (extra: string, workloadExtra = '') => {
  const s = spec(extra, workloadExtra);
  return effectiveExpectations(s.expectations, expectationContext(s));
};

describe('replicator mode, transactions and read isolation in the scenario', () => {
  it('defaults to dedicated MirrorMaker 2, no transactions, read_committed validators', () => {
    const s = spec('');
    expect(s.replicator.mode).toBe('dedicated');
    expect(s.workload.transactions).toBeUndefined();
    expect(s.validators).toEqual({ count: 1, isolation: 'read_committed' });
  });

  it('fills transaction defaults and reads dedicated-eos', () => {
    const s = spec('replicator: { mode: dedicated-eos }\nvalidators: { isolation: read_uncommitted }', ', transactions: { abortEvery: 3 }');
    expect(s.replicator.mode).toBe('dedicated-eos');
    expect(s.workload.transactions).toEqual({ size: 100, abortEvery: 3 });
    expect(s.validators.isolation).toBe('read_uncommitted');
  });

  it.each([
    ['replicator: { mode: connect-eos }', '', /replicator\.mode.*expected one of dedicated, dedicated-eos/s],
    ['', ', transactions: { abortEvery: -1 }', /workload\.transactions\.abortEvery/],
    ['', ', transactions: { size: 0 }', /workload\.transactions\.size/],
    ['', ', transactions: { abortevery: 2 }', /workload\.transactions.*abortevery/s],
    ['validators: { isolation: dirty }', '', /validators\.isolation.*read_committed or read_uncommitted/s],
  ])('rejects %s%s naming the field', (extra, workloadExtra, message) => {
    const r = parse(extra, workloadExtra);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(message);
  });
});

describe('expectations of exactly-once and transactional runs', () => {
  const duplicates = (list: ReturnType<typeof effective>) => list.find((e) => e.name === 'duplicates');
  const aborted = (list: ReturnType<typeof effective>) => list.find((e) => e.name === 'abortedReads');

  it('checks duplicates at 0 in an exactly-once mode, and not in dedicated mode', () => {
    expect(duplicates(effective('replicator: { mode: dedicated-eos }'))).toEqual({
      name: 'duplicates',
      max: 0,
      unit: 'records',
      source: 'default',
    });
    expect(duplicates(effective(''))).toBeUndefined();
  });

  it('lets the file relax duplicates or say the replicator is not exactly-once', () => {
    expect(duplicates(effective('replicator: { mode: dedicated-eos }\nexpectations: { duplicates: { max: 5 } }'))?.max).toBe(5);
    expect(duplicates(effective('replicator: { mode: dedicated-eos }\nexpectations: { exactlyOnce: false }'))).toBeUndefined();
  });

  it('checks aborted reads at 0 only when the workload is transactional (elsewhere they cannot happen)', () => {
    expect(aborted(effective('', ', transactions: { abortEvery: 2 }'))).toEqual({
      name: 'abortedReads',
      max: 0,
      unit: 'records',
      source: 'default',
    });
    expect(aborted(effective(''))).toBeUndefined();
    expect(aborted(effective('expectations: { abortedReads: { max: 3 } }', ', transactions: {}'))?.max).toBe(3);
  });
});

describe('replicators: one run per mode', () => {
  it('reads a list of modes', () => {
    expect(spec('replicators: [dedicated, dedicated-eos]').replicators).toEqual(['dedicated', 'dedicated-eos']);
    expect(spec('').replicators).toBeUndefined();
  });

  it.each([
    ['replicators: [dedicated]', /replicators.*at least two/s],
    ['replicators: [dedicated, dedicated]', /replicators.*each replicator mode once/s],
    ['replicators: [dedicated, connect-eos]', /replicators\[1\]: expected one of dedicated, dedicated-eos/],
  ])('rejects %s naming the field', (extra, message) => {
    const r = parse(extra);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(message);
  });
});

describe('replicator mode connect (MirrorMaker 2 on a Kafka Connect cluster)', () => {
  it('is a mode of its own, at-least-once: duplicates are not checked at 0 there', () => {
    expect(spec('replicator: { mode: connect }').replicator.mode).toBe('connect');
    expect(spec('replicators: [dedicated, dedicated-eos, connect]').replicators).toEqual(['dedicated', 'dedicated-eos', 'connect']);
    expect(effective('replicator: { mode: connect }').find((e) => e.name === 'duplicates')).toBeUndefined();
    expect(effective('replicator: { mode: dedicated-eos }').find((e) => e.name === 'duplicates')?.max).toBe(0);
  });
});
