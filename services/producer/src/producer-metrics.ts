import { TallyHistogram } from '@mirrorlab/service-kit';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { SendResult } from './ack-ledger';

const SEND_RESULTS: readonly SendResult[] = ['acked', 'failed', 'indeterminate'];

/** Prometheus metrics of the producer, labelled by scenario, producer and topic. */
export class ProducerMetrics {
  private readonly recordsSent: Counter<'scenario' | 'producer' | 'topic'>;
  private readonly bytesSent: Counter<'scenario' | 'producer' | 'topic'>;
  private readonly results: Counter<'scenario' | 'producer' | 'topic' | 'result'>;
  private readonly achieved: Gauge<'scenario' | 'producer'>;
  private readonly target: Gauge<'scenario' | 'producer'>;
  // Observed once per acknowledged record: tallied (see TallyHistogram), not prom-client's per-observation label lookups.
  private readonly latency: TallyHistogram<'scenario' | 'producer'>;
  private readonly publishDelay: TallyHistogram<'scenario' | 'producer'>;
  readonly activeRuns: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.recordsSent = new Counter({
      name: 'mirrorlab_producer_records_sent_total',
      help: 'Records sent to the source cluster',
      labelNames: ['scenario', 'producer', 'topic'],
      registers,
    });
    this.bytesSent = new Counter({
      name: 'mirrorlab_producer_bytes_sent_total',
      help: 'Record value bytes sent to the source cluster',
      labelNames: ['scenario', 'producer', 'topic'],
      registers,
    });
    this.results = new Counter({
      name: 'mirrorlab_producer_records_total',
      help: 'Records by the source cluster answer: acked, failed (definitely refused) or indeterminate (timed out, connection lost)',
      labelNames: ['scenario', 'producer', 'topic', 'result'],
      registers,
    });
    this.achieved = new Gauge({
      name: 'mirrorlab_producer_achieved_rate',
      help: 'Records/s sent since the run started',
      labelNames: ['scenario', 'producer'],
      registers,
    });
    this.target = new Gauge({
      name: 'mirrorlab_producer_target_rate',
      help: "Records/s this producer's share of the scenario asks for",
      labelNames: ['scenario', 'producer'],
      registers,
    });
    this.latency = new TallyHistogram({
      name: 'mirrorlab_producer_send_latency_seconds',
      help: 'Time from handing a record to the client to its own delivery report (acknowledged records)',
      labelNames: ['scenario', 'producer'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.publishDelay = new TallyHistogram({
      name: 'mirrorlab_producer_publish_delay_seconds',
      help: "Time from a record's scheduled send time to its acknowledgement: includes any time the producer fell behind its schedule",
      labelNames: ['scenario', 'producer'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.activeRuns = new Gauge({ name: 'mirrorlab_producer_active_runs', help: 'Scenarios this producer is writing now', registers });
  }

  /**
   * Creates the run's series at zero before the first send. A counter that first appears
   * already above zero hides its first increase from rate() and increase(), and a result
   * that never happens (failed, indeterminate) would otherwise have no series to plot.
   */
  runStarted(scenario: string, producer: string, topics: readonly string[]): void {
    for (const topic of topics) {
      this.recordsSent.inc({ scenario, producer, topic }, 0);
      this.bytesSent.inc({ scenario, producer, topic }, 0);
      for (const result of SEND_RESULTS) this.results.inc({ scenario, producer, topic, result }, 0);
    }
    this.latency.labels({ scenario, producer });
    this.publishDelay.labels({ scenario, producer });
  }

  sent(scenario: string, producer: string, topic: string, records: number, bytes: number): void {
    this.recordsSent.inc({ scenario, producer, topic }, records);
    this.bytesSent.inc({ scenario, producer, topic }, bytes);
  }

  /** Observers bound to one run's labels: called per acknowledged record, so no label lookup each time. */
  latencyObservers(scenario: string, producer: string): { sendToAck: (seconds: number) => void; scheduleToAck: (seconds: number) => void } {
    const send = this.latency.labels({ scenario, producer });
    const sched = this.publishDelay.labels({ scenario, producer });
    return { sendToAck: (s) => send.observe(s), scheduleToAck: (s) => sched.observe(s) };
  }

  addResults(scenario: string, producer: string, topic: string, result: SendResult, n: number): void {
    if (n > 0) this.results.inc({ scenario, producer, topic, result }, n);
  }

  rates(scenario: string, producer: string, achieved: number, target: number): void {
    this.achieved.set({ scenario, producer }, achieved);
    this.target.set({ scenario, producer }, target);
  }
}
