import { Counter, Gauge, type Registry } from 'prom-client';
import type { Phase } from './run-record';

export type JobCounts = () => Promise<Record<string, Record<string, number>>>;

/** Prometheus metrics of the provisioner. */
export class ProvisionerMetrics {
  private readonly phases: Counter<'phase'>;
  private readonly finished: Counter<'outcome' | 'code'>;
  private readonly resumed: Counter;
  readonly active: Gauge;

  constructor(registry: Registry, jobCounts?: JobCounts) {
    const registers = [registry];
    this.phases = new Counter({
      name: 'mirrorlab_scenario_phases_total',
      help: 'Scenario phases entered, by phase',
      labelNames: ['phase'],
      registers,
    });
    this.finished = new Counter({
      name: 'mirrorlab_scenarios_total',
      help: 'Scenarios finished by this provisioner, by outcome (done, failed, aborted) and error code',
      labelNames: ['outcome', 'code'],
      registers,
    });
    this.resumed = new Counter({
      name: 'mirrorlab_scenarios_resumed_total',
      help: 'Scenario runs taken over after a provisioner stopped or died',
      registers,
    });
    this.active = new Gauge({ name: 'mirrorlab_scenarios_active', help: 'Scenarios this provisioner is running now', registers });
    if (jobCounts) {
      new Gauge({
        name: 'mirrorlab_queue_jobs',
        help: 'BullMQ jobs by queue and state',
        labelNames: ['queue', 'state'],
        registers,
        async collect() {
          // Redis being away must not hang /metrics: keep the last values after 1 s.
          const counts = await Promise.race([
            jobCounts().catch(() => undefined),
            new Promise<undefined>((r) => setTimeout(() => r(undefined), 1000).unref()),
          ]);
          for (const [queue, byState] of Object.entries(counts ?? {}))
            for (const [state, n] of Object.entries(byState)) this.set({ queue, state }, n);
        },
      });
    }
  }

  phase(phase: Phase): void {
    this.phases.inc({ phase });
  }

  outcome(outcome: 'done' | 'failed' | 'aborted', code = ''): void {
    this.finished.inc({ outcome, code });
  }

  resume(): void {
    this.resumed.inc();
  }
}
