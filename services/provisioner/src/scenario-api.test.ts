import { ScenarioViews } from '@mirrorlab/control';
import { createHttpServer, type HttpServer } from '@mirrorlab/service-kit';
import { jobFailureError, type ScenarioJob } from '@mirrorlab/protocol';
import { Registry } from 'prom-client';
import { newRunRecord } from './run-record';
import { scenarioRoutes } from './scenario-api';
import type { ScenarioJobs, ScenarioJobView } from './scenario-jobs';
import { silentLogger } from './testing/world';

class MemoryJobs implements ScenarioJobs {
  readonly views = new Map<string, ScenarioJobView>();
  readonly aborts: string[] = [];
  async submit(job: ScenarioJob) {
    this.views.set(job.scenarioId, { id: job.scenarioId, state: 'waiting', spec: job.spec, submittedAtMs: job.submittedAtMs, progress: 0 });
  }
  async get(id: string) {
    return this.views.get(id);
  }
  async list(limit: number) {
    return [...this.views.values()].sort((a, b) => b.submittedAtMs - a.submittedAtMs).slice(0, limit);
  }
  async requestAbort(id: string) {
    this.aborts.push(id);
  }
}

const YAML = `name: small
topics:
  - name: ml.small
    partitions: 3
workload:
  rate: { records: 50 }
  duration: 10s
faults:
  - at: 2s
    duration: 3s
    kind: pause-broker
    target: source:1
`;

let server: HttpServer;
let base: string;
let jobs: MemoryJobs;
let watch: ScenarioViews;
let now = 1_700_000_000_000;

beforeEach(async () => {
  jobs = new MemoryJobs();
  watch = new ScenarioViews();
  server = createHttpServer({ logger: silentLogger(), registry: new Registry() });
  server.api.use(scenarioRoutes({ jobs, watch, nowMs: () => now, logger: silentLogger(), newId: (name) => `${name}-000001` }));
  const s = await server.listen(0, '127.0.0.1');
  const addr = s.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});

afterEach(() => server.close());

const post = (body: string, type: string | undefined) =>
  fetch(`${base}/scenarios`, { method: 'POST', body, headers: type ? { 'content-type': type } : {} });

describe('POST /scenarios', () => {
  it('accepts a JSON scenario: 202 with id and statusUrl, enqueued as submitted', async () => {
    const raw = { name: 'small', topics: [{ name: 'ml.small', partitions: 3 }], workload: { rate: { records: 50 }, duration: '10s' } };
    const res = await post(JSON.stringify(raw), 'application/json');
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ id: 'small-000001', statusUrl: '/scenarios/small-000001' });
    expect(res.headers.get('location')).toBe('/scenarios/small-000001');
    expect(jobs.views.get('small-000001')).toMatchObject({ spec: raw, submittedAtMs: now });
  });

  it.each(['application/yaml', 'text/yaml'])('accepts the YAML file text as %s', async (type) => {
    const res = await post(YAML, type);
    expect(res.status).toBe(202);
    expect(jobs.views.get('small-000001')?.spec).toMatchObject({
      name: 'small',
      workload: { duration: '10s' },
      faults: [{ at: '2s', kind: 'pause-broker' }],
    });
  });

  it('lists every problem by path, and enqueues nothing', async () => {
    const bad = YAML.replace('duration: 3s', 'duration: three seconds')
      .replace('partitions: 3', 'partitions: 0')
      .replace('kind: pause-broker', 'kind: explode');
    const res = await post(bad, 'application/yaml');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string; details: { problems: string[] } } };
    expect(body.error.code).toBe('scenario_invalid');
    expect(body.error.details.problems).toEqual(
      expect.arrayContaining([
        'faults[0].duration: expected a duration like 30s',
        expect.stringMatching(/^topics\[0\]\.partitions: /),
        expect.stringMatching(/^faults\[0\]\.kind: expected one of /),
      ]),
    );
    expect(body.error.details.problems).toHaveLength(3);
    expect(body.error.message).toMatch(/^the scenario has 3 problems: /);
    expect(jobs.views.size).toBe(0);
  });

  it('refuses a fault whose params or target its kind does not take, before anything is enqueued', async () => {
    const bad = YAML.replace(
      'target: source:1',
      'target: source:1\n  - { at: 5s, duration: 2s, kind: packet-loss, params: { probability: 1.5 } }\n  - { at: 6s, duration: 2s, kind: kill-broker, target: inter-dc }',
    );
    const res = await post(bad, 'application/yaml');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: { problems: string[] } } };
    expect(body.error.code).toBe('scenario_invalid');
    expect(body.error.details.problems).toEqual([
      'faults[1].params.probability: expected a probability greater than 0 and at most 1 (0.05 drops 5% of packets), got 1.5',
      'faults[2].target: kill-broker expects source:<n>, target:<n> (broker n, 1-based), source:random or target:random, got "inter-dc"',
    ]);
    expect(jobs.views.size).toBe(0);
  });

  it('reports a YAML syntax error with its line', async () => {
    const res = await post('name: x\ntopics: [\n', 'text/yaml');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { details: { problems: string[] } } };
    expect(body.error.details.problems[0]).toMatch(/^line \d+: /);
    expect(jobs.views.size).toBe(0);
  });

  it('refuses malformed JSON, a missing body, a JSON array and other media types with clear 4xx errors', async () => {
    const malformed = await post('{"name": ', 'application/json');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'invalid_json' } });

    const empty = await post('', 'application/yaml');
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ error: { code: 'body_missing' } });

    const array = await post('[1, 2]', 'application/json');
    expect(array.status).toBe(400);
    expect(await array.json()).toMatchObject({ error: { code: 'scenario_invalid' } });

    const text = await post('name: x', 'text/plain');
    expect(text.status).toBe(415);
    expect(await text.json()).toMatchObject({
      error: { code: 'unsupported_media_type', message: expect.stringContaining('application/yaml') },
    });

    const none = await post('name: x', undefined);
    expect([400, 415]).toContain(none.status);
    expect(jobs.views.size).toBe(0);
  });
});

