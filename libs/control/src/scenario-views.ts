import type { ControlEvent, ControlEventOf } from './control-events';
import { ScenarioView, type ViewDetail } from './scenario-view';

/** A started scenario, as a run needs it. */
export interface ScenarioRunInfo {
  scenarioId: string;
  started: ControlEventOf<'scenario.started'>;
  view: ScenarioView;
}

export interface ScenarioViewsOptions {
  /** What each view keeps (see `ViewDetail`); default `state`. */
  detail?: ViewDetail;
  /** Finished scenarios beyond this many are forgotten, least recently active first (their validator states are the bulk of the memory). Default: none. */
  maxScenarios?: number;
}

/**
 * A `ScenarioView` per scenario seen on the control topic. Services follow the topic from its
 * beginning into this, so an instance that starts late knows exactly the scenarios the others
 * know, and never starts one that has already been stopped.
 */
export class ScenarioViews {
  private readonly views = new Map<string, ScenarioView>();
  private readonly detail: ViewDetail;
  private readonly maxScenarios: number;

  constructor(options: ScenarioViewsOptions = {}) {
    this.detail = options.detail ?? 'state';
    this.maxScenarios = options.maxScenarios ?? Infinity;
  }

  apply(event: ControlEvent): ScenarioView {
    let view = this.views.get(event.scenarioId);
    if (view === undefined) {
      this.views.set(event.scenarioId, (view = new ScenarioView(event.scenarioId, this.detail)));
      if (this.views.size > this.maxScenarios) this.evict();
    }
    view.apply(event);
    return view;
  }

  get(scenarioId: string): ScenarioView | undefined {
    return this.views.get(scenarioId);
  }

  /** Scenarios started, not announced as stopping, and not past their end. */
  active(nowMs: number): ScenarioRunInfo[] {
    return this.startedRuns().filter((r) => !r.view.isStopping() && r.started.endAtMs > nowMs);
  }

  /**
   * Scenarios whose records may still arrive: started, not finished (drained or reported), and
   * not more than `graceMs` past their end (a provisioner that died does not keep validators busy
   * forever).
   */
  unfinished(nowMs: number, graceMs: number): ScenarioRunInfo[] {
    return this.startedRuns().filter((r) => !r.view.isFinished() && r.started.endAtMs + graceMs > nowMs);
  }

  isStopping(scenarioId: string): boolean {
    return this.views.get(scenarioId)?.isStopping() ?? false;
  }

  isFinished(scenarioId: string): boolean {
    return this.views.get(scenarioId)?.isFinished() ?? false;
  }

  private startedRuns(): ScenarioRunInfo[] {
    const runs: ScenarioRunInfo[] = [];
    for (const view of this.views.values()) if (view.started) runs.push({ scenarioId: view.scenarioId, started: view.started, view });
    return runs;
  }

  private evict(): void {
    const finished = [...this.views.values()].filter((v) => v.isFinished()).sort((a, b) => (a.asOfMs ?? 0) - (b.asOfMs ?? 0));
    for (const v of finished.slice(0, this.views.size - this.maxScenarios)) this.views.delete(v.scenarioId);
  }
}
