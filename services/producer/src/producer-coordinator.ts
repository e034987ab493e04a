import { ScenarioLifecycle, type ControlEvent, type ScenarioRunInfo } from '@mirrorlab/protocol';
import type { Logger } from '@mirrorlab/service-kit';

export interface Run {
  start(): Promise<void>;
  requestStop(reason: string): Promise<void>;
}

/**
 * Turns control events into producer runs: once the control topic is caught up,
 * every active scenario gets a run; `scenario.stopping` stops it. A run that has
 * finished is never started again in this process.
 */
export class ProducerCoordinator {
  private readonly lifecycle = new ScenarioLifecycle();
  private readonly running = new Map<string, Run>();
  private readonly finished = new Set<string>();
  private caughtUp = false;

  constructor(
    private readonly deps: {
      createRun: (info: ScenarioRunInfo) => Run | undefined;
      nowMs: () => number;
      logger: Logger;
      onRunsChanged?: (count: number) => void;
    },
  ) {}

  get ready(): boolean {
    return this.caughtUp;
  }

  onEvent(event: ControlEvent): void {
    this.lifecycle.apply(event);
    if (this.caughtUp) this.reconcile();
  }

  onCaughtUp(): void {
    this.caughtUp = true;
    this.deps.logger.info('control_topic_caught_up', { active: this.lifecycle.active(this.deps.nowMs()).map((s) => s.scenarioId) });
    this.reconcile();
  }

  async stopAll(reason: string): Promise<void> {
    await Promise.all([...this.running.values()].map((r) => r.requestStop(reason)));
  }

  private reconcile(): void {
    for (const info of this.lifecycle.active(this.deps.nowMs())) {
      if (this.running.has(info.scenarioId) || this.finished.has(info.scenarioId)) continue;
      const run = this.deps.createRun(info);
      if (!run) {
        this.finished.add(info.scenarioId);
        continue;
      }
      this.running.set(info.scenarioId, run);
      this.deps.onRunsChanged?.(this.running.size);
      void run
        .start()
        .catch((err: unknown) => this.deps.logger.error('producer_run_failed', { scenarioId: info.scenarioId, err }))
        .finally(() => {
          this.running.delete(info.scenarioId);
          this.finished.add(info.scenarioId);
          this.deps.onRunsChanged?.(this.running.size);
        });
    }
    for (const [id, run] of this.running) {
      if (this.lifecycle.isStopping(id)) void run.requestStop('scenario.stopping');
    }
  }
}
