import { readIsolationOf } from './read-isolation';

describe('readIsolationOf', () => {
  it('reads committed data unless the scenario asks for read_uncommitted', () => {
    expect(readIsolationOf({})).toBe('read_committed');
    expect(readIsolationOf({ validators: { count: 2 } })).toBe('read_committed');
    expect(readIsolationOf({ validators: { count: 1, isolation: 'read_committed' } })).toBe('read_committed');
    expect(readIsolationOf({ validators: { count: 1, isolation: 'read_uncommitted' } })).toBe('read_uncommitted');
    expect(readIsolationOf({ validators: 'odd' })).toBe('read_committed');
  });
});
