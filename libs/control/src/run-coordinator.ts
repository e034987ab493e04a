import type { Logger } from '@mirrorlab/service-kit';
import type { ControlEvent } from './control-events';
import { ScenarioViews, type ScenarioRunInfo } from './scenario-views';

export interface Run {
  start(): Promise<void>;
  requestStop(reason: string): Promise<void>;
}

export interface RunPolicy {
  /** Scenarios that should have a run now. */
  wanted(views: ScenarioViews, nowMs: number): ScenarioRunInfo[];
  /** Whether a running scenario should be asked to stop. */
  shouldStop(views: ScenarioViews, scenarioId: string): boolean;
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
  /** The scenarios' views: the one the service passed (to read more than the lifecycle), or one keeping the lifecycle only. */
  readonly views: ScenarioViews;
  private readonly running = new Map<string, Run>();
  private readonly finished = new Set<string>();
  private caughtUp = false;

  constructor(
    private readonly deps: {
      policy: RunPolicy;
      /** The views to fold events into; the coordinator applies every event it is given. Default: lifecycle only. */
      views?: ScenarioViews;
      /** Run only this scenario (a workload started for one scenario); default: every one the policy wants. */
      onlyScenario?: string;
      createRun: (info: ScenarioRunInfo) => Run | undefined;
      nowMs: () => number;
      logger: Logger;
      onRunsChanged?: (count: number) => void;
    },
  ) {
    this.views = deps.views ?? new ScenarioViews({ detail: 'lifecycle' });
  }

  get ready(): boolean {
    return this.caughtUp;
  }

  onEvent(event: ControlEvent): void {
    this.views.apply(event);
    if (this.caughtUp) this.reconcile();
  }

  onCaughtUp(): void {
    this.caughtUp = true;
    this.deps.logger.info('control_topic_caught_up', {
      wanted: this.deps.policy.wanted(this.views, this.deps.nowMs()).map((s) => s.scenarioId),
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
    for (const info of this.deps.policy.wanted(this.views, this.deps.nowMs())) {
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
      if (this.deps.policy.shouldStop(this.views, id)) {
        void run
          .requestStop('scenario.stopping')
          .catch((err: unknown) => this.deps.logger.error('run_stop_failed', { scenarioId: id, err }));
      }
    }
  }
}
