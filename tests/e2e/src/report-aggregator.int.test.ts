import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LabState } from '@mirrorlab/lab';
import type { ControlEventOf } from '@mirrorlab/control';
import { REALISTIC_FAULTS, syntheticScenario } from '@mirrorlab/report/testing';
import { spawnService, type ServiceProcess } from '@mirrorlab/service-kit/testing';
import { ControlProbe } from './support/control-probe';
import { labServiceEnv, runningLab, serviceBundle } from './support/lab-env';

/**
 * The report-aggregator bundle against the real lab: a synthetic but realistic
 * scenario (built with the real checker state and histograms) is published on a
 * control topic of its own, the aggregator builds and announces the reports and
 * serves them over HTTP; then it is SIGKILLed and a new one, on the same
 * REPORTS_DIR, rebuilds byte-identical files from the topic alone.
 */
let lab: LabState;
let probe: ControlProbe;
let topic: string;
const running: ServiceProcess[] = [];

const FORMATS = ['json', 'html', 'md'] as const;
const files = (dir: string, id: string) => FORMATS.map((f) => readFileSync(path.join(dir, id, `report.${f}`)));

async function startAggregator(reportsDir: string, instance: string): Promise<ServiceProcess> {
  const svc = await spawnService(serviceBundle('report-aggregator'), {
    ...labServiceEnv(lab),
    CONTROL_TOPIC: topic,
    REPORTS_DIR: reportsDir,
    REPORT_WAIT: '5s',
    INSTANCE_ID: instance,
  });
  running.push(svc);
  return svc;
}

beforeAll(async () => {
  lab = runningLab();
  topic = `mirrorlab.control.e2e-report-${randomBytes(3).toString('hex')}`;
  probe = await ControlProbe.start(lab.target.bootstrap, topic);
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((svc) => svc.stop('SIGTERM')));
});

afterAll(async () => {
  const admin = probe?.kafka.admin();
  await admin?.connect();
  await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin?.disconnect();
  await probe?.close();
});

