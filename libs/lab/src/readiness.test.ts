import { LabError } from './errors';
import { createServer } from 'node:net';
import { applyStatusRecord, mm2Readiness, type Mm2Status } from './mm2-status';
import { brokerAnswers, waitFor } from './readiness';

const running = (worker = 'w') => JSON.stringify({ state: 'RUNNING', trace: null, worker_id: worker, generation: 3, version: '4.3.1' });

function status(records: Array<[string, string | null]>): Mm2Status {
  const s: Mm2Status = { connectors: new Map(), tasks: new Map() };
  for (const [k, v] of records) applyStatusRecord(s, k, v);
  return s;
}

describe('MM2 status records (as MM2 4.3 writes them)', () => {
  test('connector and task keys are folded, topic-tracking records ignored', () => {
    const s = status([
      ['status-connector-MirrorHeartbeatConnector', running()],
      ['status-topic-heartbeats:connector-MirrorHeartbeatConnector', '{"topic":{"name":"heartbeats"}}'],
      ['status-task-MirrorHeartbeatConnector-0', running()],
    ]);
    expect([...s.connectors.keys()]).toEqual(['MirrorHeartbeatConnector']);
    expect([...s.tasks.keys()]).toEqual(['MirrorHeartbeatConnector-0']);
    expect(s.tasks.get('MirrorHeartbeatConnector-0')?.workerId).toBe('w');
  });

  test('a tombstone removes the entry', () => {
    const s = status([
      ['status-connector-MirrorSourceConnector', running()],
      ['status-connector-MirrorSourceConnector', null],
    ]);
    expect(s.connectors.size).toBe(0);
  });
});

describe('MM2 readiness rule', () => {
  const all: Array<[string, string | null]> = [
    ['status-connector-MirrorSourceConnector', running()],
    ['status-connector-MirrorCheckpointConnector', running()],
    ['status-connector-MirrorHeartbeatConnector', running()],
  ];

  test('ready: three connectors and the heartbeat task RUNNING (source tasks not needed without topics)', () => {
    expect(mm2Readiness(status([...all, ['status-task-MirrorHeartbeatConnector-0', running()]]))).toEqual({ ready: true });
  });

  test('not ready while a connector is absent or unassigned, or the heartbeat task is not running', () => {
    const verdict = mm2Readiness(status([all[0], ['status-connector-MirrorCheckpointConnector', JSON.stringify({ state: 'UNASSIGNED' })]]));
    expect(verdict.ready).toBe(false);
    expect(verdict).toMatchObject({ progress: expect.stringContaining('Checkpoint UNASSIGNED, Heartbeat absent') });
    expect(mm2Readiness(status(all)).ready).toBe(false);
  });

  test('a FAILED task is reported with the first line of its trace', () => {
    const failed = JSON.stringify({ state: 'FAILED', trace: 'org.apache.kafka.common.KafkaException: boom\n\tat x', worker_id: 'w' });
    const verdict = mm2Readiness(status([...all, ['status-task-MirrorSourceConnector-0', failed]]));
    expect(verdict).toMatchObject({ ready: false, failed: 'MirrorSourceConnector-0 FAILED: org.apache.kafka.common.KafkaException: boom' });
  });
});

describe('waitFor', () => {
  test('returns once the check is ready, reporting progress changes', async () => {
    let calls = 0;
    const progress: string[] = [];
    const value = await waitFor('thing', async () => (++calls < 3 ? { progress: `${calls}/3` } : { ready: 'ok' }), {
      timeoutMs: 5000,
      intervalMs: 1,
      onProgress: (l) => progress.push(l),
    });
    expect(value).toBe('ok');
    expect(progress).toEqual(['thing: 1/3', 'thing: 2/3']);
  });

  test('times out with the last answer and the context', async () => {
    await expect(
      waitFor(
        'thing',
        async () => {
          throw new Error('connection refused');
        },
        { timeoutMs: 30, intervalMs: 5, context: () => 'tail of log' },
      ),
    ).rejects.toMatchObject({
      code: 'readiness_timeout',
      message: expect.stringMatching(/thing was not ready .*connection refused[\s\S]*tail of log/),
    });
  });

  test('a guard error ends the wait at once', async () => {
    const guard = () => {
      throw new LabError('process_exited', 'source-1 exited');
    };
    await expect(waitFor('thing', async () => ({ progress: 'x' }), { timeoutMs: 10_000, guard })).rejects.toMatchObject({
      code: 'process_exited',
    });
  });
});

describe('brokerAnswers (ApiVersions ping) against a local server', () => {
  async function server(reply: (request: Buffer) => Buffer | null): Promise<{ address: string; close: () => void; requests: Buffer[] }> {
    const requests: Buffer[] = [];
    const srv = createServer((socket) =>
      socket.on('data', (data: Buffer) => {
        requests.push(data);
        const answer = reply(data);
        if (answer !== null) socket.write(answer);
      }),
    );
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as { port: number }).port;
    return { address: `127.0.0.1:${port}`, close: () => srv.close(), requests };
  }

  const echoCorrelation = (request: Buffer): Buffer => {
    const response = Buffer.alloc(10);
    response.writeInt32BE(6, 0);
    request.copy(response, 4, 8, 12); // correlation id
    return response;
  };

  test('resolves when the broker answers with our correlation id; the request is ApiVersions v0', async () => {
    const s = await server(echoCorrelation);
    await brokerAnswers(s.address);
    expect(s.requests[0].readInt16BE(4)).toBe(18);
    expect(s.requests[0].readInt16BE(6)).toBe(0);
    expect(s.requests[0].readInt32BE(0)).toBe(s.requests[0].length - 4);
    s.close();
  });

  test('rejects when nothing answers in time, or nothing listens', async () => {
    const s = await server(() => null);
    await expect(brokerAnswers(s.address, 200)).rejects.toThrow(/did not answer ApiVersions within 200 ms/);
    s.close();
    await expect(brokerAnswers(s.address, 200)).rejects.toThrow(/ECONNREFUSED/);
  });
});

test('a check that never settles cannot outlive the deadline', async () => {
  const started = Date.now();
  await expect(waitFor('stuck', () => new Promise<never>(() => undefined), { timeoutMs: 50, intervalMs: 10 })).rejects.toMatchObject({
    code: 'readiness_timeout',
    message: expect.stringContaining('no answer'),
  });
  expect(Date.now() - started).toBeLessThan(5000);
});
