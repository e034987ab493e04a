import { UnrecoverableError } from 'bullmq';
import { Registry } from 'prom-client';
import { parseJobFailure, type FaultJob } from '@mirrorlab/protocol';
import { FaultRunnerError } from './errors';
import { FaultMetrics } from './fault-metrics';
import { faultJobProcessor } from './fault-worker';
import { memoryLogger } from './testing/fakes';

test('an invalid job fails without retries, naming the field; the next job still runs', async () => {
  const handled: FaultJob[] = [];
  const runner = {
    handle: async (job: FaultJob) => (handled.push(job), { outcome: 'healed_all' as const, scenarioId: job.scenarioId, healed: [] }),
  };
  const { logger, lines } = memoryLogger();
  const metrics = new FaultMetrics(new Registry());
  const process = faultJobProcessor(runner, logger, metrics);

  const bad = process({
    id: '1',
    name: 'inject',
    attemptsMade: 0,
    data: { action: 'inject', scenarioId: 's', faultId: 's/f0', kind: 'kill-broker', params: { probability: {} } },
  });
  await expect(bad).rejects.toBeInstanceOf(UnrecoverableError);
  const failure = parseJobFailure(((await bad.catch((e: unknown) => e)) as Error).message);
  expect(failure).toEqual({
    code: 'job_invalid',
    message: expect.stringMatching(/^params\.probability: /),
    retriable: false,
    field: 'params.probability',
  });
  expect(lines.find((l) => l.event === 'fault_job_invalid')).toMatchObject({ level: 'error', field: 'params.probability', jobId: '1' });

  await expect(
    process({ id: '2', name: 'heal-all', attemptsMade: 0, data: { action: 'heal-all', scenarioId: 's', reason: 'end' } }),
  ).resolves.toMatchObject({ outcome: 'healed_all' });
  expect(handled).toHaveLength(1);
});

test('a fault that can never work here fails without retries; one that may work later is retried', async () => {
  const { logger } = memoryLogger();
  const failWith = (error: Error) => faultJobProcessor({ handle: async () => Promise.reject(error) }, logger);
  const job = {
    id: '3',
    name: 'inject',
    attemptsMade: 0,
    data: { action: 'inject', scenarioId: 's', faultId: 's/f0', kind: 'packet-loss', params: { probability: 0.1 } },
  };
  await expect(failWith(new FaultRunnerError('faults_unavailable', 'loopback lab'))(job)).rejects.toBeInstanceOf(UnrecoverableError);
  const retriable = failWith(new FaultRunnerError('heal_unverified', 'still there'))(job);
  await expect(retriable).rejects.not.toBeInstanceOf(UnrecoverableError);
  const failed = (await failWith(new FaultRunnerError('heal_unverified', 'still there'))(job).catch((e: unknown) => e)) as Error;
  expect(parseJobFailure(failed.message)).toEqual({ code: 'heal_unverified', message: 'still there', retriable: true });
  const crashed = (await failWith(new Error('socket closed'))(job).catch((e: unknown) => e)) as Error;
  expect(crashed).not.toBeInstanceOf(UnrecoverableError);
  expect(parseJobFailure(crashed.message)).toEqual({ code: 'internal', message: 'socket closed', retriable: true });
});
