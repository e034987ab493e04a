import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { checkQueries, dashboardQueries, ruleQueries, type Query } from './grafana-checks';
import { GRAFANA_DIR } from './paths';
import { formatProblems } from './problem';
import type { MetricCatalog } from './promql';

const catalog = JSON.parse(readFileSync(join(GRAFANA_DIR, 'metrics.json'), 'utf8')) as MetricCatalog & { commonLabels: string[] };
const dashboardFiles = readdirSync(join(GRAFANA_DIR, 'dashboards')).filter((f) => f.endsWith('.json'));
const dashboards = dashboardFiles.map((f) => ({ file: f, json: JSON.parse(readFileSync(join(GRAFANA_DIR, 'dashboards', f), 'utf8')) }));
const dashboardQs: Query[] = dashboards.flatMap((d) => dashboardQueries(d.file, d.json));
const rules = parse(readFileSync(join(GRAFANA_DIR, 'alerts/mirrorlab-rules.yaml'), 'utf8')) as {
  groups: { name: string; rules: { alert: string; expr: string; for?: string; labels?: Record<string, string> }[] }[];
};
const ruleQs = ruleQueries('mirrorlab-rules.yaml', rules);
const exprs = (qs: Query[]) => qs.map((q) => q.expr.replace(/\s+/g, ' '));

/** The services' metrics contract (issue 6): name → [type, labels]. */
const EXPORTED: Record<string, [string, string[]]> = {
  mirrorlab_producer_records_sent_total: ['counter', ['scenario', 'producer', 'topic']],
  mirrorlab_producer_bytes_sent_total: ['counter', ['scenario', 'producer', 'topic']],
  mirrorlab_producer_records_total: ['counter', ['scenario', 'producer', 'topic', 'result']],
  mirrorlab_producer_achieved_rate: ['gauge', ['scenario', 'producer']],
  mirrorlab_producer_target_rate: ['gauge', ['scenario', 'producer']],
  mirrorlab_producer_send_latency_seconds: ['histogram', ['scenario', 'producer']],
  mirrorlab_producer_active_runs: ['gauge', []],
  mirrorlab_validator_records_total: ['counter', ['scenario', 'topic']],
  mirrorlab_validator_in_order_total: ['counter', ['scenario', 'topic']],
  mirrorlab_validator_gap_total: ['counter', ['scenario', 'topic']],
  mirrorlab_validator_late_total: ['counter', ['scenario', 'topic']],
  mirrorlab_validator_duplicate_total: ['counter', ['scenario', 'topic']],
  mirrorlab_validator_redelivery_total: ['counter', ['scenario', 'topic']],
  mirrorlab_validator_foreign_total: ['counter', ['scenario', 'topic']],
  mirrorlab_validator_corrupt_total: ['counter', ['scenario', 'topic', 'reason']],
  mirrorlab_validator_end_to_end_latency_seconds: ['histogram', ['scenario', 'topic']],
  mirrorlab_validator_replication_latency_seconds: ['histogram', ['scenario', 'topic']],
  mirrorlab_validator_partition_lag: ['gauge', ['scenario', 'topic', 'partition']],
  mirrorlab_validator_lost: ['gauge', ['scenario']],
  mirrorlab_validator_drained: ['gauge', ['scenario']],
  mirrorlab_fault_active: ['gauge', ['scenario', 'kind', 'target']],
  mirrorlab_faults_injected_total: ['counter', ['kind']],
  mirrorlab_faults_healed_total: ['counter', ['kind', 'verified']],
  mirrorlab_control_events_invalid_total: ['counter', ['reason']],
};

describe('grafana/metrics.json', () => {
  it('lists every mirrorlab metric of the services contract, with its type and labels', () => {
    const mirrorlab = Object.fromEntries(
      Object.entries(catalog.metrics)
        .filter(([name]) => name.startsWith('mirrorlab_'))
        .map(([name, m]) => [name, [m.type, m.labels]]),
    );
    expect(mirrorlab).toEqual(EXPORTED);
    expect(catalog.commonLabels).toEqual(['service', 'instance']);
  });

  it("lists prom-client's default metrics for every service", () => {
    for (const name of [
      'process_cpu_user_seconds_total',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_gc_duration_seconds',
    ]) {
      expect(catalog.metrics[name]?.services).toEqual([
        'producer',
        'consumer-validator',
        'fault-runner',
        'provisioner',
        'report-aggregator',
      ]);
    }
  });
});

