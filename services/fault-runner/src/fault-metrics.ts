import { Counter, Gauge, type Registry } from 'prom-client';
import { FAULT_KINDS } from '@mirrorlab/protocol';

export class FaultMetrics {
  readonly active: Gauge<'scenario' | 'kind' | 'target'>;
  readonly injected: Counter<'kind'>;
  readonly healed: Counter<'kind' | 'verified'>;
  readonly jobsFailed: Counter<'code'>;

  constructor(registry: Registry) {
    this.active = new Gauge({
      name: 'mirrorlab_fault_active',
      help: 'Whether a fault is in effect (1) or healed (0), by scenario, kind and resolved target',
      labelNames: ['scenario', 'kind', 'target'],
      registers: [registry],
    });
    this.injected = new Counter({
      name: 'mirrorlab_faults_injected_total',
      help: 'Faults injected, by kind',
      labelNames: ['kind'],
      registers: [registry],
    });
    this.healed = new Counter({
      name: 'mirrorlab_faults_healed_total',
      help: 'Heals of active faults, by kind and whether the heal was verified',
      labelNames: ['kind', 'verified'],
      registers: [registry],
    });
    this.jobsFailed = new Counter({
      name: 'mirrorlab_fault_jobs_failed_total',
      help: 'Fault jobs that failed, by error code',
      labelNames: ['code'],
      registers: [registry],
    });
    // Every kind at zero from the start: the first injection of a kind is then an increase
    // (a counter that first appears at 1 shows none), and kinds never injected plot as 0.
    for (const kind of FAULT_KINDS) {
      this.injected.inc({ kind }, 0);
      for (const verified of ['true', 'false']) this.healed.inc({ kind, verified }, 0);
    }
  }
}