describe('GET /scenarios and /scenarios/:id', () => {
  it('lists recent scenarios, newest first, with their phase', async () => {
    await jobs.submit({ scenarioId: 'a-1', spec: { name: 'a' }, submittedAtMs: 1 });
    await jobs.submit({ scenarioId: 'b-2', spec: { name: 'b' }, submittedAtMs: 2 });
    jobs.views.get('a-1')!.record = { ...newRunRecord(), phase: 'running' };
    const res = await fetch(`${base}/scenarios?limit=10`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { scenarios: Array<{ id: string; phase: string; name: string }> };
    expect(body.scenarios.map((s) => [s.id, s.name, s.phase])).toEqual([
      ['b-2', 'b', 'queued'],
      ['a-1', 'a', 'running'],
    ]);
  });

  it('refuses a bad limit, naming it', async () => {
    const res = await fetch(`${base}/scenarios?limit=lots`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_query', message: expect.stringMatching(/^limit: /) } });
  });

  it('shows phase, progress, times, faults and counts of a running scenario', async () => {
    await post(YAML, 'application/yaml');
    const view = jobs.views.get('small-000001')!;
    view.state = 'active';
    view.processedAtMs = now;
    // Producers started at +3 s, the warm-up ended at +5 s; the producers' latest stop is far later.
    view.record = {
      ...newRunRecord(),
      phase: 'running',
      phaseTimes: { provisioning: now, running: now + 3000 },
      startAtMs: now + 3000,
      endAtMs: now + 83_000,
      measuringAtMs: now + 5000,
      measuredEndAtMs: now + 15_000,
      targetTopics: { 'ml.small': 'source.ml.small' },
    };
    watch.apply({
      v: 1,
      type: 'fault.injected',
      scenarioId: 'small-000001',
      atMs: now + 7000,
      source: 'fr',
      faultId: 'small-000001/f0',
      kind: 'pause-broker',
      params: {},
    });
    watch.apply({
      v: 1,
      type: 'producer.progress',
      scenarioId: 'small-000001',
      atMs: now + 9000,
      source: 'p',
      producerId: 'p',
      final: false,
      counts: { sent: 200, acked: 190, failed: 0, indeterminate: 10, bytesSent: 0, achievedRate: 50, targetRate: 50 },
      windows: [],
      rates: [],
    });
    now += 10_000;
    const res = await fetch(`${base}/scenarios/small-000001`);
    expect(res.status).toBe(200);
    const s = (await res.json()) as Record<string, unknown>;
    expect(s).toMatchObject({
      id: 'small-000001',
      name: 'small',
      phase: 'running',
      progress: 50,
      elapsedMs: 10_000,
      workload: { elapsedMs: 5000, totalMs: 10_000 },
      targetTopics: { 'ml.small': 'source.ml.small' },
      faults: { scheduled: 1, injected: 1, healed: 0 },
      counts: { produced: { sent: 200, acked: 190, indeterminate: 10 }, consumed: null },
      verdict: null,
      error: null,
    });
    expect(s.timestamps).toMatchObject({ submitted: expect.any(String), provisioning: expect.any(String), running: expect.any(String) });
    expect(s.workload).toMatchObject({ producersAt: new Date(now - 7000).toISOString(), measuringAt: new Date(now - 5000).toISOString() });

    // Still warming up: the workload's clock has not started.
    view.record = { ...view.record, measuringAtMs: undefined, measuredEndAtMs: undefined };
    const warming = (await (await fetch(`${base}/scenarios/small-000001`)).json()) as Record<string, unknown>;
    expect(warming.workload).toMatchObject({ elapsedMs: 0, totalMs: 10_000, measuringAt: null, startAt: null });
  });

  it('shows the verdict and report location when done, and the error code when failed', async () => {
    await jobs.submit({ scenarioId: 'd-1', spec: { name: 'd' }, submittedAtMs: 1 });
    Object.assign(jobs.views.get('d-1')!, {
      state: 'completed',
      record: {
        ...newRunRecord(),
        phase: 'done',
        result: { verdict: 'fail', reasons: ['lost 3 > 0'], reportLocation: '/r/d-1', drained: true, drainWaitedMs: 10 },
      },
    });
    expect(await (await fetch(`${base}/scenarios/d-1`)).json()).toMatchObject({
      phase: 'done',
      progress: 100,
      verdict: 'fail',
      reasons: ['lost 3 > 0'],
      reportLocation: '/r/d-1',
    });

    await jobs.submit({ scenarioId: 'f-1', spec: { name: 'f' }, submittedAtMs: 1 });
    Object.assign(jobs.views.get('f-1')!, {
      state: 'failed',
      failedReason: jobFailureError({ code: 'report_timeout', message: 'no report.ready for f-1', retriable: false }).message,
    });
    expect(await (await fetch(`${base}/scenarios/f-1`)).json()).toMatchObject({
      phase: 'failed',
      error: { code: 'report_timeout', message: 'no report.ready for f-1' },
    });
  });

  it('404 names an unknown id; 400 names a malformed one', async () => {
    const missing = await fetch(`${base}/scenarios/nope-123`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'scenario_not_found', message: expect.stringContaining('nope-123') } });
    const bad = await fetch(`${base}/scenarios/${encodeURIComponent('bad id!')}`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_id', message: expect.stringMatching(/^id: /) } });
  });
});

describe('DELETE /scenarios/:id', () => {
  it('requests the abort of a running scenario: 202', async () => {
    await jobs.submit({ scenarioId: 'r-1', spec: { name: 'r' }, submittedAtMs: 1 });
    Object.assign(jobs.views.get('r-1')!, { state: 'active', record: { ...newRunRecord(), phase: 'running' } });
    const res = await fetch(`${base}/scenarios/r-1`, { method: 'DELETE' });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ id: 'r-1', phase: 'running', abortRequested: true, statusUrl: '/scenarios/r-1' });
    expect(jobs.aborts).toEqual(['r-1']);
  });

  it('409 for a finished scenario, 404 for an unknown one', async () => {
    await jobs.submit({ scenarioId: 'd-1', spec: { name: 'd' }, submittedAtMs: 1 });
    Object.assign(jobs.views.get('d-1')!, { state: 'completed' });
    const done = await fetch(`${base}/scenarios/d-1`, { method: 'DELETE' });
    expect(done.status).toBe(409);
    expect(await done.json()).toMatchObject({ error: { code: 'scenario_finished', details: { phase: 'done' } } });
    expect((await fetch(`${base}/scenarios/x-9`, { method: 'DELETE' })).status).toBe(404);
    expect(jobs.aborts).toEqual([]);
  });
});

