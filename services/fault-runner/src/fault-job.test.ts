import { parseFaultJob } from './fault-job';

test('a valid job passes with its defaults', () => {
  expect(parseFaultJob({ action: 'inject', scenarioId: 's', faultId: 's/f0', kind: 'kill-broker', target: 'source:1' })).toEqual({
    action: 'inject',
    scenarioId: 's',
    faultId: 's/f0',
    kind: 'kill-broker',
    target: 'source:1',
    params: {},
  });
  expect(parseFaultJob({ action: 'heal-all', scenarioId: 's', reason: 'abort' })).toMatchObject({ action: 'heal-all' });
});

test('an invalid job fails with job_invalid naming the field', () => {
  const fail = (data: unknown) => {
    try {
      parseFaultJob(data);
    } catch (error) {
      return error as { code: string; field: string; message: string };
    }
    throw new Error('expected a failure');
  };
  expect(fail({ action: 'inject', scenarioId: 's', faultId: 's/f0', kind: 'explode' })).toMatchObject({
    code: 'job_invalid',
    field: 'kind',
    message: expect.stringMatching(/^kind: .*\(got "explode"\)$/),
  });
  expect(fail({ action: 'inject', scenarioId: 's', kind: 'kill-broker' })).toMatchObject({ field: 'faultId' });
  expect(fail({ action: 'inject', scenarioId: 's', faultId: 'f', kind: 'packet-loss', params: { probability: [1] } })).toMatchObject({
    field: 'params.probability',
  });
  expect(fail({ action: 'inject', scenarioId: 's', faultId: 'f', kind: 'kill-broker', durationMs: -5 })).toMatchObject({
    field: 'durationMs',
  });
  expect(fail({ action: 'explode' })).toMatchObject({ field: 'action' });
  expect(fail(null)).toMatchObject({ code: 'job_invalid' });
});
