import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import {
  LAB_SCRAPE_INTERVAL_SECONDS,
  findLab,
  findRepoRoot,
  mirroredTopicName,
  prometheusProcess,
  prometheusUrl,
  type LabState,
} from '@mirrorlab/lab';
import {
  dashboardQueries,
  expandQuery,
  hasFiniteValue,
  parseVariableQuery,
  type Dashboard,
  type DashboardQuery,
} from './dashboard-queries';
import { PrometheusApi } from './prometheus-api';

/**
 * A real run watched by a real Prometheus: `mirrorlab lab up --monitoring` on the lab the
 * suite brought up, one short scenario with a fault through `mirrorlab run` (stack,
 * producers, validators, fault-runner as real processes), then every query of every
 * dashboard in grafana/dashboards (panels, template variables, annotations), expanded as
 * Grafana would for that run's time range, against that Prometheus's HTTP API. A query that
 * errors, or returns no series with a value, fails the test naming dashboard and panel.
 */
const repo = findRepoRoot(__dirname)!;
const cli = path.join(repo, 'node_modules', '.bin', 'mirrorlab');
const run = promisify(execFile);
const STACK_JOBS = ['provisioner', 'fault-runner', 'report-aggregator'];
const step = LAB_SCRAPE_INTERVAL_SECONDS;
const PARTITIONS = 3;

let lab: LabState;
let prom: PrometheusApi;
let upOutput: string;
let scenarioId: string;
let startS: number;
let endS: number;

/**
 * A 20 s workload at time scale 0.5 with a source broker paused from 5 s to 15 s: a fault that
 * works on loopback labs too and heals at once (SIGCONT), so the run is not longer than it must be.
 * The pause lasts two scrape intervals: a fault shorter than one can fall between two scrapes, and
 * then no sample of `mirrorlab_fault_active` is 1 (the CI run of 94cc1c4 failed so, with a 5 s pause).
 */
const FAULT_SECONDS = 2 * LAB_SCRAPE_INTERVAL_SECONDS;
const TIME_SCALE = 0.5;

function probeScenario(topic: string): string {
  return [
    'name: dashboards-probe',
    'description: A short run with a fault, for the dashboard checks.',
    `topics: [{ name: ${topic}, partitions: ${PARTITIONS} }]`,
    'workload: { producers: 2, rate: { records: 200 }, duration: 40s, recordSize: 256 }',
    'validators: { count: 2 }',
    'faults:',
    `  - { at: 10s, duration: ${FAULT_SECONDS / TIME_SCALE}s, kind: pause-broker, target: "source:3" }`,
    'expectations: { lost: { max: 0 }, unexpected: { max: 0 }, duplicates: { max: 20000 } }',
    '',
  ].join('\n');
}

/**
 * The replication latency panel needs target topics that stamp LogAppendTime (the validators
 * measure it only then). MirrorMaker 2 creates target topics with the source's settings, so
 * the target topic is created first, as a user who wants that panel would.
 */
async function createTargetTopicWithLogAppendTime(sourceTopic: string): Promise<void> {
  const admin = new Kafka({ clientId: 'dashboards-test', brokers: lab.target.brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const created = await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: mirroredTopicName(lab.mm2.replicationPolicy, sourceTopic, lab.mm2.sourceAlias),
          numPartitions: PARTITIONS,
          replicationFactor: 3,
          configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }],
        },
      ],
    });
    if (!created) throw new Error(`target topic for ${sourceTopic} already existed`);
  } finally {
    await admin.disconnect();
  }
}

