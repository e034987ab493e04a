import type { ControlEvent, ControlEventOf } from './control-events';

export interface ScenarioRunInfo {
  scenarioId: string;
  started: ControlEventOf<'scenario.started'>;
  stoppingAtMs?: number;
  /** Set by `scenario.drained` or `report.ready`: validators have nothing left to read. */
  finishedAtMs?: number;
}

/**
 * Which scenarios are running, folded from control events. Services follow the
 * control topic from its beginning through this, so an instance that starts
 * late knows exactly the scenarios the others know, and never starts one that
 * has already been stopped.
 */
export class ScenarioLifecycle {
  private readonly scenarios = new Map<string, ScenarioRunInfo>();

  apply(event: ControlEvent): void {
    if (event.type === 'scenario.started') {
      this.scenarios.set(event.scenarioId, { scenarioId: event.scenarioId, started: event });
    } else if (event.type === 'scenario.stopping') {
      const s = this.scenarios.get(event.scenarioId);
      if (s && s.stoppingAtMs === undefined) s.stoppingAtMs = event.atMs;
    } else if (event.type === 'scenario.drained' || event.type === 'report.ready') {
      const s = this.scenarios.get(event.scenarioId);
      if (s && s.finishedAtMs === undefined) s.finishedAtMs = event.atMs;
    }
  }

  get(scenarioId: string): ScenarioRunInfo | undefined {
    return this.scenarios.get(scenarioId);
  }

  /** Scenarios started, not announced as stopping, and not past their end. */
  active(nowMs: number): ScenarioRunInfo[] {
    return [...this.scenarios.values()].filter((s) => s.stoppingAtMs === undefined && s.started.endAtMs > nowMs);
  }

  /**
   * Scenarios whose records may still arrive: started, not drained, and not more
   * than `graceMs` past their end (a provisioner that died does not keep
   * validators busy forever).
   */
  unfinished(nowMs: number, graceMs: number): ScenarioRunInfo[] {
    return [...this.scenarios.values()].filter((s) => s.finishedAtMs === undefined && s.started.endAtMs + graceMs > nowMs);
  }

  isFinished(scenarioId: string): boolean {
    return this.scenarios.get(scenarioId)?.finishedAtMs !== undefined;
  }

  isStopping(scenarioId: string): boolean {
    return this.scenarios.get(scenarioId)?.stoppingAtMs !== undefined;
  }
}
