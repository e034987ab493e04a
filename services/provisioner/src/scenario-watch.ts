import { ValidatorReports, type ControlEvent, type ControlEventOf } from '@mirrorlab/control';

/** What the control topic has said about one scenario. */
export interface ScenarioObservations {
  scenarioId: string;
  started?: ControlEventOf<'scenario.started'>;
  measuring?: ControlEventOf<'scenario.measuring'>;
  stopping?: ControlEventOf<'scenario.stopping'>;
  drained?: ControlEventOf<'scenario.drained'>;
  report?: ControlEventOf<'report.ready'>;
  /** Latest progress per producer; a final report is never replaced by a later non-final one. */
  producers: Map<string, ControlEventOf<'producer.progress'>>;
  /** Latest report per validator (is it alive, has it drained). */
  validators: Map<string, ControlEventOf<'validator.report'>>;
  /** The reports that count for the combined state: the one rule (latest of each validator incarnation, oldest first). */
  validatorReports: ValidatorReports;
  faultsInjected: Set<string>;
  faultsHealed: Set<string>;
  /** Bumped on every producer or validator event, so derived numbers can be cached. */
  version: number;
  lastEventAtMs: number;
}

/**
 * Every scenario's control events, folded: the provisioner follows the control
 * topic from its beginning into this, so after a restart it knows exactly which
 * of its announcements already went out, and sees producers' and validators'
 * reports for draining and for the status API.
 *
 * Finished scenarios beyond `maxScenarios` are forgotten, oldest first (their
 * validator states are the bulk of the memory).
 */
export class ScenarioWatch {
  private readonly scenarios = new Map<string, ScenarioObservations>();
  private caughtUp = false;

  constructor(private readonly maxScenarios = 500) {}

  get ready(): boolean {
    return this.caughtUp;
  }

  markCaughtUp(): void {
    this.caughtUp = true;
  }

  get(scenarioId: string): ScenarioObservations | undefined {
    return this.scenarios.get(scenarioId);
  }

  apply(event: ControlEvent): void {
    const s = this.entry(event.scenarioId);
    s.lastEventAtMs = Math.max(s.lastEventAtMs, event.atMs);
    switch (event.type) {
      case 'scenario.started':
        s.started ??= event;
        break;
      case 'scenario.measuring':
        s.measuring ??= event;
        break;
      case 'scenario.stopping':
        s.stopping ??= event;
        break;
      case 'scenario.drained':
        s.drained ??= event;
        break;
      case 'report.ready':
        s.report = event;
        break;
      case 'producer.progress': {
        const prev = s.producers.get(event.producerId);
        if (!prev?.final || event.final) s.producers.set(event.producerId, event);
        s.version++;
        break;
      }
      case 'validator.report':
        s.validators.set(event.validatorId, event);
        s.validatorReports.apply(event);
        s.version++;
        break;
      case 'fault.injected':
        s.faultsInjected.add(event.faultId);
        // A one-shot fault (no duration) publishes no heal: it is over once announced, so the run does not wait for one.
        if (event.durationMs === null) s.faultsHealed.add(event.faultId);
        break;
      case 'fault.healed':
        s.faultsHealed.add(event.faultId);
        break;
    }
  }

  private entry(scenarioId: string): ScenarioObservations {
    let s = this.scenarios.get(scenarioId);
    if (!s) {
      s = {
        scenarioId,
        producers: new Map(),
        validators: new Map(),
        validatorReports: new ValidatorReports(),
        faultsInjected: new Set(),
        faultsHealed: new Set(),
        version: 0,
        lastEventAtMs: 0,
      };
      this.scenarios.set(scenarioId, s);
      if (this.scenarios.size > this.maxScenarios) this.evict();
    }
    return s;
  }

  private evict(): void {
    const finished = [...this.scenarios.values()]
      .filter((s) => s.report !== undefined || s.drained !== undefined)
      .sort((a, b) => a.lastEventAtMs - b.lastEventAtMs);
    for (const s of finished.slice(0, this.scenarios.size - this.maxScenarios)) this.scenarios.delete(s.scenarioId);
  }
}
