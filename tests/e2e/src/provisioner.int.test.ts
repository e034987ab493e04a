import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { LabState } from '@mirrorlab/lab';
import { QUEUE_NAMES } from '@mirrorlab/protocol';
import { spawnService, type ServiceProcess } from '@mirrorlab/service-kit/testing';
import { ControlProbe } from './support/control-probe';
import { labServiceEnv, runningLab, serviceBundle, stopLocalStack } from './support/lab-env';

/**
 * The provisioner bundle against the real lab, with ORCHESTRATOR=local: it
 * creates the topic, waits for MirrorMaker 2, starts a producer and a
 * validator as child processes, announces start, stop and drain on the control
 * topic, and releases the workload. No report-aggregator runs here, so a
 * complete run ends in `report_timeout` after REPORT_TIMEOUT (5 s).
 */
interface Status {
  id: string;
  phase: string;
  progress: number;
  timestamps: Record<string, string>;
  resumes: number;
  workload: { processes: Array<{ role: string; id: string; pid?: number }> };
  counts: { produced: { acked: number }; consumed: { distinct: number } | null };
  drain: { drained: boolean; waitedMs: number } | null;
  error: { code: string; message: string } | null;
  faults: { healAllJobId: string | null; jobIds: string[] };
}

let lab: LabState;
let redis: Redis;
let scenariosQueue: Queue;
let faultsQueue: Queue;
const logDir = mkdtempSync(path.join(tmpdir(), 'provisioner-workload-'));
const running: ServiceProcess[] = [];
const workloadPids = new Set<number>();
/** Every scenario submitted: a failed or aborted run leaves a `heal-all` on the faults queue, removed after the tests. */
const submitted: string[] = [];

async function startProvisioner(): Promise<ServiceProcess> {
  const svc = await spawnService(serviceBundle('provisioner'), {
    ...labServiceEnv(lab),
    ORCHESTRATOR: 'local',
    WORKLOAD_LOG_DIR: logDir,
    WORKLOAD_ENV: 'REPORT_INTERVAL=1s,PROGRESS_INTERVAL=1s,SESSION_TIMEOUT=10s',
    REPORT_TIMEOUT: '5s',
    FINAL_REPORT_WAIT: '10s',
    JOB_LOCK_DURATION: '8s',
  });
  running.push(svc);
  await svc.waitForEvent((e) => e.event === 'control_topic_caught_up', 90_000);
  return svc;
}

function scenarioYaml(name: string, duration: string, extra = ''): string {
  return `name: ${name}
topics:
  - name: ml.${name}-${randomBytes(3).toString('hex')}
    partitions: 3
workload:
  producers: 1
  rate: { records: 20 }
  duration: ${duration}
  recordSize: 64
validators: { count: 1 }
drainTimeout: 60s
${extra}`;
}

async function submit(svc: ServiceProcess, yaml: string): Promise<string> {
  const res = await fetch(`${svc.baseUrl}/scenarios`, { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: yaml });
  expect(res.status).toBe(202);
  const body = (await res.json()) as { id: string; statusUrl: string };
  expect(body.statusUrl).toBe(`/scenarios/${body.id}`);
  submitted.push(body.id);
  return body.id;
}

async function status(svc: ServiceProcess, id: string): Promise<Status> {
  const res = await fetch(`${svc.baseUrl}/scenarios/${id}`);
  expect(res.status).toBe(200);
  const s = (await res.json()) as Status;
  for (const p of s.workload.processes) if (p.pid) workloadPids.add(p.pid);
  return s;
}

