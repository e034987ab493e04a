import { parseScenarioYaml } from './parse-scenario';

const parse = (validators: string) =>
  parseScenarioYaml(`
name: e
topics: [{ name: t, partitions: 1 }]
workload: { rate: { records: 10 }, duration: 10s }
${validators}
`);

describe('validators.readUncommitted: read_uncommitted validators beside the read_committed ones', () => {
  it('is absent by default (no added validators: the spec parses as before)', () => {
    const r = parse('');
    expect(r.ok && r.spec.validators).toEqual({ count: 1, isolation: 'read_committed' });
  });

  it('reads a count beside the read_committed validators', () => {
    const r = parse('validators: { count: 2, readUncommitted: 1 }');
    expect(r.ok && r.spec.validators).toEqual({ count: 2, isolation: 'read_committed', readUncommitted: 1 });
  });

  it.each([
    ['validators: { readUncommitted: -1 }', /validators\.readUncommitted.*0 or more/s],
    ['validators: { readUncommitted: 1.5 }', /validators\.readUncommitted.*whole number/s],
    ['validators: { readUncommitted: 101 }', /validators\.readUncommitted.*at most 100/s],
    ['validators: { readUncommitted: two }', /validators\.readUncommitted.*expected a number/s],
    [
      'validators: { isolation: read_uncommitted, readUncommitted: 1 }',
      /validators\.readUncommitted.*validators\.isolation is read_uncommitted/s,
    ],
  ])('rejects %s naming the field', (yaml, message) => {
    const r = parse(yaml);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(message);
  });
});