describe('with API_TOKEN set (wired as main.ts does: the routes on the service-kit server)', () => {
  let guarded: HttpServer;
  let url: string;
  const token = 'tok-0123456789abcdef';

  beforeEach(async () => {
    guarded = createHttpServer({ logger: silentLogger(), registry: new Registry(), apiToken: token });
    guarded.api.use(scenarioRoutes({ jobs, watch, nowMs: () => now, logger: silentLogger(), newId: (name) => `${name}-000002` }));
    const s = await guarded.listen(0, '127.0.0.1');
    const addr = s.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    await jobs.submit({ scenarioId: 'r-1', spec: { name: 'r' }, submittedAtMs: 1 });
    Object.assign(jobs.views.get('r-1')!, { state: 'active', record: { ...newRunRecord(), phase: 'running' } });
  });

  afterEach(() => guarded.close());

  const requests: Array<[string, string, RequestInit]> = [
    ['POST', '/scenarios', { method: 'POST', body: YAML, headers: { 'content-type': 'application/yaml' } }],
    ['GET', '/scenarios', {}],
    ['GET', '/scenarios/r-1', {}],
    ['DELETE', '/scenarios/r-1', { method: 'DELETE' }],
  ];

  it.each(requests)('%s %s: 401 without the token or with a wrong one, and nothing happens', async (_method, path, init) => {
    for (const authorization of [undefined, 'Bearer tok-0123456789abcdeX', `Bearer ${token}0`, token]) {
      const headers = { ...(init.headers as Record<string, string>), ...(authorization ? { authorization } : {}) };
      const res = await fetch(`${url}${path}`, { ...init, headers });
      expect([authorization, res.status]).toEqual([authorization, 401]);
      expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
    }
    expect([...jobs.views.keys()]).toEqual(['r-1']);
    expect(jobs.aborts).toEqual([]);
  });

  it('the right token reaches every route', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const statuses = [];
    for (const [, path, init] of requests)
      statuses.push((await fetch(`${url}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), ...auth } })).status);
    expect(statuses).toEqual([202, 200, 200, 202]);
    expect(jobs.views.has('small-000002')).toBe(true);
    expect(jobs.aborts).toEqual(['r-1']);
  });
});
