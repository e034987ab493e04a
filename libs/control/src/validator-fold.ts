import { latestPartitionsWithConflicts, type ValidatorState } from '@mirrorlab/validation';
import { ValidatorReports, type ValidatorIncarnation, type ValidatorReport } from './validator-reports';

export interface ValidatorTrack {
  validatorId: string;
  reports: number;
  /** Its runs, in the order they started (a restart starts a new one): see `ValidatorReports`, the rule for which reports count. */
  incarnations: readonly ValidatorIncarnation[];
}

/** The validators' combined checker state: per partition the most advanced state among the reports that count. */
export interface CombinedState {
  state: ValidatorState | undefined;
  /** Partitions where two states did not extend each other (merged as a union), in words. */
  conflicts: string[];
}

/** Which validators a report belongs to: the scenario's own, or those it added at read_uncommitted (`validator.report.isolation`). */
export type ValidatorIsolation = 'read_committed' | 'read_uncommitted';

export function isolationOfReport(e: ValidatorReport): ValidatorIsolation {
  return e.isolation === 'read_uncommitted' ? 'read_uncommitted' : 'read_committed';
}

/**
 * One set of validators (a consumer group reading at one isolation), folded by the one rule
 * (`ValidatorReports`), with its combined state. A scenario view keeps two: its own validators,
 * which decide everything, and the read_uncommitted ones a scenario adds beside them, which only
 * show what a reader of uncommitted data sees. Their reports never mix: each set reads every
 * partition on its own, so mixing would count each record twice.
 */
export class ValidatorFold {
  readonly validators = new Map<string, ValidatorTrack>();
  /** Which reports count (the latest of each incarnation): the one rule. */
  readonly reports = new ValidatorReports();
  private version = 0;
  private cache: { version: number; result: CombinedState } | { version: number; error: unknown } | undefined;

  apply(e: ValidatorReport): void {
    this.reports.apply(e);
    let v = this.validators.get(e.validatorId);
    if (v === undefined)
      this.validators.set(
        e.validatorId,
        (v = { validatorId: e.validatorId, reports: 0, incarnations: this.reports.incarnations(e.validatorId) }),
      );
    v.reports++;
    this.version++;
  }

  /** The latest report of each validator's latest incarnation, in the order validators first reported. */
  latest(): ValidatorReport[] {
    return [...this.validators.keys()].map((id) => this.reports.latest(id)!);
  }

  /**
   * Per partition the most advanced state among the reports that count; two states that do not
   * extend each other are united, and named in `conflicts`. Throws (a `CheckerError`) when a
   * report's state cannot be read. Cached until the next report.
   */
  combined(): CombinedState {
    const cached = this.cache;
    if (cached?.version === this.version) {
      if ('error' in cached) throw cached.error;
      return cached.result;
    }
    const states = this.reports.counted().map((r) => r.state);
    try {
      const result: CombinedState =
        states.length === 0
          ? { state: undefined, conflicts: [] }
          : (({ state, conflicts }) => ({ state, conflicts: conflicts.map((c) => c.message) }))(latestPartitionsWithConflicts(states));
      this.cache = { version: this.version, result };
      return result;
    } catch (error) {
      this.cache = { version: this.version, error };
      throw error;
    }
  }
}
