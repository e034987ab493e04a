import { failoverWaitMs } from './failover-wait';

describe('the failover drill wait', () => {
  it("is the fault's wait param when the scenario states one", () => {
    expect(failoverWaitMs({ wait: '90s' }, 15_000)).toEqual({ waitMs: 90_000, problems: [] });
    expect(failoverWaitMs({ wait: 0 }, 15_000)).toEqual({ waitMs: 0, problems: [] });
  });

  it("is the service's FAILOVER_WAIT when it states none", () => {
    expect(failoverWaitMs({}, 15_000)).toEqual({ waitMs: 15_000, problems: [] });
  });

  it('falls back, naming the problem, on params the catalog refuses', () => {
    expect(failoverWaitMs({ wait: 'forever' }, 15_000)).toEqual({
      waitMs: 15_000,
      problems: ['params.wait: expected a duration from 0s to 10m, like 15s or 2m, got "forever"'],
    });
  });
});
