import { Counter, Gauge, type Registry } from 'prom-client';

/** The aggregator's own series; the service kit adds process metrics and the invalid control-event counter. */
export class AggregatorMetrics {
  readonly built: Counter<'verdict'>;
  readonly published: Counter<'verdict'>;
  readonly buildFailures: Counter;
  readonly scenarios: Gauge<'phase'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.built = new Counter({
      name: 'mirrorlab_reports_built_total',
      help: 'Scenario reports built and written, by verdict',
      labelNames: ['verdict'],
      registers,
    });
    this.published = new Counter({
      name: 'mirrorlab_reports_published_total',
      help: 'report.ready events published, by verdict',
      labelNames: ['verdict'],
      registers,
    });
    this.buildFailures = new Counter({
      name: 'mirrorlab_report_build_failures_total',
      help: 'Reports that could not be built or written (see the log)',
      registers,
    });
    this.scenarios = new Gauge({
      name: 'mirrorlab_report_scenarios',
      help: 'Scenarios known from the control topic, by phase',
      labelNames: ['phase'],
      registers,
    });
  }
}
