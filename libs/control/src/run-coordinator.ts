import type { Logger } from '@mirrorlab/service-kit';
import type { ControlEvent } from './control-events';
import { ScenarioLifecycle, type ScenarioRunInfo } from './scenario-lifecycle';

export interface Run {
  start(): Promise<void>;
  requestStop(reason: string): Promise<void>;
}

export interface RunPolicy {
  /** Scenarios that should have a run now. */
  wanted(lifecycle: ScenarioLifecycle, nowMs: number): ScenarioRunInfo[];
  /** Whether a running scenario should be asked to stop. */
  shouldStop(lifecycle: ScenarioLifecycle, scenarioId: string): boolean;
}

/** Producers write while a scenario is active and stop on `scenario.stopping`. */
export const producerPolicy: RunPolicy = {
  wanted: (l, now) => l.active(now),
  shouldStop: (l, id) => l.isStopping(id),
};

/** Validators read until the scenario is drained (or `graceMs` past its end). */
export const validatorPolicy = (graceMs: number): RunPolicy => ({
  wanted: (l, now) => l.unfinished(now, graceMs),
  shouldStop: (l, id) => l.isFinished(id),
});

/**
 * Turns control events into runs: once the control topic is caught up, every
 * scenario the policy wants gets a run, and the policy says when to stop it. A
 * run that has finished is never started again in this process.
 */
export class RunCoordinator {
  readonly lifecycle = new ScenarioLifecycle();
  private readonly running = new Map<string, Run>();
  private readonly finished = new Set<string>();
  private caughtUp = false;

  constructor(
    private readonly deps: {
      policy: RunPolicy;
      /** Run only this scenario (a workload started for one scenario); default: every one the policy wants. */
      onlyScenario?: string;
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
    this.deps.logger.info('control_topic_caught_up', {
      wanted: this.deps.policy.wanted(this.lifecycle, this.deps.nowMs()).map((s) => s.scenarioId),
    });
    this.reconcile();
  }

  async stopAll(reason: string): Promise<void> {
    await Promise.all(
      [...this.running.entries()].map(([id, r]) =>
        r.requestStop(reason).catch((err: unknown) => this.deps.logger.error('run_stop_failed', { scenarioId: id, err })),
      ),
    );
  }

  private reconcile(): void {
    for (const info of this.deps.policy.wanted(this.lifecycle, this.deps.nowMs())) {
      if (this.deps.onlyScenario !== undefined && info.scenarioId !== this.deps.onlyScenario) continue;
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
        .catch((err: unknown) => this.deps.logger.error('run_failed', { scenarioId: info.scenarioId, err }))
        .finally(() => {
          this.running.delete(info.scenarioId);
          this.finished.add(info.scenarioId);
          this.deps.onRunsChanged?.(this.running.size);
        });
    }
    for (const [id, run] of this.running) {
      if (this.deps.policy.shouldStop(this.lifecycle, id)) {
        void run
          .requestStop('scenario.stopping')
          .catch((err: unknown) => this.deps.logger.error('run_stop_failed', { scenarioId: id, err }));
      }
    }
  }
}
