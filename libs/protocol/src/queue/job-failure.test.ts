import fc from 'fast-check';
import { describeJobFailure, encodeJobFailure, jobFailureError, parseJobFailure, type JobFailure } from './job-failure';

describe('job failures across the queue', () => {
  it('parse back to the failure that was thrown, fields and all', () => {
    const failure: JobFailure = {
      code: 'params_invalid',
      message: 'params.probability: expected a probability ..., got 1.5',
      retriable: false,
      field: 'params.probability',
    };
    const thrown = jobFailureError(failure);
    expect(thrown.code).toBe('params_invalid');
    expect(parseJobFailure(thrown.message)).toEqual(failure);
    expect(describeJobFailure(failure)).toBe('params_invalid: params.probability: expected a probability ..., got 1.5');
  });

  it('round-trip whatever the message holds (colons, newlines, JSON of its own)', () => {
    const failures = fc.record({
      code: fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/),
      message: fc.string(),
      retriable: fc.boolean(),
      field: fc.option(fc.string(), { nil: undefined }),
    });
    fc.assert(
      fc.property(failures, (f) => {
        const failure: JobFailure = f.field === undefined ? { code: f.code, message: f.message, retriable: f.retriable } : f;
        expect(parseJobFailure(encodeJobFailure(failure))).toEqual(failure);
      }),
    );
  });

  it('a reason no worker of ours wrote is internal, with the reason as its message', () => {
    expect(parseJobFailure('job stalled more than allowable limit')).toEqual({
      code: 'internal',
      message: 'job stalled more than allowable limit',
      retriable: false,
    });
    expect(parseJobFailure('report_timeout: looks like a code but is text')).toMatchObject({ code: 'internal' });
    expect(parseJobFailure('{"code":"Not A Code","message":"x","retriable":true}')).toMatchObject({ code: 'internal' });
  });

  it('refuses to encode a code that is not snake_case', () => {
    expect(() => encodeJobFailure({ code: 'Bad Code', message: 'x', retriable: false })).toThrow();
  });
});