test('reports a two-fault scenario, an incomplete one and an inconclusive one, serves them, and rebuilds them byte-identical after SIGKILL', async () => {
  const suffix = randomBytes(3).toString('hex');
  const faulty = `agg-faults-${suffix}`;
  const incomplete = `agg-incomplete-${suffix}`;
  const short = `agg-short-${suffix}`;
  const startAtMs = Date.now() - 240_000;
  const events = [
    ...syntheticScenario({
      scenarioId: faulty,
      startAtMs,
      durationS: 120,
      rate: 100,
      faults: REALISTIC_FAULTS,
      anomalies: { lost: 2, duplicate: 1 },
    }),
    ...syntheticScenario({ scenarioId: incomplete, startAtMs: startAtMs + 500, durationS: 30, rate: 50, withoutFinal: ['v2'] }),
    // Producers that delivered 50 of the 400 records/s asked: the run says nothing about the replicator.
    // Started on a whole second, so all 20 of its seconds are compared.
    ...syntheticScenario({
      scenarioId: short,
      startAtMs: Math.ceil((startAtMs + 900) / 1000) * 1000,
      durationS: 20,
      rate: 50,
      requestedRate: 400,
      expectations: {},
    }),
  ].sort((a, b) => a.atMs - b.atMs);
  for (const e of events) await probe.publish(e);

  const reportsDir = mkdtempSync(path.join(tmpdir(), 'mirrorlab-reports-'));
  const first = await startAggregator(reportsDir, 'agg-e2e-1');
  const ready = (id: string) => probe.waitFor(`report.ready of ${id}`, () => probe.of(id, 'report.ready')[0], 120_000);
  const [faultyReady, incompleteReady, shortReady] = await Promise.all([ready(faulty), ready(incomplete), ready(short)]);

  expect(faultyReady).toMatchObject({ verdict: 'fail', source: 'agg-e2e-1', location: path.join(reportsDir, faulty) });
  expect(faultyReady.reasons).toContain('lost: 2 > max 0');
  expect(incompleteReady.location).toBe(path.join(reportsDir, incomplete));
  expect(shortReady).toMatchObject({
    verdict: 'inconclusive',
    reasons: [
      'the tester delivered 12% of the requested 400 records/s (50 records/s over 20 s outside fault windows): no conclusion about the replicator at that rate',
    ],
  });

  // Over HTTP: the three formats, the listing, and the errors.
  const get = (p: string) => fetch(`${first.baseUrl}${p}`);
  const json = (await (await get(`/scenarios/${faulty}/report.json`)).json()) as {
    verdict: string;
    faults: Array<{ faultId: string; recovery: { status: string } }>;
  };
  expect(json.verdict).toBe('fail');
  expect(json.faults.map((f) => [f.faultId, f.recovery.status])).toEqual([
    ['f1-kill-broker', 'recovered'],
    ['f2-packet-loss', 'recovered'],
  ]);
  const html = await get(`/scenarios/${faulty}/report.html`);
  expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(await html.text()).toContain('<rect class="fault-window" data-fault-id="f1-kill-broker"');
  expect((await (await get(`/scenarios/${faulty}/report.md`)).text()).split('\n')[0]).toBe(`# ${faulty}: FAIL`);
  const incompleteJson = (await (await get(`/scenarios/${incomplete}/report.json`)).json()) as {
    basis: { complete: boolean; incompleteReason: string };
  };
  expect(incompleteJson.basis).toMatchObject({
    complete: false,
    incompleteReason: 'no final report from validator v2: built from its latest progress report',
  });
  const listing = (await (await get('/scenarios')).json()) as { scenarios: Array<{ scenarioId: string; phase: string }> };
  expect(listing.scenarios.filter((s) => s.scenarioId.endsWith(suffix)).map((s) => s.phase)).toEqual(['reported', 'reported', 'reported']);
  expect((await (await get(`/scenarios/${short}/report.md`)).text()).split('\n')[0]).toBe(`# ${short}: INCONCLUSIVE`);
  const unknown = await get('/scenarios/nobody/report.json');
  expect(unknown.status).toBe(404);
  expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain('"nobody"');
  expect(await (await get('/metrics')).text()).toMatch(/mirrorlab_reports_built_total\{verdict="fail"[^}]*\} [1-9]/);

  // Kill it, delete the files, start another on the same directory: it rebuilds them from the topic.
  const before = { faulty: files(reportsDir, faulty), incomplete: files(reportsDir, incomplete) };
  expect(await first.stop('SIGKILL')).toBe('SIGKILL');
  for (const id of [faulty, incomplete]) for (const f of FORMATS) rmSync(path.join(reportsDir, id, `report.${f}`));
  const second = await startAggregator(reportsDir, 'agg-e2e-2');
  const built = (id: string) => second.waitForEvent((e) => e.event === 'report_built' && e.scenarioId === id, 60_000);
  const [rebuiltFaulty, rebuiltIncomplete] = await Promise.all([built(faulty), built(incomplete)]);
  expect(rebuiltFaulty.cutoff).toBe('complete');
  // The first build of the incomplete one was cut by the live timer; the replay cuts at its report.ready.
  expect(rebuiltIncomplete.cutoff).toBe('report-ready');
  expect(files(reportsDir, faulty)).toEqual(before.faulty);
  expect(files(reportsDir, incomplete)).toEqual(before.incomplete);

  // Same verdicts as already announced: the restart does not announce them again.
  await second.waitForEvent((e) => e.event === 'control_topic_caught_up', 60_000);
  await new Promise((r) => setTimeout(r, 3000));
  expect(second.events.filter((e) => e.event === 'report_ready_published')).toEqual([]);
  const announced = (id: string): Array<ControlEventOf<'report.ready'>> => probe.of(id, 'report.ready');
  expect([announced(faulty).length, announced(incomplete).length, announced(short).length]).toEqual([1, 1, 1]);
  expect(existsSync(path.join(reportsDir, faulty, 'report.html'))).toBe(true);
  rmSync(reportsDir, { recursive: true, force: true });
});
