import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectWorkerVersion, connectorStatuses, putConnectorConfigs } from './connect-rest';

/** A stand-in for a Connect worker's REST API: stored configs, a request log, and a status to answer PUTs with. */
function fakeConnect(): Promise<{
  url: string;
  stored: Map<string, Record<string, string>>;
  requests: string[];
  putStatus: { code: number };
  close: () => Promise<void>;
}> {
  const stored = new Map<string, Record<string, string>>();
  const requests: string[] = [];
  const putStatus = { code: 200 };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      requests.push(`${req.method} ${req.url}`);
      const send = (code: number, json: unknown) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      const config = /^\/connectors\/([^/]+)\/config$/.exec(req.url ?? '');
      if (req.url === '/') return send(200, { version: '4.3.1', commit: 'x' });
      if (req.url === '/connectors?expand=status')
        return send(200, {
          B: {
            status: {
              name: 'B',
              connector: { state: 'RUNNING', worker_id: 'h:2' },
              tasks: [{ id: 0, state: 'RUNNING', worker_id: 'h:1' }],
            },
          },
          A: { status: { name: 'A', connector: { state: 'UNASSIGNED', worker_id: 'h:1' }, tasks: [] } },
        });
      if (config && req.method === 'GET') {
        const c = stored.get(config[1]);
        return c ? send(200, c) : send(404, { error_code: 404, message: `Connector ${config[1]} not found` });
      }
      if (config && req.method === 'PUT') {
        if (putStatus.code !== 200)
          return send(putStatus.code, {
            error_code: putStatus.code,
            message: 'Cannot complete request because of a conflicting operation (e.g. worker rebalance)',
          });
        stored.set(config[1], { ...(JSON.parse(body) as Record<string, string>), name: config[1] });
        return send(200, {});
      }
      send(404, { message: 'no such path' });
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        stored,
        requests,
        putStatus,
        close: () => new Promise((r) => server.close(() => r())),
      }),
    ),
  );
}

test('connectors are PUT only where the stored config differs: a configured connector is never restarted', async () => {
  const connect = await fakeConnect();
  try {
    expect(await connectWorkerVersion(connect.url)).toBe('4.3.1');
    const configs = { A: { 'connector.class': 'a', 'tasks.max': '3' }, B: { 'connector.class': 'b' } };
    expect(await putConnectorConfigs(connect.url, configs)).toEqual(['A', 'B']);
    expect(connect.stored.get('A')).toEqual({ 'connector.class': 'a', 'tasks.max': '3', name: 'A' });
    connect.requests.length = 0;
    expect(await putConnectorConfigs(connect.url, configs)).toEqual([]);
    expect(connect.requests).toEqual(['GET /connectors/A/config', 'GET /connectors/B/config']);
    // A changed value, and a key the lab no longer sets, each make a PUT.
    expect(await putConnectorConfigs(connect.url, { ...configs, A: { 'connector.class': 'a', 'tasks.max': '2' } })).toEqual(['A']);
    connect.stored.set('B', { ...connect.stored.get('B')!, 'stale.key': 'x' });
    expect(await putConnectorConfigs(connect.url, configs)).toEqual(['A', 'B']);
  } finally {
    await connect.close();
  }
});

test('a rebalance in progress (409) is a retriable connect_rest_failed naming the request', async () => {
  const connect = await fakeConnect();
  try {
    connect.putStatus.code = 409;
    await expect(putConnectorConfigs(connect.url, { A: { 'connector.class': 'a' } })).rejects.toMatchObject({
      code: 'connect_rest_failed',
      retriable: true,
      message: expect.stringMatching(/^PUT http:\/\/127\.0\.0\.1:\d+\/connectors\/A\/config answered 409: Cannot complete request/),
    });
  } finally {
    await connect.close();
  }
});

test('statuses: each connector with its tasks and workers, by name', async () => {
  const connect = await fakeConnect();
  try {
    expect(await connectorStatuses(connect.url)).toEqual([
      { name: 'A', state: 'UNASSIGNED', workerId: 'h:1', tasks: [] },
      { name: 'B', state: 'RUNNING', workerId: 'h:2', tasks: [{ id: 0, state: 'RUNNING', workerId: 'h:1' }] },
    ]);
  } finally {
    await connect.close();
  }
});