describe('the dashboards', () => {
  it('query only metrics the services export, in valid PromQL', () => {
    expect(dashboardQs.length).toBeGreaterThan(30);
    expect(formatProblems(checkQueries(dashboardQs, catalog))).toBe('');
  });

  it('show throughput produced vs consumed', () => {
    expect(exprs(dashboardQs)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/rate\(mirrorlab_producer_records_sent_total/),
        expect.stringMatching(/rate\(mirrorlab_validator_records_total/),
      ]),
    );
  });

  it('show every anomaly class and the lost records', () => {
    const all = exprs(dashboardQs).join('\n');
    for (const c of ['gap', 'late', 'duplicate', 'redelivery', 'corrupt']) expect(all).toContain(`mirrorlab_validator_${c}_total`);
    expect(all).toContain('mirrorlab_validator_lost');
  });

  it('show latency percentiles over time from the histograms, per 1-minute window', () => {
    for (const h of [
      'mirrorlab_validator_end_to_end_latency_seconds',
      'mirrorlab_validator_replication_latency_seconds',
      'mirrorlab_producer_send_latency_seconds',
    ]) {
      expect(exprs(dashboardQs)).toContainEqual(`histogram_quantile(0.99, sum by (le) (rate(${h}_bucket{scenario=~"$scenario"}[1m])))`);
    }
  });

  it('show replication lag per partition', () => {
    expect(exprs(dashboardQs)).toContainEqual(expect.stringMatching(/by \(topic, partition\) \(mirrorlab_validator_partition_lag/));
  });

  it('shade the fault windows with annotations from the fault-runner metrics', () => {
    const annotations = dashboards[dashboardFiles.indexOf('mirrorlab-replication.json')].json.annotations.list as {
      expr?: string;
      enable: boolean;
    }[];
    const annotationExprs = annotations
      .filter((a) => a.enable)
      .map((a) => a.expr ?? '')
      .join('\n');
    expect(annotationExprs).toContain('mirrorlab_fault_active');
    expect(annotationExprs).toContain('mirrorlab_faults_injected_total');
  });

  it('take their datasource from a variable, and have unique uids', () => {
    for (const d of dashboards) {
      expect(d.json.templating.list.map((v: { name: string }) => v.name)).toContain('datasource');
      expect(JSON.stringify(d.json)).not.toMatch(/"uid":\s*"(?!\$\{datasource\}|-- Grafana --|mirrorlab-)[^"]*"/);
    }
    expect(new Set(dashboards.map((d) => d.json.uid)).size).toBe(dashboards.length);
  });

  it('are loaded by the provisioning file from the documented path', () => {
    const provider = parse(readFileSync(join(GRAFANA_DIR, 'provisioning/dashboards/mirrorlab.yaml'), 'utf8')) as {
      providers: { type: string; options: { path: string } }[];
    };
    expect(provider.providers[0]).toMatchObject({ type: 'file', options: { path: '/var/lib/grafana/dashboards/mirrorlab' } });
    const sources = parse(readFileSync(join(GRAFANA_DIR, 'provisioning/datasources/prometheus.yaml'), 'utf8')) as {
      datasources: { type: string }[];
    };
    expect(sources.datasources.map((s) => s.type)).toEqual(['prometheus']);
  });
});

describe('the alert rules', () => {
  it('query only metrics the services export, in valid PromQL', () => {
    expect(formatProblems(checkQueries(ruleQs, catalog))).toBe('');
  });

  it('alert on loss, on a stalled replication (2 minutes) and on growing validator lag', () => {
    const byName = Object.fromEntries(rules.groups.flatMap((g) => g.rules).map((r) => [r.alert, r]));
    expect(byName.MirrorlabLossDetected.expr).toContain('mirrorlab_validator_lost');
    expect(byName.MirrorlabReplicationStalled.for).toBe('2m');
    expect(byName.MirrorlabReplicationStalled.expr).toMatch(
      /mirrorlab_producer_records_sent_total[\s\S]*unless[\s\S]*mirrorlab_validator_records_total/,
    );
    expect(byName.MirrorlabValidatorLagGrowing.expr).toMatch(/deriv\(mirrorlab_validator_partition_lag/);
    for (const r of Object.values(byName)) expect(['critical', 'warning']).toContain(r.labels?.severity);
  });
});

describe('the query checks report', () => {
  it('a metric no service exports, and a syntax error', () => {
    const found = formatProblems(
      checkQueries([{ where: 'panel X', expr: 'sum(rate(mirrorlab_validator_skipped_total[1m])) + sum(' }], catalog),
    );
    expect(found).toMatch(/panel X: PromQL syntax error/);
    expect(found).toMatch(/panel X: queries mirrorlab_validator_skipped_total, which is not in grafana\/metrics\.json/);
  });

  it('a histogram series of a metric that is not a histogram', () => {
    expect(formatProblems(checkQueries([{ where: 'p', expr: 'mirrorlab_validator_lost_bucket' }], catalog))).toMatch(
      /queries mirrorlab_validator_lost_bucket/,
    );
  });

  it('reads the metric out of a label_values() variable', () => {
    const d = { templating: { list: [{ name: 's', type: 'query', query: { query: 'label_values(mirrorlab_nope, scenario)' } }] } };
    expect(formatProblems(checkQueries(dashboardQueries('d.json', d), catalog))).toMatch(/d\.json, variable \$s: queries mirrorlab_nope/);
  });
});
