import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  alertRuleFiles,
  pickPrometheusPort,
  planPrometheus,
  prometheusArgs,
  prometheusUrl,
  removeScrapeTargets,
  renderPrometheusConfig,
  scrapeTargetGroup,
  scrapeTargetsDir,
  writeScrapeTargets,
} from './prometheus';
import { findRepoRoot } from './state';
import { plannedLab } from './testing';

const lab = plannedLab({ dir: '/tmp/lab-p', subnetIndex: 3 });
const repo = findRepoRoot(__dirname)!;

test('Prometheus is a host process whose files live in <lab>/prometheus and whose pid marker is in its command line', () => {
  const p = planPrometheus(lab, 21022);
  expect(p).toMatchObject({
    name: 'prometheus',
    role: 'prometheus',
    host: '127.0.0.1',
    ports: { web: 21022 },
    netns: null,
    dir: '/tmp/lab-p/prometheus',
  });
  expect(prometheusUrl(p)).toBe('http://127.0.0.1:21022');
  expect(prometheusArgs(p)).toEqual(
    expect.arrayContaining([
      '--config.file=/tmp/lab-p/prometheus/prometheus.yml',
      '--storage.tsdb.path=/tmp/lab-p/prometheus/data',
      '--web.listen-address=127.0.0.1:21022',
    ]),
  );
  expect(prometheusArgs(p).join(' ')).toContain(`${p.dir}/`);
});

test("the port is the block's first spare one that neither the lab nor anything else uses on 127.0.0.1", async () => {
  // Block from 21008: 21022 and 21023 (offsets 14, 15) are spare; redis (21021) is on 127.0.0.1.
  expect(await pickPrometheusPort(lab, async () => true)).toBe(21022);
  expect(await pickPrometheusPort(lab, async (port) => port !== 21022)).toBe(21023);
  const withProm = { ...lab, processes: [...lab.processes, planPrometheus(lab, 21022)] };
  expect(await pickPrometheusPort(withProm, async () => true)).toBe(21023);
  await expect(pickPrometheusPort(lab, async () => false)).rejects.toMatchObject({ code: 'allocation_failed' });
});

test('the config scrapes what the target files list, with the services labels honored, and loads the alert rules', () => {
  const config = parse(renderPrometheusConfig(lab, ['/r/rules.yaml'])) as {
    global: Record<string, string>;
    rule_files: string[];
    scrape_configs: Array<{ honor_labels: boolean; metrics_path: string; file_sd_configs: Array<{ files: string[] }> }>;
  };
  expect(config.global).toMatchObject({ scrape_interval: '5s', evaluation_interval: '5s' });
  expect(config.rule_files).toEqual(['/r/rules.yaml']);
  expect(config.scrape_configs).toHaveLength(1);
  expect(config.scrape_configs[0]).toMatchObject({
    honor_labels: true,
    metrics_path: '/metrics',
    file_sd_configs: [{ files: ['/tmp/lab-p/prometheus/targets/*.json'] }],
  });
  expect(alertRuleFiles(repo)).toEqual([join(repo, 'grafana/alerts/mirrorlab-rules.yaml')]);
  expect(alertRuleFiles(null)).toEqual([]);
});

test('promtool accepts the config, with the real alert rules', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prom-config-'));
  try {
    const file = join(dir, 'prometheus.yml');
    writeFileSync(file, renderPrometheusConfig({ ...lab, dir }, alertRuleFiles(repo)));
    const out = execFileSync('promtool', ['check', 'config', file], { encoding: 'utf8' });
    expect(out).toMatch(/SUCCESS: 1 rule files found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('target labels are those the ServiceMonitors in deploy/base give: job = the Service, endpoint = its port name', () => {
  const base = join(repo, 'deploy', 'base');
  const services = readdirSync(base).filter((d) => existsSync(join(base, d, 'servicemonitor.yaml')));
  expect(services.sort()).toEqual([
    'consumer-groups',
    'consumer-validator',
    'fault-runner',
    'producer',
    'provisioner',
    'report-aggregator',
  ]);
  for (const dir of services) {
    const monitor = parse(readFileSync(join(base, dir, 'servicemonitor.yaml'), 'utf8')) as {
      spec: { endpoints: Array<{ port: string; path: string; honorLabels: boolean }>; jobLabel?: string };
    };
    const service = parse(readFileSync(join(base, dir, 'service.yaml'), 'utf8')) as { metadata: { name: string } };
    expect(monitor.spec.jobLabel).toBeUndefined(); // so the job is the Service's name
    expect(monitor.spec.endpoints).toEqual([expect.objectContaining({ path: '/metrics', honorLabels: true })]);
    const group = scrapeTargetGroup({ service: service.metadata.name, instance: `${dir}-0`, address: '127.0.0.1:1' });
    expect(group.labels).toEqual({
      job: service.metadata.name,
      namespace: 'local',
      service: service.metadata.name,
      pod: `${dir}-0`,
      container: dir,
      endpoint: monitor.spec.endpoints[0].port,
    });
  }
});

test('target files are written whole as <lab>/prometheus/targets/<name>.json and removed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prom-sd-'));
  try {
    const file = writeScrapeTargets(dir, 'stack', [{ service: 'provisioner', instance: 'provisioner-local', address: '127.0.0.1:4000' }]);
    expect(file).toBe(join(scrapeTargetsDir(dir), 'stack.json'));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual([
      scrapeTargetGroup({ service: 'provisioner', instance: 'provisioner-local', address: '127.0.0.1:4000' }),
    ]);
    expect(readdirSync(scrapeTargetsDir(dir))).toEqual(['stack.json']);
    removeScrapeTargets(dir, 'stack');
    removeScrapeTargets(dir, 'stack');
    expect(readdirSync(scrapeTargetsDir(dir))).toEqual([]);
    expect(() => writeScrapeTargets(dir, '../x', [])).toThrow(/scrape target file name/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
