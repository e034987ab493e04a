import type { ControlEventOf } from './control-events';

export type ValidatorReport = ControlEventOf<'validator.report'>;

/** One run of one validator process: its latest report. */
export interface ValidatorIncarnation {
  /** The id the validator stated (`validator.report.incarnation`); undefined for reports of older validators. */
  id: string | undefined;
  latest: ValidatorReport;
  /** Reports of this incarnation seen so far. */
  reports: number;
  /** First latency window and number of windows in `latest`, to tell a restart of a validator that states no id. */
  firstWindow: number | undefined;
  windowCount: number;
}

/**
 * Which validator reports count, the one rule every combined validator state is built from
 * (the validators' handover, the provisioner's drain check, the report): the latest report
 * of each validator incarnation, oldest first.
 *
 * A validator restarted under the same id starts new state and histograms: its latest report
 * does not contain what the previous process read and published, so each incarnation's latest
 * report counts. The incarnation is stated on every report (`incarnation`, new for each process
 * start). Reports without it (validators from before the field) are told apart as before: a
 * report whose latency windows start later, or are fewer, than its predecessor's is a new process.
 *
 * Within an incarnation a report replaces the latest one unless it is older (`atMs`).
 */
export class ValidatorReports {
  private readonly byValidator = new Map<string, ValidatorIncarnation[]>();
  /** Incarnations in the order they were first seen, for a stable tie-break. */
  private readonly seen: ValidatorIncarnation[] = [];

  apply(e: ValidatorReport): void {
    let incarnations = this.byValidator.get(e.validatorId);
    if (incarnations === undefined) this.byValidator.set(e.validatorId, (incarnations = []));
    const shape = windowShape(e.latency);
    const current = this.incarnationOf(incarnations, e, shape);
    if (current === undefined) {
      const inc: ValidatorIncarnation = { id: e.incarnation, latest: e, reports: 1, ...shape };
      incarnations.push(inc);
      this.seen.push(inc);
      return;
    }
    current.reports++;
    if (e.atMs >= current.latest.atMs) Object.assign(current, { latest: e, ...shape });
  }

  validatorIds(): string[] {
    return [...this.byValidator.keys()];
  }

  /** A validator's incarnations, in the order they started. */
  incarnations(validatorId: string): readonly ValidatorIncarnation[] {
    return this.byValidator.get(validatorId) ?? [];
  }

  /** The latest report of a validator's latest incarnation. */
  latest(validatorId: string): ValidatorReport | undefined {
    const incs = this.byValidator.get(validatorId);
    return incs?.[incs.length - 1]?.latest;
  }

  /** The reports that count, oldest first: by `atMs`, then validator id, then the order incarnations were seen. */
  counted(): ValidatorReport[] {
    const order = new Map(this.seen.map((inc, i) => [inc, i]));
    return [...this.seen]
      .sort((a, b) => a.latest.atMs - b.latest.atMs || cmp(a.latest.validatorId, b.latest.validatorId) || order.get(a)! - order.get(b)!)
      .map((inc) => inc.latest);
  }

  get size(): number {
    return this.byValidator.size;
  }

  private incarnationOf(incarnations: ValidatorIncarnation[], e: ValidatorReport, shape: WindowShape): ValidatorIncarnation | undefined {
    if (e.incarnation !== undefined) return incarnations.find((inc) => inc.id === e.incarnation);
    const current = incarnations.findLast((inc) => inc.id === undefined);
    if (current === undefined) return undefined;
    const restarted =
      shape.windowCount < current.windowCount ||
      (current.firstWindow !== undefined && shape.firstWindow !== undefined && shape.firstWindow > current.firstWindow);
    return restarted ? undefined : current;
  }
}

interface WindowShape {
  firstWindow: number | undefined;
  windowCount: number;
}

/** Reads the end-to-end histogram's window list without decoding it (cheap; done for every report). */
function windowShape(latency: unknown): WindowShape {
  const windows = (latency as { endToEnd?: { windows?: unknown } } | null)?.endToEnd?.windows;
  if (!Array.isArray(windows) || windows.length === 0) return { firstWindow: undefined, windowCount: 0 };
  const first = (windows[0] as unknown[])?.[0];
  return { firstWindow: typeof first === 'number' ? first : undefined, windowCount: windows.length };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
