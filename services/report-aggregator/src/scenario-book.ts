import type { ControlEvent, ControlEventOf } from '@mirrorlab/control';
import {} from '@mirrorlab/report';
import { ScenarioView } from '@mirrorlab/control';

export type ScenarioPhase = 'running' | 'stopping' | 'drained' | 'reported';

/** Why a scenario's fold stopped taking events (see `ScenarioBook`). */
export type CutoffKind = 'complete' | 'deadline' | 'report-ready' | 'timer';

interface Entry {
  scenarioId: string;
  /** The fold; dropped once the report is cut (and built), to free the validator states. */
  events: ScenarioView | undefined;
  phase: Exclude<ScenarioPhase, 'reported'>;
  cutoff: CutoffKind | undefined;
  /** Verdicts of every `report.ready` seen for the scenario (from any aggregator). */
  published: Set<string>;
  /** Events that arrived after the cutoff: not in the report. */
  late: number;
}

export interface Cut {
  scenarioId: string;
  events: ScenarioView;
  kind: CutoffKind;
}

export interface ScenarioSummary {
  scenarioId: string;
  /** From the lifecycle events folded before the cut. */
  phase: Exclude<ScenarioPhase, 'reported'>;
  cutoff: CutoffKind | undefined;
  /** When the fold stops waiting for final reports (event time), once known. */
  deadlineMs: number | undefined;
}

/**
 * Every scenario seen on the control topic, and the moment its report is cut.
 * The report is a function of a prefix of the scenario's events, and the prefix
 * is decided by the events themselves, so a restarted aggregator replaying the
 * topic cuts at the same event and rebuilds the same files:
 *
 * 1. `complete`: after the event with which the scenario is drained and every
 *    validator that reported has a final report (or was taken over);
 * 2. `deadline`: before the first event whose `atMs` is past the deadline,
 *    `scenario.drained` + `waitMs` (or, never drained, the scenario's end +
 *    its drain timeout + `waitMs`);
 * 3. `report-ready`: before a `report.ready` for the scenario, if not cut yet
 *    (it marks where an aggregator built the report);
 * 4. `timer`: the live aggregator, once caught up, cuts a scenario whose
 *    deadline has passed on its clock (`due`), with what it has.
 *
 * After the cut, the scenario's events are counted as late and ignored. The
 * only way a replay can differ from the live build is an event created before
 * the deadline and delivered after the timer fired (4): the window is the
 * delivery delay of the topic.
 */
export class ScenarioBook {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly waitMs: number) {}

  /** Folds one event; returns the scenario's cut when this event decided it. */
  apply(event: ControlEvent, appendTimeMs?: number): Cut | undefined {
    const entry = this.entry(event.scenarioId);
    if (event.type === 'report.ready') {
      entry.published.add(event.verdict);
      return entry.cutoff === undefined ? this.cut(entry, 'report-ready') : undefined;
    }
    if (entry.cutoff !== undefined) {
      entry.late++;
      return undefined;
    }
    const deadline = deadlineOf(entry.events!, this.waitMs);
    if (deadline !== undefined && event.atMs > deadline) {
      const cut = this.cut(entry, 'deadline');
      entry.late++;
      return cut;
    }
    entry.events!.apply(event, appendTimeMs);
    entry.phase = phaseOf(entry.events!);
    return entry.events!.readiness().complete ? this.cut(entry, 'complete') : undefined;
  }

  /** Scenarios whose deadline has passed at `nowMs` and that are not cut yet: cut them now. */
  due(nowMs: number): Cut[] {
    const cuts: Cut[] = [];
    for (const entry of this.entries.values()) {
      if (entry.cutoff !== undefined) continue;
      const deadline = deadlineOf(entry.events!, this.waitMs);
      if (deadline !== undefined && deadline <= nowMs) cuts.push(this.cut(entry, 'timer'));
    }
    return cuts;
  }

  has(scenarioId: string): boolean {
    return this.entries.has(scenarioId);
  }

  /** Whether a `report.ready` with this verdict has been seen for the scenario. */
  wasPublished(scenarioId: string, verdict: string): boolean {
    return this.entries.get(scenarioId)?.published.has(verdict) ?? false;
  }

  lateEvents(scenarioId: string): number {
    return this.entries.get(scenarioId)?.late ?? 0;
  }

  /** Every scenario, in the order first seen. */
  list(): ScenarioSummary[] {
    return [...this.entries.values()].map((e) => ({
      scenarioId: e.scenarioId,
      phase: e.phase,
      cutoff: e.cutoff,
      deadlineMs: e.events === undefined ? undefined : deadlineOf(e.events, this.waitMs),
    }));
  }

  private cut(entry: Entry, kind: CutoffKind): Cut {
    const events = entry.events!;
    entry.cutoff = kind;
    entry.events = undefined;
    return { scenarioId: entry.scenarioId, events, kind };
  }

  private entry(scenarioId: string): Entry {
    let e = this.entries.get(scenarioId);
    if (e === undefined) {
      e = { scenarioId, events: new ScenarioView(scenarioId), phase: 'running', cutoff: undefined, published: new Set(), late: 0 };
      this.entries.set(scenarioId, e);
    }
    return e;
  }
}

/** The scenario's phase, read from its view (kept in the entry: the view is dropped at the cut). */
function phaseOf(view: ScenarioView): Exclude<ScenarioPhase, 'reported'> {
  return view.drained !== undefined ? 'drained' : view.stopping !== undefined ? 'stopping' : 'running';
}

/** When the fold stops waiting, in event time; undefined while neither drained nor started. */
export function deadlineOf(events: ScenarioView, waitMs: number): number | undefined {
  if (events.drained !== undefined) return events.drained.atMs + waitMs;
  const started: ControlEventOf<'scenario.started'> | undefined = events.started;
  if (started === undefined) return undefined;
  return started.endAtMs + started.spec.drainTimeout + waitMs;
}
