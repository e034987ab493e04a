import { readIsolationOf, validatorReading } from './read-isolation';

describe('readIsolationOf', () => {
  it('reads committed data unless the scenario asks for read_uncommitted', () => {
    expect(readIsolationOf({})).toBe('read_committed');
    expect(readIsolationOf({ validators: { count: 2 } })).toBe('read_committed');
    expect(readIsolationOf({ validators: { count: 1, isolation: 'read_committed' } })).toBe('read_committed');
    expect(readIsolationOf({ validators: { count: 1, isolation: 'read_uncommitted' } })).toBe('read_uncommitted');
    expect(readIsolationOf({ validators: 'odd' })).toBe('read_committed');
  });
});

describe('validatorReading', () => {
  const spec = (isolation: string) => ({ validators: { count: 1, isolation } });

  it("reads as the scenario's own validators by default: their group, the scenario's isolation, reports unmarked", () => {
    expect(validatorReading('scenario', spec('read_committed'), 'mirrorlab-validator', 'sc-1')).toEqual({
      isolation: 'read_committed',
      groupId: 'mirrorlab-validator-sc-1',
      reportIsolation: undefined,
    });
    expect(validatorReading('scenario', spec('read_uncommitted'), 'g', 'sc-1').isolation).toBe('read_uncommitted');
  });

  it('reads an added read_uncommitted validator in a group of its own and marks its reports', () => {
    expect(validatorReading('read_uncommitted', spec('read_committed'), 'mirrorlab-validator', 'sc-1')).toEqual({
      isolation: 'read_uncommitted',
      groupId: 'mirrorlab-validator-sc-1-read-uncommitted',
      reportIsolation: 'read_uncommitted',
    });
  });
});