/** Polls the status until `done` says so; remembers every phase it saw. */
async function pollUntil(
  svc: ServiceProcess,
  id: string,
  done: (s: Status) => boolean,
  timeoutMs: number,
  seen = new Set<string>(),
): Promise<Status> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await status(svc, id);
    seen.add(s.phase);
    if (done(s)) return s;
    if (Date.now() > deadline)
      throw new Error(`scenario ${id} still ${s.phase} after ${timeoutMs} ms (phases seen: ${[...seen].join(', ')})`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
const ended = (s: Status) => ['done', 'failed', 'aborted'].includes(s.phase);

/** Alive and not a zombie. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^Z|^X/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

/**
 * The control topic as seen by a probe of the test's own. Started and closed inside the
 * test body: under jest 30 a kafkajs consumer started in a beforeAll hook crashes on its
 * first lazy `require` ("outside of the scope of the test code") and stops reading.
 */
async function withProbe<T>(fn: (probe: ControlProbe) => Promise<T>): Promise<T> {
  const probe = await ControlProbe.start(lab.target.bootstrap);
  try {
    return await fn(probe);
  } finally {
    await probe.close();
  }
}

/** The scenario's lifecycle events, once the probe has read its `scenario.drained` (the probe lags the provisioner a little). */
async function scenarioEvents(probe: ControlProbe, id: string): Promise<string[]> {
  await probe.waitFor(`scenario.drained of ${id} on the control topic`, () => probe.of(id, 'scenario.drained').length > 0, 30_000);
  return probe.events.filter((e) => e.scenarioId === id && e.type.startsWith('scenario.')).map((e) => e.type);
}

beforeAll(async () => {
  lab = runningLab();
  stopLocalStack(lab);
  redis = new Redis(lab.redis.url, { maxRetriesPerRequest: null });
  scenariosQueue = new Queue(QUEUE_NAMES.scenarios, { connection: redis });
  faultsQueue = new Queue(QUEUE_NAMES.faults, { connection: redis });
});

afterEach(async () => {
  const stopping = running.splice(0).map(async (svc) => ({ svc, code: await svc.stop('SIGTERM') }));
  for (const { svc, code } of await Promise.all(stopping)) {
    if (svc.child.signalCode !== 'SIGKILL') expect(code).toBe(0);
  }
});

afterAll(async () => {
  // Nothing a test started may outlive it, whatever it asserted.
  for (const pid of workloadPids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  for (const id of submitted) await (await faultsQueue?.getJob(`${id}__heal-all`))?.remove();
  await Promise.allSettled([scenariosQueue?.close(), faultsQueue?.close()]);
  redis?.disconnect();
});

test('a 10 s scenario runs through every phase; the workload it started is gone at the end', () =>
  withProbe(async (probe) => {
    const prov = await startProvisioner();
    const t0 = Date.now();
    const id = await submit(prov, scenarioYaml('prov-basic', '10s'));
    const seen = new Set<string>();
    const final = await pollUntil(prov, id, ended, 240_000, seen);
    const totalMs = Date.now() - t0;

    // No report-aggregator in this test: the run itself completes, then the report wait times out.
    expect(final.phase).toBe('failed');
    expect(final.error).toMatchObject({ code: 'report_timeout', message: expect.stringContaining('report-aggregator') });
    expect(Object.keys(final.timestamps)).toEqual([
      'submitted',
      'provisioning',
      'waiting-for-replicator',
      'starting-workload',
      'running',
      'stopping',
      'draining',
      'reporting',
      'failed',
    ]);
    expect(seen).toContain('running');
    expect(final.drain).toMatchObject({ drained: true });
    expect(final.counts.produced.acked).toBeGreaterThan(100);
    expect(final.counts.consumed?.distinct).toBe(final.counts.produced.acked);

    expect(await scenarioEvents(probe, id)).toEqual(['scenario.started', 'scenario.measuring', 'scenario.stopping', 'scenario.drained']);
    const drained = probe.of(id, 'scenario.drained')[0];
    expect(drained.drained).toBe(true);
    const started = probe.of(id, 'scenario.started')[0];
    // Producers may write through the warm-up's timeout (60 s) and 10 s of slack; the run stops 10 s after measuring began.
    expect(started.endAtMs - started.startAtMs).toBe(80_000);
    const measuring = probe.of(id, 'scenario.measuring')[0];
    expect(measuring).toMatchObject({ steady: true, endAtMs: measuring.measuringAtMs + 10_000 });
    expect(probe.of(id, 'scenario.stopping')[0].atMs).toBeGreaterThanOrEqual(measuring.endAtMs);
    process.stdout.write(`provisioner e2e: warm-up ${measuring.measuringAtMs - started.startAtMs} ms (${measuring.detail})\n`);
    expect(Object.values(started.targetTopics)[0]).toMatch(/^source\.ml\.prov-basic-/);

    expect(final.workload.processes.map((p) => p.role).sort()).toEqual(['producer', 'validator']);
    for (const p of final.workload.processes) expect(alive(p.pid!)).toBe(false);
    const timing = Object.fromEntries(Object.entries(final.timestamps).map(([k, v]) => [k, Date.parse(v) - t0]));
    process.stdout.write(`provisioner e2e: basic run took ${totalMs} ms; phase offsets ${JSON.stringify(timing)}\n`);
  }));

test('an invalid scenario is refused with every problem listed, and nothing is enqueued', async () => {
  const prov = await startProvisioner();
  const before = await scenariosQueue.getJobCounts();
  const bad = scenarioYaml('prov-bad', 'ten seconds', 'faults:\n  - at: 1s\n    kind: set-fire\n');
  const res = await fetch(`${prov.baseUrl}/scenarios`, { method: 'POST', headers: { 'content-type': 'text/yaml' }, body: bad });
  expect(res.status).toBe(400);
  const body = (await res.json()) as { error: { code: string; details: { problems: string[] } } };
  expect(body.error.code).toBe('scenario_invalid');
  expect(body.error.details.problems).toEqual(
    expect.arrayContaining([
      'workload.duration: expected a duration like 30s',
      expect.stringMatching(/^faults\[0\]\.kind: expected one of /),
    ]),
  );
  expect(await scenariosQueue.getJobCounts()).toEqual(before);
  const list = (await (await fetch(`${prov.baseUrl}/scenarios`)).json()) as { scenarios: Array<{ name: string }> };
  expect(list.scenarios.some((s) => s.name === 'prov-bad')).toBe(false);
});

test('a provisioner stopped (SIGTERM), then one killed (SIGKILL) mid-run: the next one resumes each time, the run ends, the workload is gone', () =>
  withProbe(async (probe) => {
    const first = await startProvisioner();
    const id = await submit(first, scenarioYaml('prov-resume', '30s'));
    const running = await pollUntil(first, id, (s) => s.phase === 'running' && s.progress >= 25, 180_000);
    const pids = running.workload.processes.map((p) => p.pid!);
    expect(pids).toHaveLength(2);

    // Graceful: the job goes back to the queue at once, untouched, and the workload keeps running.
    expect(await first.stop('SIGTERM')).toBe(0);
    expect(await scenariosQueue.getJobState(id)).toBe('waiting');
    expect(pids.every(alive)).toBe(true);
    const second = await startProvisioner();
    expect((await second.waitForEvent((e) => e.event === 'scenario_resumed' && e.scenarioId === id, 60_000)).phase).toBe('running');
    await pollUntil(second, id, (s) => s.phase === 'running' && s.progress >= 50, 120_000);

    // Abrupt: the job is taken over once its lock (JOB_LOCK_DURATION, 8 s) has expired.
    expect(await second.stop('SIGKILL')).toBe('SIGKILL');
    const killedAt = Date.now();
    const third = await startProvisioner();
    const resumed = await third.waitForEvent((e) => e.event === 'scenario_resumed' && e.scenarioId === id, 60_000);
    expect(['running', 'stopping', 'draining']).toContain(resumed.phase);
    const final = await pollUntil(third, id, ended, 180_000);

    expect(final.resumes).toBe(2);
    expect(final.phase).toBe('failed');
    expect(final.error?.code).toBe('report_timeout');
    expect(final.drain).toMatchObject({ drained: true });
    expect(await scenarioEvents(probe, id)).toEqual(['scenario.started', 'scenario.measuring', 'scenario.stopping', 'scenario.drained']);
    expect(final.counts.consumed?.distinct).toBe(final.counts.produced.acked);
    for (const pid of pids) expect(alive(pid)).toBe(false);
    process.stdout.write(`provisioner e2e: taken over ${Date.parse(String(resumed.ts)) - killedAt} ms after SIGKILL\n`);
  }));

test('DELETE mid-run aborts: stop with reason aborted, pending faults removed, heal-all enqueued, drained, workload gone', () =>
  withProbe(async (probe) => {
    const prov = await startProvisioner();
    const id = await submit(
      prov,
      scenarioYaml('prov-abort', '40s', 'faults:\n  - at: 30s\n    duration: 5s\n    kind: pause-broker\n    target: source:1\n'),
    );
    const running = await pollUntil(prov, id, (s) => s.phase === 'running' && s.faults.jobIds.length === 2, 180_000);
    expect(running.faults.jobIds).toEqual([`${id}/f0__inject`, `${id}/f0__heal`]);
    expect(await faultsQueue.getJobState(`${id}/f0__inject`)).toBe('delayed');

    const abortedAt = Date.now();
    const res = await fetch(`${prov.baseUrl}/scenarios/${id}`, { method: 'DELETE' });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ id, abortRequested: true });
    const final = await pollUntil(prov, id, ended, 120_000);
    const abortMs = Date.now() - abortedAt;

    expect(final.phase).toBe('aborted');
    expect(final.error?.code).toBe('aborted');
    expect(await scenarioEvents(probe, id)).toEqual(['scenario.started', 'scenario.measuring', 'scenario.stopping', 'scenario.drained']);
    expect(probe.of(id, 'scenario.stopping')).toEqual([expect.objectContaining({ reason: 'aborted' })]);
    expect(final.faults.healAllJobId).toBe(`${id}__heal-all`);
    const healAll = await faultsQueue.getJob(`${id}__heal-all`);
    expect(healAll?.data).toEqual({ action: 'heal-all', scenarioId: id, reason: 'aborted' });
    expect(await faultsQueue.getJob(`${id}/f0__inject`)).toBeUndefined();
    expect(await faultsQueue.getJob(`${id}/f0__heal`)).toBeUndefined();
    for (const p of running.workload.processes) expect(alive(p.pid!)).toBe(false);

    const again = await fetch(`${prov.baseUrl}/scenarios/${id}`, { method: 'DELETE' });
    expect(again.status).toBe(409);
    process.stdout.write(`provisioner e2e: abort took ${abortMs} ms from DELETE to aborted\n`);
  }));