beforeAll(async () => {
  lab = findLab();
  const up = await run(cli, ['lab', 'up', '--monitoring', '--dir', lab.dir], { cwd: repo, timeout: 300_000 });
  upOutput = up.stdout;
  lab = findLab(lab.dir);
  const proc = prometheusProcess(lab);
  if (proc === undefined) throw new Error(`lab up --monitoring recorded no prometheus in ${lab.dir}/lab.json`);
  prom = new PrometheusApi(prometheusUrl(proc));

  const topic = `ml.dashboards-${randomBytes(3).toString('hex')}`;
  await createTargetTopicWithLogAppendTime(topic);
  const dir = mkdtempSync(path.join(tmpdir(), 'ml-dashboards-'));
  const file = path.join(dir, 'dashboards-probe.yaml');
  writeFileSync(file, probeScenario(topic));
  startS = Math.floor(Date.now() / 1000);
  let stdout: string;
  try {
    ({ stdout } = await run(cli, ['run', file, '--time-scale', String(TIME_SCALE), '--json', '--no-build', '--dir', lab.dir], {
      cwd: repo,
      timeout: 420_000,
      maxBuffer: 16 * 1024 * 1024,
    }));
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    throw new Error(`mirrorlab run exited ${e.code}: ${e.stdout}\n${(e.stderr ?? '').split('\n').slice(-30).join('\n')}`, { cause: err });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const outcome = JSON.parse(stdout) as { scenarioId: string; phase: string; verdict: string };
  expect(outcome).toMatchObject({ phase: 'done', verdict: 'pass' });
  scenarioId = outcome.scenarioId;
  // One more scrape of the stack after the run, as a user opening the dashboard a little later sees it.
  await new Promise((r) => setTimeout(r, (step + 1) * 1000));
  endS = Math.ceil(Date.now() / 1000);
}, 780_000);

afterAll(() => {
  // Leave no stack sharing the lab's queues with the next test file (Prometheus stays: lab down stops it).
  const res = spawnSync(cli, ['stack', 'down', '--dir', lab.dir], { encoding: 'utf8', timeout: 120_000 });
  expect(res.status).toBe(0);
}, 150_000);

test('lab up --monitoring prints the address of a Prometheus that lab status shows alive', () => {
  const proc = prometheusProcess(lab)!;
  expect(upOutput).toContain(`prometheus        ${prometheusUrl(proc)}`);
  const status = spawnSync(cli, ['lab', 'status', '--dir', lab.dir], { encoding: 'utf8' });
  expect(status.status).toBe(0);
  expect(status.stdout).toMatch(
    new RegExp(`prometheus\\s+prometheus\\s+${proc.pid}\\s+127\\.0\\.0\\.1:${proc.ports.web}\\s+\\(host\\)\\s+alive`),
  );
});

test("Prometheus scraped the stack and the run's producers and validators, labelled as the ServiceMonitors label them", async () => {
  const answer = await prom.instant(
    `max by (job, namespace, service, pod, container, endpoint) (max_over_time(up[${endS - startS}s]))`,
    endS,
  );
  if (!answer.ok) throw new Error(answer.error);
  const targets = answer.series.map((s) => ({ ...s.metric, up: s.values[0][1] }));
  for (const job of STACK_JOBS) {
    expect(targets).toContainEqual({
      job,
      namespace: 'local',
      service: job,
      pod: `${job}-local`,
      container: job,
      endpoint: 'http',
      up: '1',
    });
  }
  for (const [job, suffix] of [
    ['producer', 'p'],
    ['consumer-validator', 'v'],
  ]) {
    for (const i of [0, 1]) {
      expect(targets).toContainEqual({
        job,
        namespace: 'local',
        service: job,
        pod: `${scenarioId}-${suffix}${i}`,
        container: job,
        endpoint: 'http',
        up: '1',
      });
    }
  }
});

test('every query of every dashboard returns data for the run', async () => {
  const files = readdirSync(path.join(repo, 'grafana', 'dashboards')).filter((f) => f.endsWith('.json'));
  expect(files.length).toBeGreaterThan(0);
  const failures: string[] = [];
  let checked = 0;
  for (const file of files) {
    const dashboard = JSON.parse(readFileSync(path.join(repo, 'grafana', 'dashboards', file), 'utf8')) as Dashboard;
    // The run's scenario selected; every other variable at its All value, as the dashboards open.
    const variables = Object.fromEntries(
      ((dashboard.templating?.list ?? []) as Array<{ name: string; allValue?: string }>).map((v) => [
        v.name,
        v.name === 'scenario' ? grafanaRegexEscape(scenarioId) : (v.allValue ?? '.*'),
      ]),
    );
    for (const q of dashboardQueries(file, dashboard)) {
      checked++;
      const problem = await evaluate(q, variables);
      if (problem !== null) failures.push(`${q.dashboard}: ${q.where}: ${problem}\n    ${q.expr}`);
    }
  }
  expect(checked).toBeGreaterThan(20);
  expect(failures).toEqual([]);
});

/** As Grafana's Prometheus datasource puts a single value into `=~"$var"`: regex metacharacters escaped, backslash doubled for PromQL. */
function grafanaRegexEscape(value: string): string {
  return value.replace(/[$^*+?.()|\\[\]{}]/g, '\\\\$&');
}

async function evaluate(q: DashboardQuery, variables: Record<string, string>): Promise<string | null> {
  if (q.expr.trim() === '') return 'has no query';
  let expr: string;
  try {
    expr = expandQuery(q.expr, {
      variables,
      stepSeconds: step,
      scrapeIntervalSeconds: LAB_SCRAPE_INTERVAL_SECONDS,
      rangeSeconds: endS - startS,
    });
  } catch (err) {
    return (err as Error).message;
  }
  if (q.kind === 'variable') {
    const v = parseVariableQuery(expr);
    if (v.kind === 'label_values') {
      const answer = await prom.labelValues(v.label, v.match, startS, endS);
      if (!answer.ok) return `error: ${answer.error}`;
      if (answer.values.length === 0) return 'no values';
      if (q.where === 'variable scenario' && !answer.values.includes(scenarioId))
        return `values ${answer.values.join(', ')} lack the run's scenario ${scenarioId}`;
      return null;
    }
    expr = v.expr;
  }
  const answer = q.instant ? await prom.instant(expr, endS) : await prom.range(expr, startS, endS, step);
  if (!answer.ok) return `error: ${answer.error}`;
  if (answer.series.length === 0) return q.instant ? `no series at the end of the run (instant query at ${endS})` : 'no series';
  if (!answer.series.some((s) => hasFiniteValue(s.values)))
    return `${answer.series.length} series, none with a finite value (only NaN/Inf)`;
  return null;
}
